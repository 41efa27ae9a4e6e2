"""Calendar invitations and cancellations, parsed back with icalendar."""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from consult.extensions import db
from consult.forums.ics import forum_cancellation, forum_invitation
from consult.tokens import read_token
from tests.mail_data import MEETING_LINK, MONTREAL, SUMMER_START, make_consultation, make_forum, sign_up

BASE_URL = "https://consult.example.org"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_an_invitation_for_a_forum_at_13_30_in_montreal(ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org", "en", name="Ana Tremblay")
    db.session.commit()

    calendar, event = _event(forum_invitation(forum, registration, "en"))

    assert (calendar["VERSION"], calendar["METHOD"]) == ("2.0", "REQUEST") and calendar["PRODID"]
    # 13:30 in Montréal in June (EDT) is 17:30 UTC; the forum lasts 90 minutes.
    assert event.decoded("DTSTART") == datetime(2027, 6, 10, 17, 30, tzinfo=timezone.utc)
    assert event.decoded("DTEND") == datetime(2027, 6, 10, 19, 0, tzinfo=timezone.utc)
    assert event.decoded("DTSTART") == SUMMER_START
    assert str(event["UID"]) == f"forum-{forum.id}-registration-{registration.id}@consult.example.org"
    assert str(event["SUMMARY"]) == "Forum on axis one"
    assert str(event["STATUS"]) == "CONFIRMED" and event.decoded("DTSTAMP")
    assert str(event["LOCATION"]) == MEETING_LINK and str(event["URL"]) == MEETING_LINK
    description = str(event["DESCRIPTION"])
    assert description.startswith("We will discuss the orientations.")
    manage = next(word for word in description.split() if word.startswith(f"{BASE_URL}/registrations/"))
    assert read_token("registration", urlsplit(manage).path.rsplit("/", 1)[1]) == (registration.id, 1)
    assert str(event["ATTENDEE"]) == "mailto:ana@example.org"


def test_winter_time_gives_another_utc_hour(ctx, base_url):
    forum = make_forum(make_consultation(), starts_at=datetime(2027, 1, 14, 13, 30, tzinfo=MONTREAL))
    registration = sign_up(forum, "ana@example.org")
    _, event = _event(forum_invitation(forum, registration, "fr"))
    assert event.decoded("DTSTART") == datetime(2027, 1, 14, 18, 30, tzinfo=timezone.utc)


def test_the_summary_follows_the_language(ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org")
    _, event = _event(forum_invitation(forum, registration, "fr"))
    assert str(event["SUMMARY"]) == "Forum sur l’axe un"
    assert str(event["DESCRIPTION"]).startswith("Nous discuterons des orientations.")


def test_no_meeting_link_without_a_seat(ctx, base_url):
    forum = make_forum(make_consultation(), capacity=1)
    sign_up(forum, "first@example.org")
    waitlisted = sign_up(forum, "second@example.org")
    assert waitlisted.status == "waitlisted"
    data = forum_invitation(forum, waitlisted, "en")
    _, event = _event(data)
    assert "LOCATION" not in event and "URL" not in event
    assert MEETING_LINK.encode() not in data


def test_the_uid_is_stable_and_a_cancellation_supersedes_the_invitation(ctx, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org")
    moment = datetime(2027, 5, 1, 12, 0, tzinfo=timezone.utc)
    _, first = _event(forum_invitation(forum, registration, "fr", now=moment))
    _, again = _event(forum_invitation(forum, registration, "en", now=moment + timedelta(days=1)))
    calendar, cancel = _event(forum_cancellation(forum, registration, "fr", now=moment + timedelta(days=2)))

    assert str(first["UID"]) == str(again["UID"]) == str(cancel["UID"])
    assert calendar["METHOD"] == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert first["SEQUENCE"] < again["SEQUENCE"] < cancel["SEQUENCE"]
    assert cancel.decoded("DTSTART") == SUMMER_START
    assert "LOCATION" not in cancel and MEETING_LINK not in str(cancel["DESCRIPTION"])


def test_each_registration_has_its_own_uid(ctx, base_url):
    forum = make_forum(make_consultation())
    ana, bob = sign_up(forum, "ana@example.org"), sign_up(forum, "bob@example.org")
    _, ana_event = _event(forum_invitation(forum, ana, "fr"))
    _, bob_event = _event(forum_invitation(forum, bob, "fr"))
    assert str(ana_event["UID"]) != str(bob_event["UID"])
