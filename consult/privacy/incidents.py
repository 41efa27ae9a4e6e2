"""The register of confidentiality incidents (Québec's Act respecting the protection of personal
information in the private sector, s. 3.8): every incident is recorded, including those that present
no risk of serious injury, and the register is kept for at least five years. Only administrators see
it; every creation and change is audited (field names only: the texts may describe personal data)."""
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import Consultation, PrivacyIncident

PAGE_SIZE = 25
# Dates typed without a time are read in the platform's time zone (the register is not per consultation).
REGISTER_ZONE = ZoneInfo("America/Montreal")
TEXTS = ("description", "information_concerned", "measures_taken")
DATES = {"occurred_on": "occurred_at", "discovered_on": "discovered_at",
         "authority_notified_on": "authority_notified_at", "people_notified_on": "people_notified_at"}


@dataclass
class Listing:
    incidents: list[PrivacyIncident]
    page: int
    pages: int
    total: int


def list_incidents(page: int = 1) -> Listing:
    total = db.session.scalar(select(func.count()).select_from(PrivacyIncident))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    incidents = db.session.scalars(
        select(PrivacyIncident).options(selectinload(PrivacyIncident.consultation))
        .order_by(PrivacyIncident.discovered_at.desc(), PrivacyIncident.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Listing(list(incidents), page, pages, total)


def get_incident(incident_id: int) -> PrivacyIncident:
    incident = db.session.get(PrivacyIncident, incident_id)
    if incident is None:
        abort(404)
    return incident


def consultations() -> list[Consultation]:
    return list(db.session.scalars(select(Consultation).order_by(Consultation.created_at.desc())))


def to_moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), tzinfo=REGISTER_ZONE) if day else None


def to_day(moment: datetime | None) -> date | None:
    return moment.astimezone(REGISTER_ZONE).date() if moment else None


def form_values(incident: PrivacyIncident) -> dict:
    """What the edit form starts from."""
    values = {name: getattr(incident, name) for name in TEXTS}
    values.update({field: to_day(getattr(incident, column)) for field, column in DATES.items()})
    values.update(consultation_id=str(incident.consultation_id or ""), people_affected=incident.people_affected,
                  risk_of_serious_injury=incident.risk_of_serious_injury, status=incident.status)
    return values


def _apply(incident: PrivacyIncident, values: dict) -> list[str]:
    wanted = {name: (values.get(name) or "").strip() for name in TEXTS}
    wanted.update({column: to_moment(values.get(field)) for field, column in DATES.items()})
    wanted.update(consultation_id=values.get("consultation_id"), people_affected=values.get("people_affected"),
                  risk_of_serious_injury=bool(values.get("risk_of_serious_injury")),
                  status=values.get("status") or "open")
    changed = []
    for name, value in wanted.items():
        current = getattr(incident, name)
        same_day = isinstance(value, datetime) and isinstance(current, datetime) and to_day(value) == to_day(current)
        if current != value and not same_day:
            setattr(incident, name, value)
            changed.append(name)
    return changed


def create_incident(values: dict, actor_id: int) -> PrivacyIncident:
    incident = PrivacyIncident(recorded_by_id=actor_id)
    _apply(incident, values)
    db.session.add(incident)
    db.session.flush()
    record(actor_id, "privacy_incident.create", "privacy_incident", incident.id, incident.consultation_id,
           status=incident.status, risk_of_serious_injury=incident.risk_of_serious_injury)
    return incident


def update_incident(incident: PrivacyIncident, values: dict, actor_id: int) -> list[str]:
    changed = _apply(incident, values)
    if changed:
        db.session.flush()
        record(actor_id, "privacy_incident.update", "privacy_incident", incident.id, incident.consultation_id,
               changed=sorted(changed), status=incident.status)
    return changed
