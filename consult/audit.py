"""The audit trail: who did what to which record."""
from .extensions import db
from .models import AuditEvent


def record(actor_id: int | None, action: str, object_type: str, object_id, consultation_id: int | None,
           **detail) -> AuditEvent:
    event = AuditEvent(actor_id=actor_id, action=action, object_type=object_type, object_id=str(object_id),
                       consultation_id=consultation_id, detail=detail)
    db.session.add(event)
    return event
