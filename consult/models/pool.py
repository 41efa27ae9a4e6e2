"""The organisation-wide pool of people who agreed to be contacted about future consultations."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class PoolMember(db.Model):
    """One person, whatever the consultations they took part in: matched by their normalised email."""

    __tablename__ = "pool_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(2), default="fr")
    region: Mapped[str] = mapped_column(String(10), default="")
    category: Mapped[str] = mapped_column(String(200), default="")  # as named by the consultation they came from
    # The languages the person can take part in (codes of POOL_LANGUAGES), as they stated them.
    languages: Mapped[list] = mapped_column(JSON, default=list)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person leaves: they are never invited again, and the row keeps no identity.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitations = relationship("PoolInvitation", back_populates="member", cascade="all, delete-orphan")
    records = relationship("PoolRecord", back_populates="member", cascade="all, delete-orphan")


class PoolRecord(db.Model):
    """A participant of one consultation behind a member. The first one makes the member ("linked"); a
    later one with the same address is only "proposed" until staff confirm it is the same person
    ("linked": merged) or say it is not ("apart"). Neither decision changes the participant's own record."""

    __tablename__ = "pool_record"
    __table_args__ = (UniqueConstraint("participant_id"),
                      CheckConstraint("status IN ('linked','proposed','apart')", name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("pool_member.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    # What the person stated when this record came in, applied to the member if it is merged.
    languages: Mapped[list] = mapped_column(JSON, default=list)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    member = relationship("PoolMember", back_populates="records")
    participant = relationship("Participant")


class PoolInvitation(db.Model):
    """A member asked to take part in a session: counted to avoid soliciting the same people too often."""

    __tablename__ = "pool_invitation"
    __table_args__ = (Index("ix_pool_invitation_member_at", "member_id", "invited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("pool_member.id", ondelete="CASCADE"))
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forum.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("PoolMember", back_populates="invitations")
