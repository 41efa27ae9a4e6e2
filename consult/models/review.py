"""Frozen versions of the report and their review by partners reached through a personal link."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .participant import new_pseudonym

VERDICTS = ("approved", "changes")


class ReportVersion(db.Model):
    """The report as it stood when a coordinator froze it: `content` holds every section in every
    language, so that what reviewers read never moves under them."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comments = relationship("ReviewComment", back_populates="version", cascade="all, delete-orphan",
                            order_by="ReviewComment.id")
    verdicts = relationship("ReviewVerdict", back_populates="version", cascade="all, delete-orphan",
                            order_by="ReviewVerdict.id")

    @property
    def is_final(self) -> bool:
        return self.final_at is not None


class Reviewer(db.Model):
    """A patient partner or a steering committee member: no account, no password, a personal link.
    Only the pseudonym is ever shown; the email is used to send the link."""

    __tablename__ = "reviewer"
    __table_args__ = (
        UniqueConstraint("consultation_id", "email"),
        UniqueConstraint("consultation_id", "pseudonym"),
        CheckConstraint("language IN ('fr','en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    pseudonym: Mapped[str] = mapped_column(String(12), default=lambda: "R" + new_pseudonym()[1:])
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # A required reviewer's open comments keep the report from being marked final.
    required: Mapped[bool] = mapped_column(default=True)
    # Bumped to revoke the links sent so far.
    link_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation = relationship("Consultation")


class ReviewComment(db.Model):
    """A reviewer's comment on one section of a version, the coordinator's answer, and its resolution."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_version.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id", ondelete="CASCADE"), index=True)
    # "intro" or "topic-<id>": the section commented on.
    section: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    version = relationship("ReportVersion", back_populates="comments")
    reviewer = relationship("Reviewer")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewVerdict(db.Model):
    """A reviewer's last word on a version: approved, or changes asked for."""

    __tablename__ = "review_verdict"
    __table_args__ = (
        UniqueConstraint("version_id", "reviewer_id"),
        CheckConstraint("verdict IN ('approved','changes')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_version.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    version = relationship("ReportVersion", back_populates="verdicts")
    reviewer = relationship("Reviewer")
