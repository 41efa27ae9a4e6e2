"""Transcripts of recorded forums and interviews: their speaker turns, and the passages of
consecutive turns an analyst placed on a topic (each passage one comment, channel "transcript")."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

TRANSCRIPT_FORMATS = ("vtt", "srt", "docx", "txt")
SPEAKER_ROLES = ("participant", "facilitator", "unidentified")


class Transcript(db.Model):
    """One recording's transcript. A draft holds the parsed turns and their speaker labels until
    the organizer maps the speakers; keeping it drops the labels and the turns not consented to."""

    __tablename__ = "transcript"
    __table_args__ = (
        CheckConstraint("status IN ('draft','kept')", name="status"),
        CheckConstraint("format IN ('vtt','srt','docx','txt')", name="format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(5), default="draft")
    format: Mapped[str] = mapped_column(String(4))
    filename: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # Purged with its turns and comments by `consult purge` once this date has passed.
    retain_until: Mapped[date] = mapped_column(Date)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum = relationship("Forum")
    turns = relationship("Turn", back_populates="transcript", cascade="all, delete-orphan",
                         order_by="Turn.position")
    passages = relationship("TranscriptPassage", back_populates="transcript", cascade="all, delete-orphan",
                            order_by="TranscriptPassage.first_position")


class Turn(db.Model):
    """What one speaker said without interruption, with its timecodes (milliseconds from the start)."""

    __tablename__ = "transcript_turn"
    __table_args__ = (
        UniqueConstraint("transcript_id", "position"),
        CheckConstraint("speaker_role IN ('participant','facilitator','unidentified')", name="speaker_role"),
        Index("ix_transcript_turn_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    # The name in the file: kept only while the transcript is a draft.
    speaker_label: Mapped[str] = mapped_column(String(200), default="")
    # Speakers numbered in order of first appearance, so that unidentified ones stay apart.
    speaker_number: Mapped[int] = mapped_column(default=1)
    speaker_role: Mapped[str] = mapped_column(String(12), default="unidentified")
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    start_ms: Mapped[int | None] = mapped_column()
    end_ms: Mapped[int | None] = mapped_column()
    text: Mapped[str] = mapped_column(Text, default="")

    transcript = relationship("Transcript", back_populates="turns")
    participant = relationship("Participant")


class TranscriptPassage(db.Model):
    """Consecutive turns an analyst placed on a topic: the words of one speaker, one comment."""

    __tablename__ = "transcript_passage"
    __table_args__ = (CheckConstraint("last_position >= first_position", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), index=True)
    first_position: Mapped[int] = mapped_column()
    last_position: Mapped[int] = mapped_column()
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # The speaker whose words these are (None: an unidentified speaker).
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"),
                                                       index=True)
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    transcript = relationship("Transcript", back_populates="passages")
    topic = relationship("Topic")
    participant = relationship("Participant")
