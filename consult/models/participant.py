"""People who take part. They never get a password: signed, expiring links identify them."""
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, deferred, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

CONSENT_PURPOSES = ("processing", "recording", "quotation", "contact")
# No 0/O, 1/I/L: a pseudonym is read aloud and typed.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_pseudonym() -> str:
    """A stable, meaningless name for analysis and exports ("P-7K3QX"); unique per consultation."""
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(5))


class ParticipantCategory(db.Model):
    """A configurable list per consultation (researcher, clinician, patient partner...)."""

    __tablename__ = "participant_category"
    __table_args__ = (UniqueConstraint("consultation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Participant(db.Model):
    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("consultation_id", "email"),
        UniqueConstraint("consultation_id", "pseudonym"),
        # The provinces offered as a filter in the analysis, without reading every participant.
        Index("ix_participant_consultation_region", "consultation_id", "region"),
        CheckConstraint("preferred_language IN ('fr','en')", name="preferred_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    # Normalised (trimmed, lower-case) so one person is one row whatever they type.
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("participant_category.id", ondelete="SET NULL"))
    # Province or territory code (QC, ON...) or an ISO country code for people outside Canada.
    region: Mapped[str] = mapped_column(String(10), default="")
    preferred_language: Mapped[str] = mapped_column(String(2), default="fr")
    # Bumped to revoke every personal link sent so far.
    link_version: Mapped[int] = mapped_column(default=1)
    pseudonym: Mapped[str] = mapped_column(String(12), default=new_pseudonym)
    # Set when the person's identity was erased at their request or at the retention date; the row
    # stays so that what may be kept anonymously keeps its category and province.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category = relationship("ParticipantCategory")
    consents = relationship("Consent", back_populates="participant", cascade="all, delete-orphan",
                            order_by="Consent.at")

    def current_consent(self, purpose: str) -> bool:
        """The latest decision for a purpose; no decision means no consent."""
        decisions = [consent for consent in self.consents if consent.purpose == purpose]
        return decisions[-1].granted if decisions else False


class Consent(db.Model):
    """One decision (given or withdrawn) for one purpose, kept as history."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("purpose IN ('processing','recording','quotation','contact')", name="purpose"),
        Index("ix_consent_participant_purpose", "participant_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column()
    notice_version: Mapped[str] = mapped_column(String(40), default="")
    # Where the decision was taken: "forum-signup", "my-data"...
    source: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")

    participant = relationship("Participant", back_populates="consents")


# The latest processing decision (what Participant.current_consent("processing") says), as a column a
# query can load with the participant: a questionnaire's autosave asks it on every request. Not loaded
# unless asked for (undefer); record_consents expires it.
Participant.processing_agreed = deferred(column_property(
    select(Consent.granted)
    .where(Consent.participant_id == Participant.id, Consent.purpose == "processing")
    .order_by(Consent.at.desc(), Consent.id.desc()).limit(1)
    .correlate_except(Consent).scalar_subquery()
))
