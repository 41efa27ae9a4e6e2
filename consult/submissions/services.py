"""The work behind written submissions: drafts, sending, reference numbers, personal links.

Services flush; the caller (view, command, test) commits once. Files are checked by
consult.uploads before they reach this module and stored here under random names; a
transaction that rolls back removes the files it stored, so nothing is ever half-saved.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import tokens, uploads
from ..extensions import db
from ..models import (
    Consultation,
    Participant,
    Submission,
    SubmissionAttachment,
    SubmissionCounter,
    SubmissionLink,
    SubmissionText,
    Topic,
)
from ..models.base import utcnow
from ..participants.services import (
    Profile,
    identify_from_form,
    record_consents,
)
from ..readiness import channel_open
from . import notifications

UPLOAD_KIND = "submissions"
TOKEN_PURPOSE = "submission"
CONSENT_SOURCE = "submission"
GENERAL_TEXT_MAX = 100_000
TOPIC_TEXT_MAX = 50_000


class SubmissionRefused(ValueError):
    """`code`: "empty" (nothing to send), "too_many_files" (details: max_files), "not_draft"."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


@dataclass
class Content:
    """What a person sends: texts, links, new files, and files of the draft to remove."""

    language: str = "fr"
    general_text: str = ""
    topic_texts: dict[int, str] = field(default_factory=dict)  # topic id -> text
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    files: list[uploads.CheckedFile] = field(default_factory=list)
    remove_attachment_ids: set[int] = field(default_factory=set)

    def has_words(self) -> bool:
        return bool(self.general_text.strip() or any(text.strip() for text in self.topic_texts.values()))


def max_files() -> int:
    return current_app.config["SUBMISSION_MAX_FILES"]


def max_file_bytes() -> int:
    return current_app.config["SUBMISSION_MAX_FILE_BYTES"]


# -- what is offered --------------------------------------------------------------------------

def submissions_open(consultation: Consultation, now: datetime) -> bool:
    """Open consultation with a privacy notice, and its submissions channel (when it has one) open now."""
    return channel_open(consultation, "submissions", now)


# -- saving -----------------------------------------------------------------------------------

def kept_attachments(submission: Submission | None, content: Content) -> list[SubmissionAttachment]:
    if submission is None:
        return []
    return [item for item in submission.attachments if item.id not in content.remove_attachment_ids]


def check_content(content: Content, submission: Submission | None = None, *, for_sending: bool) -> None:
    """The rules every submission keeps, whichever way it arrives (form, draft, email)."""
    files = len(kept_attachments(submission, content)) + len(content.files)
    if files > max_files():
        raise SubmissionRefused("too_many_files", max_files=max_files())
    if for_sending and not (content.has_words() or files or content.links):
        raise SubmissionRefused("empty")


@dataclass
class Started:
    submission: Submission
    # The email was already known: whoever typed it sees neither their link nor their data.
    known: bool


def start(consultation: Consultation, email: str, profile: Profile, consents: dict[str, bool], content: Content,
          *, send: bool, source: str = "form") -> Started:
    """A new submission from the public form: sent at once (with its receipt) or kept as a draft
    whose personal link goes by email to the address typed."""
    check_content(content, for_sending=send)
    participant, known = identify_from_form(consultation, email, profile, consents, CONSENT_SOURCE)
    submission = Submission(consultation_id=consultation.id, participant=participant, status="draft",
                            source=source, language=content.language)
    db.session.add(submission)
    apply_content(submission, content)
    db.session.flush()
    if send:
        send_submission(submission)
    else:
        notifications.draft_link(submission, token_for(submission))
    return Started(submission, known)


def save_draft(submission: Submission, content: Content, consents: dict[str, bool] | None = None) -> None:
    """Update a draft reached through its personal link (the link proves who is writing)."""
    _require_draft(submission)
    check_content(content, submission, for_sending=False)
    apply_content(submission, content)
    if consents is not None:
        _record_verified_consents(submission, consents)
    db.session.flush()


def send_draft(submission: Submission, content: Content, consents: dict[str, bool]) -> None:
    _require_draft(submission)
    check_content(content, submission, for_sending=True)
    apply_content(submission, content)
    _record_verified_consents(submission, consents)
    db.session.flush()
    send_submission(submission)


def send_submission(submission: Submission, *, receipt: bool = True, at: datetime | None = None) -> None:
    """Give the reference number, mark it sent and queue the receipt."""
    _require_draft(submission)
    submission.number = allocate_number(submission.consultation_id)
    submission.status = "submitted"
    submission.submitted_at = at or utcnow()
    db.session.flush()
    if receipt:
        notifications.receipt(submission)


