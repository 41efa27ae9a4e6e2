"""Forums and interviews, the people registered for them, and the notes taken there."""
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

FORUM_KINDS = ("forum", "interview")
SESSION_LANGUAGES = ("fr", "en", "bilingual")
PREREADING_KINDS = ("none", "synoptic", "dossier", "file")
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled", "attended", "no_show")
# Statuses that hold a seat.
SEATED = ("confirmed", "attended", "no_show")
# Statuses of someone still expected at a session that has not happened yet.
ACTIVE = ("confirmed", "waitlisted")

forum_topic = Table(
    "forum_topic",
    db.metadata,
    Column("forum_id", ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Forum(db.Model):
    __tablename__ = "forum"
    __table_args__ = (
        CheckConstraint("kind IN ('forum','interview')", name="kind"),
        CheckConstraint("status IN ('scheduled','cancelled')", name="status"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        Index("ix_forum_consultation_starts", "consultation_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), default="forum")
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    capacity: Mapped[int] = mapped_column(default=20)
    # Kept equal to the number of seated registrations; the conditional UPDATE on it is what
    # makes concurrent sign-ups unable to overbook, on SQLite and PostgreSQL alike.
    seats_taken: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(10), default="fr")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    recorded: Mapped[bool] = mapped_column(default=False)
    recording_notice_fr: Mapped[str] = mapped_column(Text, default="")
    recording_notice_en: Mapped[str] = mapped_column(Text, default="")
    prereading_kind: Mapped[str] = mapped_column(String(10), default="none")
    prereading_file: Mapped[str] = mapped_column(String(100), default="")  # random stored name
    prereading_filename: Mapped[str] = mapped_column(String(255), default="")  # name shown
    prereading_mimetype: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    track = relationship("Track")
    topics = relationship("Topic", secondary=forum_topic, order_by="Topic.position")
    registrations = relationship("Registration", back_populates="forum", cascade="all, delete-orphan")
    notes = relationship("ForumNote", back_populates="forum", cascade="all, delete-orphan",
                         order_by="ForumNote.created_at")
    # The session's sign-up rule (partners.access); no row means open to anyone. The database deletes
    # it with the session.
    access_rule = relationship("ForumAccess", uselist=False, cascade="all, delete-orphan", passive_deletes=True)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class Registration(db.Model):
    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("forum_id", "participant_id"),
        CheckConstraint("status IN ('confirmed','waitlisted','cancelled','attended','no_show')", name="status"),
        Index("ix_registration_forum_status", "forum_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    walk_in: Mapped[bool] = mapped_column(default=False)
    # A walk-in who came when every seat was taken: present, without taking one of the session's seats
    # (its capacity and seats_taken stay what the organizer set).
    beyond_capacity: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The waitlist is served in order of this time (reset when someone re-joins it).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prereading_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum = relationship("Forum", back_populates="registrations")
    participant = relationship("Participant")

    @property
    def holds_seat(self) -> bool:
        return self.status in SEATED


class ForumNote(db.Model):
    """What was said in a forum or an interview about one topic, entered by staff."""

    __tablename__ = "forum_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    forum = relationship("Forum", back_populates="notes")
    topic = relationship("Topic")
    author = relationship("StaffUser")
