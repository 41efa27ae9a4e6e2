"""Calendar invitations (.ics, RFC 5545/5546) attached to forum emails."""
from datetime import datetime, timezone
from email.utils import parseaddr
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Parameters, vCalAddress, vDDDTypes, vInt, vText, vUri
from icalendar.parser import Contentline

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


def forum_invitation(forum: Forum, registration: Registration, language: str, *, now: datetime | None = None,
                     manage_link: str | None = None) -> bytes:
    """METHOD:REQUEST; the meeting link only for someone who holds a seat.

    `manage_link`: the registration's personal link, when the caller has already built it."""
    with_link = registration.holds_seat and bool(forum.meeting_link)
    return _calendar("REQUEST", _event(forum, registration, language, now or utcnow(), with_link, "CONFIRMED",
                                       manage_link))


def forum_cancellation(forum: Forum, registration: Registration, language: str, *,
                       now: datetime | None = None, manage_link: str | None = None) -> bytes:
    """METHOD:CANCEL for the same UID: calendars remove the event."""
    return _calendar("CANCEL", _event(forum, registration, language, now or utcnow(), False, "CANCELLED",
                                      manage_link))


def invitation_attachment(forum: Forum, registration: Registration, language: str, *,
                          manage_link: str | None = None, now: datetime | None = None) -> Attachment:
    """`now`: the moment the email was decided (its DTSTAMP and SEQUENCE), when it is written later."""
    return ("invitation.ics", "text/calendar; method=REQUEST; charset=UTF-8",
            forum_invitation(forum, registration, language, manage_link=manage_link, now=now))


def cancellation_attachment(forum: Forum, registration: Registration, language: str, *,
                            now: datetime | None = None) -> Attachment:
    return ("cancellation.ics", "text/calendar; method=CANCEL; charset=UTF-8",
            forum_cancellation(forum, registration, language, now=now))


def event_uid(forum: Forum, registration: Registration) -> str:
    # One UID per person and forum: each has their own copy, with or without the meeting link.
    return f"forum-{forum.id}-registration-{registration.id}@{site_host()}"


# The calendar is written line by line with icalendar's own escaping and folding, in the order its
# Calendar.to_ical() gives (VERSION, PRODID, METHOD; then SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE
# and the rest alphabetically): the same bytes, without building and sorting components for each email.

def _calendar(method: str, event_lines: list[bytes]) -> bytes:
    return b"\r\n".join([*_calendar_head(method), b"BEGIN:VEVENT", *event_lines, b"END:VEVENT", b"END:VCALENDAR",
                          b""])


@lru_cache(maxsize=4)
def _calendar_head(method: str) -> tuple[bytes, ...]:
    return (b"BEGIN:VCALENDAR", _shared_line("VERSION", "2.0"), _shared_line("PRODID", PRODID),
            _shared_line("METHOD", method))


@lru_cache(maxsize=256)
def _shared_line(name: str, value: str, uri: bool = False) -> bytes:
    """A property every registrant's copy shares (title, status, meeting link), escaped and folded once."""
    return _content_line(name, vUri(value) if uri else vText(value))


def _content_line(name: str, value) -> bytes:
    return fold(Contentline.from_parts(name, getattr(value, "params", Parameters()), value))


FOLD_OCTETS = 74  # at most, per physical line (RFC 5545 says 75, icalendar keeps under it)
_ESCAPES = (ord("\\"), ord("^"))  # never left alone at the end of a line (icalendar's rule, for old clients)


def fold(line: str) -> bytes:
    """The content line in UTF-8, folded exactly as icalendar folds it: on character boundaries, at most
    FOLD_OCTETS octets a line, an escape character carried over to the next line. Byte offsets
    instead of icalendar's walk over every character."""
    data = line.encode("utf-8")
    pieces, start = [], 0
    while len(data) - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        if data[cut - 1] in _ESCAPES and cut - 1 > start:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _event(forum: Forum, registration: Registration, language: str, now: datetime, with_link: bool, status: str,
           manage_link: str | None) -> list[bytes]:
    with force_locale(language):
        description = _description(forum, registration, language, with_link, manage_link)
    lines = [
        _shared_line("SUMMARY", localized(forum, "title", language).text),
        _shared_utc_line("DTSTART", forum.starts_at),
        _shared_utc_line("DTEND", forum.ends_at),
        _utc_line("DTSTAMP", now),
        _content_line("UID", vText(event_uid(forum, registration))),
        _content_line("SEQUENCE", vInt(int((now - SEQUENCE_EPOCH).total_seconds()))),
        _content_line("ATTENDEE", _attendee(registration)),
        _content_line("DESCRIPTION", vText(description)),
    ]
    if with_link:
        lines.append(_shared_line("LOCATION", forum.meeting_link))
    lines.append(_organizer_line(*_organizer_parts()))
    lines.append(_shared_line("STATUS", status))
    if with_link:
        lines.append(_shared_line("URL", forum.meeting_link, uri=True))
    return lines


def _utc_line(name: str, moment: datetime) -> bytes:
    return _content_line(name, vDDDTypes(moment.astimezone(timezone.utc)))


@lru_cache(maxsize=256)
def _shared_utc_line(name: str, moment: datetime) -> bytes:
    return _utc_line(name, moment)


def _description(forum: Forum, registration: Registration, language: str, with_link: bool,
                 manage_link: str | None) -> str:
    parts = [localized(forum, "description", language).text]
    if with_link:
        parts.append(_("Join the meeting: %(url)s", url=forum.meeting_link))
    parts.append(_("See, change or cancel your registration: %(url)s",
                   url=manage_link if manage_link is not None else manage_url(registration)))
    return "\n\n".join(part for part in parts if part)


def _organizer_parts() -> tuple[str, str]:
    config = current_app.config
    name, address = parseaddr(config.get("MAIL_REPLY_TO") or config["MAIL_FROM"])
    return address, name or config["SITE_NAME"]


@lru_cache(maxsize=16)
def _organizer_line(address: str, name: str) -> bytes:
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    return _content_line("ORGANIZER", organizer)


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
