"""Who may sign up for a session: anyone, the people on its invitation list, or the members of its track."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ACCESS_MODES = ("open", "invitation", "track")


class ForumAccess(db.Model):
    """A session's sign-up rule; a session without a row is open to anyone."""

    __tablename__ = "forum_access"
    __table_args__ = (CheckConstraint("mode IN ('open','invitation','track')", name="mode"),)

    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12), default="open")


class SessionInvitation(db.Model):
    """An address invited to a session; its personal link opens the sign-up with the address filled in."""

    __tablename__ = "session_invitation"
    __table_args__ = (UniqueConstraint("forum_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    # Normalised like a participant's email, so that the address typed at sign-up matches it.
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forum = relationship("Forum")
