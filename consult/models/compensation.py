"""Recognition of partners: a consultation's compensation policy, each person's choice, and the ledger.

Money is held in integer cents, never in floats: a ledger must add up to the cent.
"""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

EXPENSE_KINDS = ("respite", "parking", "travel", "other")
RATE_UNITS = ("session", "hour")
ENTRY_KINDS = ("attendance", "expense")
ENTRY_STATUSES = ("pending", "approved", "refused")
# Above this, an amount is a typing mistake rather than a claim (100 000 $).
ABSURD_CENTS = 10_000_000


class CompensationPolicy(db.Model):
    """Who is compensated in a consultation, at what rate, and which expenses are reimbursed up to what."""

    __tablename__ = "compensation_policy"
    __table_args__ = (
        CheckConstraint("rate_unit IN ('session','hour')", name="rate_unit"),
        CheckConstraint("forum_rate_cents >= 0 AND interview_rate_cents >= 0", name="rates_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), unique=True)
    # Ids of the participant categories that are eligible.
    eligible_category_ids: Mapped[list] = mapped_column(JSON, default=list)
    rate_unit: Mapped[str] = mapped_column(String(10), default="session")
    forum_rate_cents: Mapped[int] = mapped_column(default=0)
    interview_rate_cents: Mapped[int] = mapped_column(default=0)
    # Expense kind -> cap in cents per claim; a kind absent here is not reimbursed.
    expense_caps: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")

    def eligible(self, participant) -> bool:
        return participant.category_id is not None and participant.category_id in (self.eligible_category_ids or [])

    def rate_for(self, forum) -> int:
        """What one attended session earns, in cents."""
        rate = self.interview_rate_cents if forum.kind == "interview" else self.forum_rate_cents
        if self.rate_unit == "hour":
            return rate * forum.duration_minutes // 60
        return rate

    def cap_for(self, kind: str) -> int | None:
        cap = (self.expense_caps or {}).get(kind)
        return int(cap) if cap is not None else None


class CompensationChoice(db.Model):
    """A participant's opt-in or opt-out, changeable from their personal link."""

    __tablename__ = "compensation_choice"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    opted_in: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LedgerEntry(db.Model):
    """One amount owed to a participant: a session attended, or an expense claimed."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('attendance','expense')", name="kind"),
        CheckConstraint("status IN ('pending','approved','refused')", name="status"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        UniqueConstraint("registration_id", "kind", name="uq_ledger_entry_registration_kind"),
        Index("ix_ledger_entry_consultation_status", "consultation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    # Set for attendance (one per registration); an expense may name the session it was for.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))
    expense_kind: Mapped[str] = mapped_column(String(12), default="")
    amount_cents: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(Text, default="")
    receipt_file: Mapped[str] = mapped_column(String(100), default="")  # random stored name
    receipt_filename: Mapped[str] = mapped_column(String(255), default="")
    receipt_mimetype: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant = relationship("Participant")
    registration = relationship("Registration")


class Accommodation(db.Model):
    """What would help a person take part in one session; seen by its organizers only."""

    __tablename__ = "accommodation"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    needs: Mapped[list] = mapped_column(JSON, default=list)
    other: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration = relationship("Registration")


ACCOMMODATION_NEEDS = ("captions", "interpretation", "accessible_venue", "other_time", "document_format", "other")


class RepresentationTarget(db.Model):
    """How many people of each participant category and each region a consultation aims to hear from."""

    __tablename__ = "representation_target"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    # Category id (as text) -> number of people; region code -> number of people.
    by_category: Mapped[dict] = mapped_column(JSON, default=dict)
    by_region: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
