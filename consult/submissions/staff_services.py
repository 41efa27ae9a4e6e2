"""The staff's work on written submissions: list, read, mark processed, cut into excerpts.

Every function flushes; the caller commits. Every change, and every document downloaded, is
recorded as an AuditEvent.
"""
import re
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from ..channels.passages import apply_changes
from ..channels.submission import sync_excerpt
from ..extensions import db
from ..forums.organizer_services import audit
from ..lookups import get_owned_or_404
from ..models import (
    Consultation,
    Excerpt,
    Participant,
    Submission,
    SubmissionAttachment,
    SubmissionLink,
    SubmissionText,
    Topic,
)
from ..models.base import utcnow

PER_PAGE = 25
STATUSES = ("submitted", "processed")  # drafts are the writer's own: staff never see them
LANGUAGES = ("fr", "en")
SOURCES = ("form", "email")
REFERENCE = re.compile(r"^\s*s-?0*(\d{1,9})\s*$", re.IGNORECASE)


@dataclass
class Filters:
    status: str = ""
    language: str = ""
    source: str = ""
    attachments: str = ""  # "yes", "no" or "" (either)
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        def pick(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(status=pick("status", STATUSES), language=pick("language", LANGUAGES),
                   source=pick("source", SOURCES), attachments=pick("attachments", ("yes", "no")),
                   q=" ".join((args.get("q") or "").split())[:200])

    def as_args(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}


@dataclass
class Listing:
    submissions: list[Submission]
    page: int
    pages: int
    total: int


def list_submissions(consultation: Consultation, filters: Filters, page: int = 1) -> Listing:
    query = select(Submission).join(Participant, Submission.participant_id == Participant.id).where(
        Submission.consultation_id == consultation.id, Submission.status.in_(STATUSES))
    if filters.status:
        query = query.where(Submission.status == filters.status)
    if filters.language:
        query = query.where(Submission.language == filters.language)
    if filters.source:
        query = query.where(Submission.source == filters.source)
    has_files = exists().where(SubmissionAttachment.submission_id == Submission.id)
    if filters.attachments == "yes":
        query = query.where(has_files)
    elif filters.attachments == "no":
        query = query.where(~has_files)
    if filters.q:
        words = filters.q
        conditions = [
            Submission.general_text.icontains(words, autoescape=True),
            Participant.name.icontains(words, autoescape=True),
            Participant.email.icontains(words, autoescape=True),
            Participant.organisation.icontains(words, autoescape=True),
            exists().where(SubmissionText.submission_id == Submission.id,
                           SubmissionText.text.icontains(words, autoescape=True)),
            exists().where(SubmissionAttachment.submission_id == Submission.id,
                           SubmissionAttachment.filename.icontains(words, autoescape=True)),
            exists().where(SubmissionLink.submission_id == Submission.id,
                           or_(SubmissionLink.url.icontains(words, autoescape=True),
                               SubmissionLink.title.icontains(words, autoescape=True))),
        ]
        reference = REFERENCE.match(words)
        if reference:
            conditions.append(Submission.number == int(reference.group(1)))
        query = query.where(or_(*conditions))
    query = query.options(selectinload(Submission.participant), selectinload(Submission.attachments),
                          selectinload(Submission.links), selectinload(Submission.excerpts))
    query = query.order_by(Submission.submitted_at.desc(), Submission.id.desc())
    pagination = db.paginate(query, page=max(page, 1), per_page=PER_PAGE, error_out=False, count=True)
    return Listing(submissions=list(pagination.items), page=pagination.page, pages=max(pagination.pages, 1),
                   total=pagination.total or 0)


def get_submission(consultation: Consultation, submission_id: int) -> Submission:
    """A sent (not draft) submission of this consultation, or 404."""
    return get_owned_or_404(Submission, submission_id, consultation_id=consultation.id, is_draft=False)


def get_attachment(submission: Submission, attachment_id: int) -> SubmissionAttachment:
    return get_owned_or_404(SubmissionAttachment, attachment_id, submission_id=submission.id)


def get_excerpt(submission: Submission, excerpt_id: int) -> Excerpt:
    return get_owned_or_404(Excerpt, excerpt_id, submission_id=submission.id)


def sorted_texts(submission: Submission) -> list[SubmissionText]:
    return sorted(submission.texts, key=lambda item: (item.topic.position, item.topic.code))


# -- changes --------------------------------------------------------------------------------

def set_processed(submission: Submission, processed: bool, actor_id: int | None) -> bool:
    """Mark processed or back to be processed; False when it already was."""
    if (submission.status == "processed") == processed:
        return False
    submission.status = "processed" if processed else "submitted"
    submission.processed_at = utcnow() if processed else None
    submission.processed_by_id = actor_id if processed else None
    audit(actor_id, "submission.processed" if processed else "submission.unprocessed", "submission",
          submission.id, submission.consultation_id, reference=submission.reference)
    db.session.flush()
    return True


def record_download(attachment: SubmissionAttachment, actor_id: int | None) -> None:
    submission = attachment.submission
    audit(actor_id, "submission.attachment_downloaded", "submission_attachment", attachment.id,
          submission.consultation_id, reference=submission.reference, filename=attachment.filename)
    db.session.flush()


def _checked(submission: Submission, values: dict) -> dict:
    topic = db.session.get(Topic, values["topic_id"]) if values.get("topic_id") else None
    if topic is None or topic.consultation_id != submission.consultation_id:
        raise ValueError("topic")
    if values.get("attachment_id") and values["attachment_id"] not in {item.id for item in submission.attachments}:
        raise ValueError("attachment")
    if values.get("link_id") and values["link_id"] not in {link.id for link in submission.links}:
        raise ValueError("link")
    if not (values.get("text") or "").strip():
        raise ValueError("text")
    return {"topic_id": topic.id, "attachment_id": values.get("attachment_id"), "link_id": values.get("link_id"),
            "locator": (values.get("locator") or "").strip(), "language": values.get("language") or "fr",
            "text": values["text"].strip()}


def create_excerpt(submission: Submission, values: dict, actor_id: int | None) -> Excerpt:
    excerpt = Excerpt(submission_id=submission.id, created_by_id=actor_id, **_checked(submission, values))
    db.session.add(excerpt)
    db.session.flush()
    audit(actor_id, "excerpt.created", "excerpt", excerpt.id, submission.consultation_id,
          submission=submission.reference, topic_id=excerpt.topic_id)
    # Analysis: the excerpt becomes a comment (imported here: analysis imports this package).
    sync_excerpt(excerpt)
    return excerpt


def update_excerpt(excerpt: Excerpt, values: dict, actor_id: int | None) -> bool:
    previous_topic_id = excerpt.topic_id  # analysis: its comment follows unless an analyst moved it
    changes = {name: name if name == "text" else after
               for name, (_before, after) in apply_changes(excerpt, _checked(excerpt.submission, values)).items()}
    if changes:
        audit(actor_id, "excerpt.updated", "excerpt", excerpt.id, excerpt.submission.consultation_id,
              submission=excerpt.submission.reference, changed=sorted(changes))
    db.session.flush()
    # Analysis: the excerpt's comment follows the change.
    sync_excerpt(excerpt, previous_topic_id)
    return bool(changes)


def delete_excerpt(excerpt: Excerpt, actor_id: int | None) -> None:
    submission = excerpt.submission
    audit(actor_id, "excerpt.deleted", "excerpt", excerpt.id, submission.consultation_id,
          submission=submission.reference, topic_id=excerpt.topic_id)
    submission.excerpts.remove(excerpt)
    db.session.flush()

