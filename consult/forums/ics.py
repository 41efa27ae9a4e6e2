"""Calendar invitations (.ics, RFC 5545/5546) attached to forum emails."""
from datetime import datetime, timezone
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from ..i18n import localized
from ..mail.outbox import Attachment
from ..mail.urls import site_host
from ..models import Forum, Registration
from ..models.base import utcnow
from .links import manage_url

PRODID = "-//consult//forums//EN"
# SEQUENCE must grow with every new version of an event sent for the same UID (an invitation
# after a cancellation, a new time...). Seconds since this moment grow without any stored counter.
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def forum_invitation(forum: Forum, registration: Registration, language: str, *, now: datetime | None = None) -> bytes:
    """METHOD:REQUEST; the meeting link only for someone who holds a seat."""
    now = now or utcnow()
    with_link = registration.holds_seat and bool(forum.meeting_link)
    with force_locale(language):
        event = _event(forum, registration, language, now, with_link)
        event.add("status", "CONFIRMED")
        if with_link:
            event.add("location", forum.meeting_link)
            event.add("url", forum.meeting_link)
        return _calendar("REQUEST", event).to_ical()


def forum_cancellation(forum: Forum, registration: Registration, language: str, *,
                       now: datetime | None = None) -> bytes:
    """METHOD:CANCEL for the same UID: calendars remove the event."""
    now = now or utcnow()
    with force_locale(language):
        event = _event(forum, registration, language, now, with_link=False)
        event.add("status", "CANCELLED")
        return _calendar("CANCEL", event).to_ical()


def invitation_attachment(forum: Forum, registration: Registration, language: str) -> Attachment:
    return ("invitation.ics", "text/calendar; method=REQUEST; charset=UTF-8",
            forum_invitation(forum, registration, language))


def cancellation_attachment(forum: Forum, registration: Registration, language: str) -> Attachment:
    return ("cancellation.ics", "text/calendar; method=CANCEL; charset=UTF-8",
            forum_cancellation(forum, registration, language))


def event_uid(forum: Forum, registration: Registration) -> str:
    # One UID per person and forum: each has their own copy, with or without the meeting link.
    return f"forum-{forum.id}-registration-{registration.id}@{site_host()}"


def _calendar(method: str, event: Event) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    return calendar


def _event(forum: Forum, registration: Registration, language: str, now: datetime, with_link: bool) -> Event:
    event = Event()
    event.add("uid", event_uid(forum, registration))
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("sequence", int((now - SEQUENCE_EPOCH).total_seconds()))
    event.add("dtstart", forum.starts_at.astimezone(timezone.utc))
    event.add("dtend", forum.ends_at.astimezone(timezone.utc))
    event.add("summary", localized(forum, "title", language).text)
    event.add("description", _description(forum, registration, language, with_link))
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(registration))
    return event


def _description(forum: Forum, registration: Registration, language: str, with_link: bool) -> str:
    parts = [localized(forum, "description", language).text]
    if with_link:
        parts.append(_("Join the meeting: %(url)s", url=forum.meeting_link))
    parts.append(_("See, change or cancel your registration: %(url)s", url=manage_url(registration)))
    return "\n\n".join(part for part in parts if part)


def _organizer() -> vCalAddress:
    config = current_app.config
    name, address = parseaddr(config.get("MAIL_REPLY_TO") or config["MAIL_FROM"])
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or config["SITE_NAME"])
    return organizer


def _attendee(registration: Registration) -> vCalAddress:
    participant = registration.participant
    attendee = vCalAddress(f"mailto:{participant.email}")
    if participant.name:
        attendee.params["cn"] = vText(participant.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    # Already registered: nothing to answer, and a calendar should not offer to.
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee
