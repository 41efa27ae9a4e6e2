"""The emails of written submissions, queued in the outbox in the participant's own language:
the receipt (reference, what was received, a copy of the texts) and the link to a saved draft."""

from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from ..dates import format_moment
from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import OutboxMessage, Submission


def receipt(submission: Submission) -> OutboxMessage | None:
    language = submission.participant.preferred_language
    with force_locale(language):
        subject = _("We received your written submission %(reference)s", reference=submission.reference)
        body = _render("submission_receipt", submission, language)
    return _queue(submission, subject, body, language, "receipt")


def draft_link(submission: Submission, token: str) -> OutboxMessage | None:
    language = submission.participant.preferred_language
    url = external_url("submissions.draft", slug=submission.consultation.slug, token=token, lang=language)
    with force_locale(language):
        subject = _("Your draft submission: %(title)s",
                    title=localized(submission.consultation, "title", language).text)
        body = _render("submission_draft", submission, language, draft_url=url)
    return _queue(submission, subject, body, language, "draft-link")


def _queue(submission: Submission, subject: str, body: str, language: str, kind: str) -> OutboxMessage | None:
    return queue_message(submission.participant.email, subject, body, language=language,
                         dedupe_key=f"submission-{submission.id}-{kind}",
                         object_type="submission", object_id=str(submission.id))


def _render(name: str, submission: Submission, language: str, **extra) -> str:
    consultation = submission.consultation
    texts = [(_topic_heading(item.topic, language), item.text)
             for item in sorted(submission.texts, key=lambda item: (item.topic.position, item.topic.code))]
    received = ""
    if submission.submitted_at:
        received = format_moment(submission.submitted_at, "long", consultation.tz)
    return render_text(name, participant=submission.participant, submission=submission,
                       texts=texts, received=received, file_size=file_size,
                       consultation_title=localized(consultation, "title", language).text,
                       site_name=current_app.config["SITE_NAME"], **extra)


def _topic_heading(topic, language: str) -> str:
    return f"{topic.code} – {localized(topic, 'title', language).text}"


def file_size(size: int) -> str:
    """"1.2 MB", "350 KB": file sizes as people read them."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), format="#,##0.#"))
    return _("%(size)s KB", size=max(1, round(size / 1024)))
