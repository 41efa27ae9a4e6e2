"""Written submissions (texts, documents, links) and the excerpts analysts cut from them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

SUBMISSION_STATUSES = ("draft", "submitted", "processed")
SUBMISSION_SOURCES = ("form", "email")


class SubmissionCounter(db.Model):
    """The last reference number given in a consultation. One conditional UPDATE on this row
    hands out S-0001, S-0002... without gaps or duplicates, whatever the number of workers."""

    __tablename__ = "submission_counter"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("consultation_id", "number"),
        CheckConstraint("status IN ('draft','submitted','processed')", name="status"),
        CheckConstraint("source IN ('form','email')", name="source"),
        CheckConstraint("language IN ('fr','en')", name="language"),
        Index("ix_submission_consultation_status", "consultation_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    # Given when the submission is sent (drafts have none): shown as S-0042.
    number: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="draft")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    general_text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="form")
    # Email intake: the Message-ID (or sha256 of the file), so a message is never imported twice.
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    # What the intake could not keep (refused attachments...), for the staff.
    intake_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    consultation = relationship("Consultation")
    participant = relationship("Participant")
    processed_by = relationship("StaffUser")
    texts = relationship("SubmissionText", back_populates="submission", cascade="all, delete-orphan",
                         order_by="SubmissionText.id")
    attachments = relationship("SubmissionAttachment", back_populates="submission", cascade="all, delete-orphan",
                               order_by="SubmissionAttachment.id")
    links = relationship("SubmissionLink", back_populates="submission", cascade="all, delete-orphan",
                         order_by="SubmissionLink.position")
    excerpts = relationship("Excerpt", back_populates="submission", cascade="all, delete-orphan",
                            order_by="Excerpt.id")

    @property
    def reference(self) -> str:
        return f"S-{self.number:04d}" if self.number else ""

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def __repr__(self):
        return f"<Submission {self.reference or self.id} {self.status}>"


class SubmissionText(db.Model):
    """What the person wrote about one topic (an axis, an orientation, a section)."""

    __tablename__ = "submission_text"
    __table_args__ = (UniqueConstraint("submission_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)

    submission = relationship("Submission", back_populates="texts")
    topic = relationship("Topic")


class SubmissionAttachment(db.Model):
    """A document checked by its content and stored under a random name outside the web root."""

    __tablename__ = "submission_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission = relationship("Submission", back_populates="attachments")


class SubmissionLink(db.Model):
    __tablename__ = "submission_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(300), default="")

    submission = relationship("Submission", back_populates="links")


class Excerpt(db.Model):
    """A passage of a submission about one topic: the unit that analysis codes.

    It points back to where it was read: one of the documents (attachment_id), one of the links
    (link_id) or, with neither, the texts typed in the form or the email; `locator` says where
    inside ("p. 4", "section 2.1").
    """

    __tablename__ = "excerpt"
    __table_args__ = (
        CheckConstraint("language IN ('fr','en')", name="language"),
        Index("ix_excerpt_topic", "topic_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    # Nullable only so that removing a topic from the structure keeps the excerpt (shown as "no topic").
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission_attachment.id", ondelete="SET NULL"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("submission_link.id", ondelete="SET NULL"))
    locator: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submission = relationship("Submission", back_populates="excerpts")
    topic = relationship("Topic")
    attachment = relationship("SubmissionAttachment")
    link = relationship("SubmissionLink")
    created_by = relationship("StaffUser")
