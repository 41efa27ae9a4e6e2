"""No overbooking under concurrent sign-ups: 50 people race for 10 seats, through a real
threaded HTTP server and directly through the service, on SQLite and on PostgreSQL."""
import http.cookiejar
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from consult.extensions import db, limiter
from consult.forums import public_services
from consult.models import Consultation, Forum, OutboxMessage, Participant, Registration
from consult.participants.services import Profile
from consult.structure.importer import import_structure
from tests.conftest import csrf_token_from, minimal_document

PEOPLE = 50
SEATS = 10
STARTS_AT = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)


@pytest.fixture
def forum(app):
    document = minimal_document(categories=[{"code": "other", "name": {"fr": "Autre", "en": "Other"}}],
                                privacy_notice={"fr": "Avis.", "en": "Notice."})
    with app.app_context():
        consultation = import_structure(document, source="test").consultation
        item = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", starts_at=STARTS_AT,
                     capacity=SEATS, meeting_link="https://meet.example.org/room")
        db.session.add(item)
        db.session.commit()
        return SimpleNamespace(id=item.id, slug=consultation.slug, category_id=consultation.categories[0].id)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def no_rate_limit():
    # Every request comes from 127.0.0.1: the sign-up limit would stop the race at 20.
    was = limiter.enabled
    limiter.enabled = False
    yield
    limiter.enabled = was


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is what the test looks at


