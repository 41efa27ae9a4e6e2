"""The organizer's roster: attendance opens when the session starts, a mark can be undone, counters follow."""
# ruff: noqa: F811  (pytest fixtures imported from the organizer tests are parameters here)
import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Registration
from tests.conftest import csrf_token_from
from tests.integration.test_forum_organizer import BASE, make_forum, organizer, register  # noqa: F401


def stats(html: str) -> str:
    block = re.search(r'<ul class="stats" id="roster-stats"[^>]*>(.*?)</ul>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def test_attendance_opens_when_the_session_starts(app, organizer):
    ahead = make_forum(app, starts_in_days=7)
    ana = register(app, ahead, "ana@example.org", name="Ana")
    html = organizer.get(f"{BASE}/{ahead}/roster?lang=en").get_data(as_text=True)
    assert "Attendance is taken once the session has started" in html
    assert f'id="present-{ana}"' not in html and "Add someone who came without a seat" not in html

    refused = organizer.post(f"{BASE}/{ahead}/roster/{ana}/attendance",
                             data={"csrf_token": csrf_token_from(html), "attended": "yes"})
    assert refused.status_code == 303
    assert "Attendance is taken once the session has started." in organizer.get(
        f"{BASE}/{ahead}/roster?lang=en").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, ana).status == "confirmed"


def test_a_mark_can_be_undone_and_counters_follow_the_row(app, organizer):
    started = make_forum(app, capacity=5, starts_in_days=0)
    ana = register(app, started, "ana@example.org", name="Ana")
    register(app, started, "ben@example.org", name="Ben")
    html = organizer.get(f"{BASE}/{started}/roster?lang=fr").get_data(as_text=True)
    token = csrf_token_from(html)
    url = f"{BASE}/{started}/roster/{ana}/attendance?lang=fr"
    htmx = {"HX-Request": "true", "X-CSRFToken": token}

    marked = organizer.post(url, data={"attended": "yes"}, headers=htmx).get_data(as_text=True)
    # The counters come back with the row (swapped out of band), in the singular.
    assert 'id="roster-stats" hx-swap-oob="true"' in marked
    assert "1 personne présente" in stats(marked) and "0 personne absente" in stats(marked)
    assert f'id="clear-{ana}"' in marked

    undone = organizer.post(url, data={"attended": "clear"}, headers=htmx).get_data(as_text=True)
    assert "0 personne présente" in stats(undone)
    assert f'id="clear-{ana}"' not in undone
    with app.app_context():
        assert db.session.get(Registration, ana).status == "confirmed"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.attendance")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.detail["from"], e.detail["to"]) for e in events] == [("confirmed", "attended"),
                                                                        ("attended", "confirmed")]
    page = organizer.get(f"{BASE}/{started}/roster?lang=fr").get_data(as_text=True)
    assert "5 places" in stats(page) and "2 occupées" in stats(page)


def test_a_walk_in_at_a_full_forum_leaves_its_capacity_alone(app, organizer):
    from consult.models import Forum, Participant
    from tests.conftest import submit_form

    full = make_forum(app, capacity=1, starts_in_days=0)
    register(app, full, "ana@example.org", name="Ana")
    response = submit_form(organizer, f"{BASE}/{full}/roster?lang=en", {"name": "Walk In",
                                                                         "email": "walk.in@example.org"},
                           action=f"{BASE}/{full}/roster/walk-in?lang=en")
    assert response.status_code == 303
    page = organizer.get(f"{BASE}/{full}/roster?lang=en").get_data(as_text=True)
    assert "1 seat" in stats(page) and "1 taken" in stats(page) and "1 present" in stats(page)
    with app.app_context():
        forum = db.session.get(Forum, full)
        assert (forum.capacity, forum.seats_taken) == (1, 1)
        walk_in = db.session.scalar(select(Registration).join(Registration.participant)
                                    .where(Participant.email == "walk.in@example.org"))
        walk_in_id = walk_in.id

    # Added by mistake: undone, off the roster, and the session is as it was.
    undone = organizer.post(f"{BASE}/{full}/roster/{walk_in_id}/attendance?lang=en",
                            data={"csrf_token": csrf_token_from(page), "attended": "clear"})
    assert undone.status_code == 303
    with app.app_context():
        forum = db.session.get(Forum, full)
        assert (forum.capacity, forum.seats_taken) == (1, 1)
        assert db.session.get(Registration, walk_in_id).status == "cancelled"
