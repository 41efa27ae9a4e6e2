"""The register of confidentiality incidents that Québec's privacy law requires."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class PrivacyIncident(db.Model):
    __tablename__ = "privacy_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")
    information_concerned: Mapped[str] = mapped_column(Text, default="")
    people_affected: Mapped[int | None] = mapped_column()
    risk_of_serious_injury: Mapped[bool] = mapped_column(default=False)
    measures_taken: Mapped[str] = mapped_column(Text, default="")
    # When the Commission and the people concerned were told, if they were.
    authority_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    people_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    recorded_by = relationship("StaffUser")
