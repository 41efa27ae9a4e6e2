"""The sign-up, waitlist, seat-freed and cancellation emails, written by the mail worker when it sends them.

The request records the registration, the moment and the language (notifications.py); here they
are turned into the same subject, body and calendar file the request used to write. The words
follow the registration as it stands when sent (a meeting link only while a seat is held), while
the calendar's DTSTAMP and SEQUENCE keep the moment the email was decided, so a cancellation
always supersedes the invitation before it, in whatever order they are sent.
"""
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..mail.rendering import MessageGone, Rendered
from ..models import OutboxMessage, Registration
from .ics import cancellation_attachment, invitation_attachment
from .links import manage_url
from .notifications import _render, _title
from .registration import waitlist_position


def confirmed(message: OutboxMessage) -> Rendered:
    registration, language, at = _records(message)
    link = manage_url(registration)  # one personal link for the email and its invitation
    with force_locale(language):
        subject = _("Your seat is confirmed: %(title)s", title=_title(registration.forum, language))
        body = _render("registration_confirmed", registration, language, manage_link=link)
        attachments = [invitation_attachment(registration.forum, registration, language, manage_link=link, now=at)]
    return Rendered(subject, body, attachments=attachments)


def waitlisted(message: OutboxMessage) -> Rendered:
    registration, language, _at = _records(message)
    with force_locale(language):
        subject = _("You are on the waitlist: %(title)s", title=_title(registration.forum, language))
        # The place as it is when the email leaves (none once the person is no longer waiting).
        body = _render("registration_waitlisted", registration, language, position=waitlist_position(registration))
    return Rendered(subject, body)


def promoted(message: OutboxMessage) -> Rendered:
    registration, language, at = _records(message)
    with force_locale(language):
        subject = _("A seat is now yours: %(title)s", title=_title(registration.forum, language))
        body = _render("registration_promoted", registration, language)
        attachments = [invitation_attachment(registration.forum, registration, language, now=at)]
    return Rendered(subject, body, attachments=attachments)


def cancelled(message: OutboxMessage) -> Rendered:
    registration, language, at = _records(message)
    had_seat = bool(message.params.get("had_seat"))
    with force_locale(language):
        subject = _("Registration cancelled: %(title)s", title=_title(registration.forum, language))
        body = _render("registration_cancelled", registration, language, had_seat=had_seat)
        attachments = [cancellation_attachment(registration.forum, registration, language, now=at)] if had_seat else []
    return Rendered(subject, body, attachments=attachments)


def _records(message: OutboxMessage) -> tuple[Registration, str, datetime]:
    """The registration the message is about, its language and moment; MessageGone when the
    registration was deleted or its person erased since (their email must never leave)."""
    params = message.params or {}
    registration = db.session.scalar(
        select(Registration).where(Registration.id == params.get("registration"))
        .options(joinedload(Registration.participant), joinedload(Registration.forum)))
    if registration is None:
        raise MessageGone("the registration no longer exists")
    if registration.participant.erased_at is not None:
        raise MessageGone("the participant was erased")
    return registration, message.language, datetime.fromisoformat(params["at"])
