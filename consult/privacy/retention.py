"""The retention date: once a consultation's retention_until has passed, the personal data collected
for it is erased with the same rule as an erasure on request (services.erase)."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import Consultation, Participant
from .services import Erasure, erase


@dataclass
class ConsultationPurge:
    consultation: Consultation
    erasure: Erasure = field(default_factory=Erasure)


def due_consultations(now: datetime, slug: str | None = None) -> list[Consultation]:
    query = select(Consultation).where(Consultation.retention_until.is_not(None),
                                       Consultation.retention_until <= now).order_by(Consultation.id)
    if slug:
        query = query.where(Consultation.slug == slug)
    return list(db.session.scalars(query))


def purge(now: datetime, slug: str | None = None) -> list[ConsultationPurge]:
    """Erase every participant not yet erased of each consultation past its retention date.

    Running it again finds nobody left to erase: it is safe to run every day. Each consultation
    where something was erased gets one audit event with the counts (never personal data)."""
    done = []
    for consultation in due_consultations(now, slug):
        result = ConsultationPurge(consultation)
        participants = db.session.scalars(
            select(Participant).where(Participant.consultation_id == consultation.id,
                                      Participant.erased_at.is_(None)).order_by(Participant.id)).all()
        for participant in participants:
            result.erasure.add(erase(participant, reason="retention", now=now))
        if result.erasure.participants:
            event = record(None, "retention.purge", "consultation", consultation.id, consultation.id,
                           retention_until=consultation.retention_until.isoformat(), **result.erasure.as_dict())
            event.actor_label = "purge"
        db.session.flush()
        done.append(result)
    return done