def _require_draft(submission: Submission) -> None:
    # Read again under the write lock: two tabs sending the same draft send it once.
    db.session.execute(update(Submission).where(Submission.id == submission.id)
                       .values(status=Submission.status).execution_options(synchronize_session=False))
    db.session.refresh(submission, ["status"])
    if submission.status != "draft":
        raise SubmissionRefused("not_draft")


def _record_verified_consents(submission: Submission, consents: dict[str, bool]) -> None:
    consultation = submission.consultation
    record_consents(submission.participant, consents, notice_version=consultation.privacy_notice_version,
                    source=CONSENT_SOURCE)


def allocate_number(consultation_id: int) -> int:
    """The next reference number of a consultation, by one UPDATE of its counter row: the database
    serialises concurrent senders (SQLite's write lock, PostgreSQL's row lock), so no two get the same."""
    def bump():
        return db.session.execute(
            update(SubmissionCounter).where(SubmissionCounter.consultation_id == consultation_id)
            .values(last_number=SubmissionCounter.last_number + 1).execution_options(synchronize_session=False)
        ).rowcount

    if not bump():
        try:
            with db.session.begin_nested():
                db.session.add(SubmissionCounter(consultation_id=consultation_id, last_number=0))
        except IntegrityError:
            pass  # another request created it first
        bump()
    return db.session.scalar(select(SubmissionCounter.last_number)
                             .where(SubmissionCounter.consultation_id == consultation_id))


def apply_content(submission: Submission, content: Content) -> None:
    submission.language = content.language
    submission.general_text = (content.general_text or "").strip()
    _apply_texts(submission, content.topic_texts)
    _apply_links(submission, content.links)
    for item in list(submission.attachments):
        if item.id in content.remove_attachment_ids:
            uploads.delete_after_commit(item.stored_name, UPLOAD_KIND)
            submission.attachments.remove(item)
    for checked in content.files:
        add_attachment(submission, checked)


def _apply_texts(submission: Submission, topic_texts: dict[int, str]) -> None:
    valid = set(db.session.scalars(select(Topic.id).where(Topic.consultation_id == submission.consultation_id)))
    wanted = {topic_id: text.strip() for topic_id, text in topic_texts.items()
              if topic_id in valid and (text or "").strip()}
    for item in list(submission.texts):
        if item.topic_id in wanted:
            item.text = wanted.pop(item.topic_id)
        else:
            submission.texts.remove(item)
    for topic_id, text in wanted.items():
        submission.texts.append(SubmissionText(topic_id=topic_id, text=text))


def _apply_links(submission: Submission, links: list[tuple[str, str]]) -> None:
    current = [(link.url, link.title) for link in submission.links]
    wanted = [(url.strip(), (title or "").strip()) for url, title in links if url and url.strip()]
    if current == wanted:
        return
    # Only drafts change, and excerpts are cut from sent submissions: replacing loses nothing.
    for link in list(submission.links):
        submission.links.remove(link)
    for position, (url, title) in enumerate(wanted):
        submission.links.append(SubmissionLink(position=position, url=url, title=title))


def add_attachment(submission: Submission, checked: uploads.CheckedFile) -> SubmissionAttachment:
    stored = uploads.store(checked, UPLOAD_KIND)
    attachment = SubmissionAttachment(stored_name=stored, filename=checked.filename, mimetype=checked.mimetype,
                                      size=len(checked.data), sha256=hashlib.sha256(checked.data).hexdigest())
    submission.attachments.append(attachment)
    return attachment


def attachment_path(attachment: SubmissionAttachment):
    return uploads.path_of(attachment.stored_name, UPLOAD_KIND)


# -- personal links ---------------------------------------------------------------------------

def token_for(submission: Submission) -> str:
    return tokens.make_token(TOKEN_PURPOSE, submission.id, submission.participant.link_version)


def from_token(token: str, slug: str) -> Submission:
    """The submission a personal link names, or LinkError. Forged, revoked and unknown links
    all fail the same way, so nobody learns which submissions exist."""
    submission_id, version = tokens.read_token(TOKEN_PURPOSE, token)
    submission = db.session.get(Submission, submission_id)
    if (submission is None or submission.participant.link_version != version
            or submission.consultation.slug != slug or not submission.consultation.is_public):
        raise tokens.LinkError("invalid")
    return submission


def participant_consents(participant: Participant) -> dict[str, bool]:
    return {purpose: participant.current_consent(purpose) for purpose in ("processing", "quotation", "contact")}