class Browser:
    """One visitor: own cookie jar (session and CSRF token), no redirect following."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects())

    def get(self, url) -> str:
        with self.opener.open(url, timeout=60) as response:
            return response.read().decode("utf-8")

    def post(self, url, data) -> tuple[int, str]:
        request = urllib.request.Request(url, data=urlencode(data).encode("ascii"), method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "") or error.read().decode("utf-8", "replace")[:500]


def form(forum, index):
    return {"name": f"Person {index}", "email": f"person{index}@example.org", "category": str(forum.category_id),
            "region": "QC", "preferred_language": "fr", "consent_processing": "y"}


def counts(app, forum_id):
    with app.app_context():
        statuses = dict(db.session.execute(
            select(Registration.status, func.count()).where(Registration.forum_id == forum_id)
            .group_by(Registration.status)).all())
        forum = db.session.get(Forum, forum_id)
        # What each person is told: the email's kind against the registration it names.
        told = Counter((message.kind, db.session.get(Registration, message.params["registration"]).status)
                       for message in db.session.scalars(select(OutboxMessage)))
        return SimpleNamespace(
            confirmed=statuses.get("confirmed", 0), waitlisted=statuses.get("waitlisted", 0),
            seats_taken=forum.seats_taken, participants=db.session.scalar(select(func.count(Participant.id))),
            emails=db.session.scalar(select(func.count(OutboxMessage.id))), told=told)


def test_fifty_browsers_race_for_ten_seats_over_http(app, forum, live_server, no_rate_limit):
    url = f"{live_server}/consultations/{forum.slug}/forums/{forum.id}/signup"
    browsers = [Browser() for _ in range(PEOPLE)]
    # Each visitor opens the page first (session cookie + CSRF token), as a browser does.
    tokens = [csrf_token_from(browser.get(url)) for browser in browsers]
    start = threading.Barrier(PEOPLE)

    def submit(index):
        start.wait(timeout=60)  # all 50 POSTs leave together
        return browsers[index].post(url, {"csrf_token": tokens[index], **form(forum, index)})

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        results = list(pool.map(submit, range(PEOPLE)))

    assert [status for status, _detail in results] == [303] * PEOPLE, [r for r in results if r[0] != 303][:3]
    assert all(location.endswith("/check-your-email") for _status, location in results)
    result = counts(app, forum.id)
    assert (result.confirmed, result.waitlisted, result.seats_taken) == (SEATS, PEOPLE - SEATS, SEATS)
    assert result.participants == PEOPLE
    assert result.emails == PEOPLE  # one confirmation or waitlist email each, none twice
    assert result.told == {("forum.registration_confirmed", "confirmed"): SEATS,
                           ("forum.registration_waitlisted", "waitlisted"): PEOPLE - SEATS}


def test_fifty_threads_race_for_ten_seats_through_the_service(app, forum):
    start = threading.Barrier(PEOPLE)
    errors = []

    def sign_up(index):
        # The barrier before any query: a thread waiting at it must not hold one of the pool's
        # connections that the others need to get there.
        start.wait(timeout=60)
        with app.app_context():
            try:
                consultation = db.session.scalar(select(Consultation).where(Consultation.slug == forum.slug))
                item = db.session.get(Forum, forum.id)
                profile = Profile(name=f"Person {index}", region="QC", category_id=forum.category_id)
                public_services.sign_up(consultation, item, public_services.Signup(
                    email=f"person{index}@example.org", profile=profile, consents={"processing": True}))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below with the others
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(index,)) for index in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    result = counts(app, forum.id)
    assert (result.confirmed, result.waitlisted, result.seats_taken) == (SEATS, PEOPLE - SEATS, SEATS)
    assert result.emails == PEOPLE
    assert result.told == {("forum.registration_confirmed", "confirmed"): SEATS,
                           ("forum.registration_waitlisted", "waitlisted"): PEOPLE - SEATS}


def test_the_last_seat_taken_while_someone_signs_up_gives_them_the_waitlist_and_its_email(app, forum):
    """The page's forum showed a seat left; another sign-up took it before this one's seat was claimed
    (the last statement of a sign-up): this person is told of a place on the waitlist, not of a seat."""
    from sqlalchemy import update

    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == forum.slug))
        item = db.session.get(Forum, forum.id)
        assert item.seats_taken < item.capacity
        # Another transaction's sign-up, behind this session's back (its forum keeps the old count).
        db.session.execute(update(Forum).where(Forum.id == forum.id).values(seats_taken=Forum.capacity)
                           .execution_options(synchronize_session=False))
        result = public_services.sign_up(consultation, item, public_services.Signup(
            email="late@example.org", profile=Profile(name="Late", region="QC", category_id=forum.category_id),
            consents={"processing": True}))
        db.session.commit()
        assert result.outcome.registration.status == "waitlisted"
    result = counts(app, forum.id)
    assert (result.confirmed, result.waitlisted, result.seats_taken) == (0, 1, SEATS)
    assert result.told == {("forum.registration_waitlisted", "waitlisted"): 1}


def test_the_same_person_submitting_from_many_tabs_at_once_registers_once(app, forum, live_server, no_rate_limit):
    url = f"{live_server}/consultations/{forum.slug}/forums/{forum.id}/signup"
    tabs = 8
    browsers = [Browser() for _ in range(tabs)]
    tokens = [csrf_token_from(browser.get(url)) for browser in browsers]
    start = threading.Barrier(tabs)

    def submit(index):
        start.wait(timeout=60)
        return browsers[index].post(url, {"csrf_token": tokens[index], **form(forum, 0)})

    with ThreadPoolExecutor(max_workers=tabs) as pool:
        results = list(pool.map(submit, range(tabs)))

    assert [status for status, _detail in results] == [303] * tabs
    result = counts(app, forum.id)
    assert (result.participants, result.confirmed, result.waitlisted, result.seats_taken) == (1, 1, 0, 1)
    assert result.emails == 1
    # Each tab got the confirmation page or was told to look in their email (which tab wins the
    # race to create the participant decides which; the other tabs must not see the link).
    assert all("/registered/" in location or location.endswith("/check-your-email") for _status, location in results)


def test_two_simultaneous_cancellations_give_the_seat_away_once(app, forum):
    with app.app_context():
        db.session.get(Forum, forum.id).capacity = 1
        db.session.commit()
    for index in range(3):  # one seated, two waiting
        with app.app_context():
            consultation = db.session.scalar(select(Consultation).where(Consultation.slug == forum.slug))
            public_services.sign_up(consultation, db.session.get(Forum, forum.id), public_services.Signup(
                email=f"person{index}@example.org", profile=Profile(name=f"P{index}"), consents={"processing": True}))
            db.session.commit()
    with app.app_context():
        seated_id = db.session.scalar(select(Registration.id).where(Registration.status == "confirmed"))
    start = threading.Barrier(2)
    errors = []

    def cancel():
        with app.app_context():
            try:
                item = db.session.get(Registration, seated_id)
                assert item.forum is not None  # loaded now: both threads hold a stale "confirmed" copy
                start.wait(timeout=30)
                public_services.cancel(item)
                db.session.commit()
            except Exception as error:  # noqa: BLE001
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    result = counts(app, forum.id)
    assert (result.confirmed, result.waitlisted, result.seats_taken) == (1, 1, 1)
