"""The privacy notice of a consultation and its retention date, edited by administrators.

Every consent is recorded with the notice's version (privacy_notice_version, the moment the text
last changed), so changing the text gives it a new version: the consents given before it stay tied to
the text people actually read."""
from datetime import date, datetime, time, timedelta

from ..audit import record
from ..extensions import db
from ..models import Consultation
from ..models.base import utcnow


def retention_day(consultation: Consultation) -> date | None:
    """The last day included, as typed: the stored moment is the start of the next day."""
    if consultation.retention_until is None:
        return None
    return (consultation.retention_until.astimezone(consultation.tz) - timedelta(microseconds=1)).date()


def retention_moment(consultation: Consultation, day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=consultation.tz)


def update_notice(consultation: Consultation, values: dict, actor_id: int) -> list[str]:
    """Apply the texts and the retention date; returns what changed. A new text means a new version."""
    changed = []
    for name in ("privacy_notice_fr", "privacy_notice_en"):
        text = (values.get(name) or "").replace("\r\n", "\n").strip()
        if getattr(consultation, name) != text:
            setattr(consultation, name, text)
            changed.append(name)
    previous_version = consultation.privacy_notice_version
    if changed:
        now = utcnow()
        version = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        # Two changes within a second still get two versions.
        consultation.privacy_notice_version = version if version != previous_version else \
            now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    retention = retention_moment(consultation, values.get("retention_until"))
    if retention != consultation.retention_until:
        consultation.retention_until = retention
        changed.append("retention_until")
    if changed:
        record(actor_id, "privacy_notice.edit", "consultation", consultation.id, consultation.id,
               changed=changed, version_before=previous_version, version=consultation.privacy_notice_version,
               retention_until=retention.isoformat() if retention else None)
    db.session.flush()
    return changed
