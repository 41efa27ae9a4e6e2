"""The forum emails: queued in the participant's language, delivered, and read back over SMTP."""
from datetime import timezone

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from consult.extensions import db
from consult.forums import notifications
from consult.forums.registration import cancel, register
from consult.mail.delivery import deliver_pending
from consult.mail.urls import external_url
from consult.models import OutboxMessage
from consult.tokens import read_token
from tests.mail_data import MEETING_LINK, SUMMER_START, attachments_of, make_consultation, make_forum, sign_up, text_of

BASE_URL = "https://consult.example.org"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)


def _deliver(smtp_server):
    db.session.commit()
    report = deliver_pending()
    assert report.failed == report.retrying == 0, report
    return smtp_server.messages


def _calendar(message):
    [(filename, mimetype, content)] = attachments_of(message)
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def _token_in(text: str) -> str:
    url = next(word for word in text.split() if word.startswith(f"{BASE_URL}/registrations/"))
    return url.rsplit("/", 1)[1].split("?")[0]


def test_a_confirmed_seat_in_english(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation(), recorded=True, recording_notice_en="The session is recorded for analysis.")
    registration = sign_up(forum, "ana@example.org", "en")

    notifications.registration_confirmed(registration)
    [message] = _deliver(smtp_server)

    assert message["Subject"] == "Your seat is confirmed: Forum on axis one"
    assert message["To"] == "ana@example.org" and message["Content-Language"] == "en"
    text = text_of(message)
    assert "Hello Ana Tremblay," in text
    assert "Thursday, June 10, 2027, 1:30\u202fp.m. – 3:00\u202fp.m. (Eastern Time)" in text
    assert "90 minutes" in text
    assert f"Join the meeting: {MEETING_LINK}" in text
    assert "The session is recorded for analysis." in text
    assert read_token("registration", _token_in(text)) == (registration.id, 1)
    calendar, event = _calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == SUMMER_START.astimezone(timezone.utc)
    assert str(event["UID"]) == f"forum-{forum.id}-registration-{registration.id}@consult.example.org"


def test_a_french_participant_gets_french_content_and_dates(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation())
    notifications.registration_confirmed(sign_up(forum, "luc@example.org", "fr", name="Luc"))
    [message] = _deliver(smtp_server)
    assert message["Content-Language"] == "fr"
    assert message["Subject"].endswith("Forum sur l’axe un")
    text = text_of(message)
    assert "jeudi 10 juin 2027, 13\u00a0h\u00a030 – 15\u00a0h" in text
    assert "Nous discuterons des orientations." in text and "We will discuss" not in text
    _, event = _calendar(message)
    assert str(event["SUMMARY"]) == "Forum sur l’axe un"


def test_the_waitlist_email_has_a_position_but_no_meeting_link_nor_invitation(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation(), capacity=1)
    sign_up(forum, "first@example.org", "en")
    sign_up(forum, "second@example.org", "en")
    third = sign_up(forum, "third@example.org", "en")
    assert third.status == "waitlisted"

    notifications.registration_confirmed(third)
    [message] = _deliver(smtp_server)

    assert message["Subject"] == "You are on the waitlist: Forum on axis one"
    text = text_of(message)
    assert "Your place on the waitlist: 2." in text
    assert MEETING_LINK not in message.as_string()
    assert list(message.iter_attachments()) == []
    assert read_token("registration", _token_in(text))[0] == third.id


