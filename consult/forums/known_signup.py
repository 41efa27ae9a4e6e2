"""A sign-up typed with an address already known: the person confirms it from their email.

Whoever fills in the sign-up form has not proven they own the address. For a new address that
does not matter (the record is theirs to make); for a known one, a stranger must neither learn that
the address is registered nor change that person's registration or consents. So the form answers
the same "check your email" for both, and a known person's sign-up is only made when they follow
the link sent to them, which carries the consents given in the form.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import tokens
from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Forum, Participant
from ..participants.services import record_consents
from . import notifications, registration

TOKEN_PURPOSE = "forum-signup-confirm"
CONSENT_SOURCE = "forum-signup"
# A confirmation link is for the sign-up of the day, not for the whole consultation.
MAX_AGE = 7 * 24 * 3600


def ask_to_confirm(forum: Forum, participant: Participant, consents: dict[str, bool],
                   answers: dict | None = None) -> None:
    """Queue the email with the link that makes the sign-up; nothing about the person changes now.
    `answers`: the form's other answers (compensation, accommodations), applied on confirmation."""
    language = participant.preferred_language
    extra = {"f": forum.id, "c": {purpose: bool(granted) for purpose, granted in consents.items()}}
    if answers:
        extra["p"] = answers
    token = tokens.make_token(TOKEN_PURPOSE, participant.id, participant.link_version, extra=extra)
    link = external_url("forums.confirm_signup", slug=forum.consultation.slug, forum_id=forum.id, token=token,
                        lang=language)
    title = localized(forum, "title", language).text
    with force_locale(language):
        subject = _("Confirm your sign-up: %(title)s", title=title)
        body = render_text("registration_to_confirm", participant=participant, title=title, confirm_url=link,
                           when=notifications.when_of(forum),
                           consultation_title=localized(forum.consultation, "title", language).text,
                           site_name=current_app.config["SITE_NAME"])
    queue_message(participant.email, subject, body, language=language, object_type="participant",
                  object_id=str(participant.id))


def read(token: str, forum: Forum) -> tuple[Participant, dict[str, bool]]:
    """The participant and consents a confirmation link carries, or LinkError."""
    from ..extensions import db

    participant_id, version, extra = tokens.read_token_extra(TOKEN_PURPOSE, token, MAX_AGE)
    participant = db.session.get(Participant, participant_id)
    if (participant is None or participant.link_version != version or extra.get("f") != forum.id
            or participant.consultation_id != forum.consultation_id):
        raise tokens.LinkError("invalid")
    consents = {str(purpose): bool(granted) for purpose, granted in (extra.get("c") or {}).items()}
    return participant, consents


def answers(token: str) -> dict:
    """The form's other answers a confirmation link carries (read after `read` has checked it)."""
    _participant_id, _version, extra = tokens.read_token_extra(TOKEN_PURPOSE, token, MAX_AGE)
    return extra.get("p") or {}


def confirm(forum: Forum, participant: Participant, consents: dict[str, bool]) -> registration.Outcome:
    """The owner of the address confirmed: their consents as given in the form, then the seat or the waitlist."""
    record_consents(participant, consents, notice_version=forum.consultation.privacy_notice_version,
                    source=CONSENT_SOURCE)
    outcome = registration.register(forum, participant)
    from ..channels.derive import follow_tracks  # here: the analysis package imports the forum area

    follow_tracks([participant.id])
    if outcome.created:
        notifications.registration_confirmed(outcome.registration, just_made=True)
    return outcome
