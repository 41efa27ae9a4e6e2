"""The emails of the forum flows, queued in the outbox in each participant's own language.

Every function renders templates/mail/<name>.txt under the participant's preferred language
and queues one message with a dedupe key tied to the state it announces (the time the seat
was confirmed, the time of the cancellation...): a replayed request queues nothing new, while
a later, different event (cancelled, then registered again) is announced again.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from babel.dates import get_timezone_name
from flask import current_app
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from ..dates import regional_locale
from ..i18n import localized
from ..mail.outbox import Attachment, queue_message, queue_recorded
from ..mail.text import render_text
from ..models import Forum, OutboxMessage, Registration
from ..models.base import utcnow
from ..models.forum import ACTIVE
from .ics import cancellation_attachment, invitation_attachment
from .links import manage_url, other_sessions_url
from .when import session_span

__all__ = [
    "PreReading",
    "forum_cancelled",
    "forum_prereading",
    "forum_reminder",
    "manage_url",
    "registration_cancelled",
    "registration_confirmed",
    "registration_promoted",
]

# Statuses of the people to tell when a whole forum is cancelled.


@dataclass(frozen=True)
class PreReading:
    """What the pre-reading email carries: a link, an attached file, or both."""

    url: str = ""
    attachment: Attachment | None = None


def registration_confirmed(registration: Registration, *, just_made: bool = False) -> OutboxMessage | None:
    """Right after sign-up: the seat (with meeting link and .ics) or the place on the waitlist.

    Recorded, not written: the mail worker renders it (registration_mail.py), so a sign-up's
    transaction holds one small row. `just_made`: the seat or place was given in this transaction,
    so nothing was queued for it yet."""
    if registration.status == "waitlisted":
        return _record(registration, "forum.registration_waitlisted",
                       f"waitlisted-{_stamp(registration.waitlisted_at)}", new=just_made)
    if registration.status != "confirmed":
        return None
    return _record(registration, "forum.registration_confirmed", f"confirmed-{_stamp(registration.confirmed_at)}",
                   new=just_made)


def registration_promoted(registration: Registration) -> OutboxMessage | None:
    """A seat was freed and given to this person from the waitlist."""
    if registration.status != "confirmed":
        return None
    return _record(registration, "forum.registration_promoted", f"promoted-{_stamp(registration.confirmed_at)}")


def registration_cancelled(registration: Registration, *, had_seat: bool | None = None) -> OutboxMessage | None:
    """Confirms a cancellation; someone who had a seat also gets the calendar cancellation.

    `had_seat` defaults to whether a seat was ever confirmed (cancel() keeps confirmed_at).
    """
    if registration.status != "cancelled":
        return None
    if had_seat is None:
        had_seat = registration.confirmed_at is not None
    return _record(registration, "forum.registration_cancelled", f"cancelled-{_stamp(registration.cancelled_at)}",
                   had_seat=had_seat)


def _record(registration: Registration, kind: str, key: str, *, new: bool = False, **params) -> OutboxMessage | None:
    """Queue what to send: the registration, the moment (the calendar's stamp and sequence) and the
    language chosen now; the worker writes the words when it sends."""
    participant = registration.participant
    return queue_recorded(participant.email, kind,
                          {"registration": registration.id, "at": utcnow().isoformat(), **params},
                          language=participant.preferred_language,
                          dedupe_key=f"registration-{registration.id}-{key}", object_type="registration",
                          object_id=str(registration.id), new_key=new)


def forum_cancelled(forum: Forum, registrations: list[Registration], reason: str = "") -> list[OutboxMessage]:
    """Tell everyone confirmed or waitlisted that the forum will not take place.

    Pass the registrations as they stood before the cancellation (confirmed and waitlisted
    ones are told, others skipped); those with a seat get the calendar cancellation.
    """
    queued = []
    for registration in registrations:
        if registration.status not in ACTIVE:
            continue
        language, had_seat = _language(registration), registration.status == "confirmed"
        with force_locale(language):
            subject = _("Cancelled: %(title)s", title=_title(forum, language))
            body = _render("forum_cancelled", registration, language, reason=(reason or "").strip(),
                           had_seat=had_seat)
            attachments = [cancellation_attachment(forum, registration, language)] if had_seat else []
        message = _queue(registration, subject, body, language, attachments, key=f"forum-cancelled-{forum.id}")
        if message is not None:
            queued.append(message)
    return queued


def forum_prereading(registration: Registration, material: PreReading) -> OutboxMessage | None:
    """About a week before: what to read before the forum."""
    forum, language = registration.forum, _language(registration)
    with force_locale(language):
        subject = _("To read before your session: %(title)s", title=_title(forum, language))
        body = _render("forum_prereading", registration, language, material=material)
    attachments = [material.attachment] if material.attachment else []
    return _queue(registration, subject, body, language, attachments,
                  key=f"prereading-{_stamp(registration.confirmed_at)}-{_stamp(forum.starts_at)}")


def forum_reminder(registration: Registration) -> OutboxMessage | None:
    """The day before: when, and how to join."""
    forum, language = registration.forum, _language(registration)
    with force_locale(language):
        subject = _("Reminder: %(title)s", title=_title(forum, language))
        body = _render("forum_reminder", registration, language)
    return _queue(registration, subject, body, language, [],
                  key=f"reminder-{_stamp(registration.confirmed_at)}-{_stamp(forum.starts_at)}")


def forum_rescheduled(registration: Registration) -> OutboxMessage | None:
    """The session moved: new time, and for those with a seat an updated calendar invitation."""
    if registration.status not in ACTIVE:
        return None
    forum, language = registration.forum, _language(registration)
    seated = registration.status == "confirmed"
    with force_locale(language):
        subject = _("New date and time: %(title)s", title=_title(forum, language))
        body = _render("forum_rescheduled", registration, language)
        attachments = [invitation_attachment(forum, registration, language)] if seated else []
    return _queue(registration, subject, body, language, attachments,
                  key=f"rescheduled-{_stamp(forum.starts_at)}-{_stamp(utcnow())}")


def _queue(registration: Registration, subject: str, body: str, language: str, attachments: list[Attachment],
           key: str, new: bool = False) -> OutboxMessage | None:
    """`new`: the key's moment was stamped in this very transaction, so no message can carry it yet."""
    return queue_message(registration.participant.email, subject, body, language=language,
                         attachments=attachments, dedupe_key=f"registration-{registration.id}-{key}",
                         object_type="registration", object_id=str(registration.id), new_key=new)


def _render(name: str, registration: Registration, language: str, *, manage_link: str | None = None,
            **extra) -> str:
    """Render a plain-text email; blank lines left by optional parts are squeezed."""
    return render_text(name, **_context(registration, language, manage_link), **extra)


def _context(registration: Registration, language: str, manage_link: str | None = None) -> dict:
    forum = registration.forum
    seated = registration.holds_seat and not forum.is_cancelled
    return {
        "participant": registration.participant,
        "seated": seated,
        "forum": forum,
        "title": _title(forum, language),
        "description": localized(forum, "description", language).text,
        "consultation_title": localized(forum.consultation, "title", language).text,
        "when": _when(forum),
        "duration": _duration(forum.duration_minutes),
        # The meeting link goes only to people holding a seat (and on their manage page).
        "meeting_link": forum.meeting_link if seated else "",
        "recording_notice": _recording_notice(forum, language) if seated else "",
        "manage_url": manage_link or manage_url(registration),
        "other_sessions_url": other_sessions_url(forum),
        "site_name": current_app.config["SITE_NAME"],
    }


def _language(registration: Registration) -> str:
    return registration.participant.preferred_language


def _title(forum: Forum, language: str) -> str:
    return localized(forum, "title", language).text


def when_of(forum: Forum) -> str:
    """The session's date and times as emails write them, in the current language."""
    return _when(forum)


def _when(forum: Forum) -> str:
    """"Wednesday, June 10, 2026, 1:30 PM – 3:00 PM (Eastern Time)", in the consultation's zone."""
    return _when_in(forum.starts_at, forum.ends_at, forum.consultation.tz, str(get_locale()))


@lru_cache(maxsize=256)
def _when_in(starts_at: datetime, ends_at: datetime, zone, _locale: str) -> str:
    # Every registrant of a session gets the same words: written once per session, time and language.
    return _("%(when)s (%(zone)s)", when=session_span(starts_at, ends_at, zone, "full"),
             zone=get_timezone_name(zone, "long", locale=regional_locale(), zone_variant="generic"))


def _duration(minutes: int) -> str:
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


def _recording_notice(forum: Forum, language: str) -> str:
    if not forum.recorded:
        return ""
    return localized(forum, "recording_notice", language).text or _("This session will be recorded.")


def _stamp(moment: datetime | None) -> str:
    # Microseconds: "cancelled then registered again" within one second is still a new event.
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%f") if moment else "none"
