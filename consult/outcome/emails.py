"""The email that tells a participant the outcome is published, in their language."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import localized
from ..items.decisions import response_label
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Consultation, ModificationItem, OutboxMessage, Participant

# How much of a comment the email quotes to say which one it is.
EXCERPT_CHARACTERS = 160


def excerpt(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= EXCERPT_CHARACTERS else words[:EXCERPT_CHARACTERS - 1].rstrip() + "…"


def outcome_published(consultation: Consultation, participant: Participant,
                      supported: list[tuple[str, list[ModificationItem]]] = ()) -> OutboxMessage | None:
    """Queued once per person and consultation, whatever the number of times it is published.
    `supported`: the person's comments that support proposed changes, each with those items: the email
    says what was decided on each (items_supported_by_people)."""
    held = consultation.language_list or ["fr"]
    language = participant.preferred_language if participant.preferred_language in held else held[0]
    title = localized(consultation, "title", language).text
    with force_locale(language):
        subject = _("What we heard and what was done: %(title)s", title=title)
        comments = [
            {"excerpt": excerpt(text),
             "items": [{"statement": localized(item, "statement", language).text,
                        "decision": response_label(item.decision.response) if item.decision else ""}
                       for item in items]}
            for text, items in supported]
        body = render_text("outcome_published", participant=participant, consultation_title=title,
                           url=external_url("outcome.page", slug=consultation.slug, lang=language),
                           comments=comments, site_name=current_app.config["SITE_NAME"], lang=language)
    return queue_message(participant.email, subject, body, language=language,
                         dedupe_key=f"outcome-{consultation.id}-participant-{participant.id}",
                         # Filed under the person: an erasure before delivery deletes it with their other emails.
                         object_type="participant", object_id=str(participant.id))
