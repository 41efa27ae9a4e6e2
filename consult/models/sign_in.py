"""Failed staff sign-ins, counted in the database so that every worker and host shares the count."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SignInFailure(db.Model):
    """Failures within the current window for one account (the email typed, known or not) or one network
    address; `locked_until` is set when there were too many."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('account','address')", name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(254))
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
