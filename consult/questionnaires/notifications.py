"""The questionnaire's emails, queued in the outbox in each participant's own language:
the invitation, the link to continue, the reminder and the receipt with a copy of the answers."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Invitation, OutboxMessage, Response
from ..tokens import make_token
from ..web import last_day

TOKEN_PURPOSE = "questionnaire"
# At most one "link to continue" per person in this many minutes, however often it is asked for.
LINK_WINDOW_MINUTES = 5


def response_token(response: Response) -> str:
    return make_token(TOKEN_PURPOSE, response.id, response.participant.link_version)


def response_url(response: Response) -> str:
    """The personal link that opens (and resumes) this person's response, on any device."""
    # ?lang= opens the questionnaire in the language the person chose for their emails.
    return external_url("questionnaires.overview", token=response_token(response),
                        lang=response.participant.preferred_language)


def invitation(item: Invitation, response: Response) -> OutboxMessage | None:
    language = _language(response)
    with force_locale(language):
        subject = _("Invitation: %(title)s", title=_title(response, language))
        body = _render("questionnaire_invitation", response, language)
    # Tagged with the invitation: once delivered, the outbox marks it sent.
    return _queue(response, subject, body, language, f"invitation-{item.id}", object_type="questionnaire_invitation",
                  object_id=item.id)


def reminder(item: Invitation, response: Response, day: str) -> OutboxMessage | None:
    language = _language(response)
    with force_locale(language):
        subject = _("Reminder: %(title)s", title=_title(response, language))
        body = _render("questionnaire_reminder", response, language)
    return _queue(response, subject, body, language, f"reminder-{item.id}-{day}")


def continue_link(response: Response, now: datetime) -> OutboxMessage | None:
    """"Send me a link to continue", and the link for someone known who starts again."""
    language = _language(response)
    window = int(now.astimezone(timezone.utc).timestamp() // (LINK_WINDOW_MINUTES * 60))
    with force_locale(language):
        subject = _("Your link to continue: %(title)s", title=_title(response, language))
        body = _render("questionnaire_link", response, language)
    return _queue(response, subject, body, language, f"link-{window}")


def receipt(response: Response, sections: list) -> OutboxMessage | None:
    """Right after each submission: the reference and a copy of the answers."""
    language = _language(response)
    with force_locale(language):
        subject = _("Receipt %(reference)s: %(title)s", reference=response.reference,
                    title=_title(response, language))
        body = _render("questionnaire_receipt", response, language, sections=sections)
    return _queue(response, subject, body, language, f"receipt-v{response.version}")


def _queue(response: Response, subject: str, body: str, language: str, key: str,
           object_type: str = "questionnaire_response", object_id: int | None = None) -> OutboxMessage | None:
    return queue_message(response.participant.email, subject, body, language=language,
                         dedupe_key=f"questionnaire-response-{response.id}-{key}",
                         object_type=object_type, object_id=str(object_id or response.id))


def _render(name: str, response: Response, language: str, **extra) -> str:
    return render_text(name, **_context(response, language), **extra)


def _context(response: Response, language: str) -> dict:
    questionnaire = response.questionnaire
    consultation = questionnaire.consultation
    closes_at = questionnaire.closes_at
    return {
        "participant": response.participant,
        "response": response,
        "title": _title(response, language),
        "consultation_title": localized(consultation, "title", language).text,
        "consultation": consultation,
        "language": language,
        "closes_on": last_day(closes_at, consultation.tz) if closes_at else "",
        "url": response_url(response),
        "site_name": current_app.config["SITE_NAME"],
        "lang": language,
    }


def _language(response: Response) -> str:
    return response.participant.preferred_language


def _title(response: Response, language: str) -> str:
    return localized(response.questionnaire, "title", language).text