def test_a_replayed_request_queues_nothing_new(ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org")
    assert notifications.registration_confirmed(registration) is not None
    assert notifications.registration_confirmed(registration) is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_registering_again_after_cancelling_is_announced_again(ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org")
    notifications.registration_confirmed(registration)
    cancel(registration)
    notifications.registration_cancelled(registration)
    register(forum, registration.participant)
    assert notifications.registration_confirmed(registration) is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_cancelling_a_seat_sends_a_calendar_cancellation_and_the_next_person_is_promoted(ctx, smtp_server,
                                                                                           base_url):
    forum = make_forum(make_consultation(), capacity=1)
    ana = sign_up(forum, "ana@example.org", "en")
    bob = sign_up(forum, "bob@example.org", "fr", name="Bob")
    db.session.commit()

    outcome = cancel(ana)
    notifications.registration_cancelled(ana)
    for promoted in outcome.promoted:
        notifications.registration_promoted(promoted)
    messages = _deliver(smtp_server)

    [cancelled] = smtp_server.to("ana@example.org")
    assert cancelled["Subject"] == "Registration cancelled: Forum on axis one"
    calendar, event = _calendar(cancelled)
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"forum-{forum.id}-registration-{ana.id}@consult.example.org"
    assert MEETING_LINK not in cancelled.as_string()
    assert f"{BASE_URL}/consultations/mini/" in text_of(cancelled), "where to sign up again"

    [promoted] = smtp_server.to("bob@example.org")
    assert promoted["Content-Language"] == "fr" and promoted["Subject"].endswith("Forum sur l’axe un")
    assert MEETING_LINK in text_of(promoted)
    assert read_token("registration", _token_in(text_of(promoted)))[0] == bob.id
    assert _calendar(promoted)[0]["METHOD"] == "REQUEST"
    assert len(messages) == 2


def test_leaving_the_waitlist_sends_no_calendar_file(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation(), capacity=1)
    sign_up(forum, "ana@example.org")
    bob = sign_up(forum, "bob@example.org", "en")
    cancel(bob)
    notifications.registration_cancelled(bob)
    [message] = _deliver(smtp_server)
    assert list(message.iter_attachments()) == []


def test_a_cancelled_forum_tells_the_confirmed_and_the_waitlisted(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation(), capacity=1)
    ana = sign_up(forum, "ana@example.org", "en")
    bob = sign_up(forum, "bob@example.org", "en")
    gone = sign_up(forum, "gone@example.org", "en")
    cancel(gone)
    registrations = [ana, bob, gone]
    forum.status = "cancelled"

    queued = notifications.forum_cancelled(forum, registrations, "The facilitator is ill.")
    assert notifications.forum_cancelled(forum, registrations, "The facilitator is ill.") == []
    _deliver(smtp_server)

    assert len(queued) == 2 and smtp_server.to("gone@example.org") == []
    [to_ana] = smtp_server.to("ana@example.org")
    assert to_ana["Subject"] == "Cancelled: Forum on axis one"
    assert "The facilitator is ill." in text_of(to_ana)
    assert f"{BASE_URL}/consultations/mini/" in text_of(to_ana)
    assert _calendar(to_ana)[0]["METHOD"] == "CANCEL"
    assert MEETING_LINK not in to_ana.as_string()
    [to_bob] = smtp_server.to("bob@example.org")
    assert list(to_bob.iter_attachments()) == []


def test_manage_url_uses_the_registration_page(app, ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org")
    url = notifications.manage_url(registration)
    assert url.startswith(f"{BASE_URL}/registrations/")
    assert url.endswith("?lang=fr") or url.endswith("?lang=en")
    assert read_token("registration", url.rsplit("/", 1)[1].split("?")[0]) == (registration.id, 1)


def test_manage_url_is_built_by_hand_while_the_page_does_not_exist(app, ctx, base_url, monkeypatch):
    if "forums.manage" in app.view_functions:
        monkeypatch.delitem(app.view_functions, "forums.manage")
    registration = sign_up(make_forum(make_consultation()), "ana@example.org")
    registration.participant.link_version = 3
    url = notifications.manage_url(registration)
    assert url.startswith(f"{BASE_URL}/registrations/")
    assert read_token("registration", url.rsplit("/", 1)[1].split("?")[0]) == (registration.id, 3)


def test_external_urls_follow_base_url_and_ignore_the_request_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://example.gc.ca/consult")
    with app.app_context():
        assert external_url("public.synoptic", slug="mini") == "https://example.gc.ca/consult/consultations/mini/synoptic"
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert external_url("public.synoptic", slug="mini").startswith("https://example.gc.ca/consult/")
