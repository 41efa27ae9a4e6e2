"""The domain model, one module per aggregate."""
from .audit import AuditEvent
from .consultation import Channel, Consultation
from .staff import ROLES, StaffRole, StaffUser
from .topic import ChangeTarget, Theme, Topic
from .track import Track

__all__ = [
    "AuditEvent",
    "ChangeTarget",
    "Channel",
    "Consultation",
    "ROLES",
    "StaffRole",
    "StaffUser",
    "Theme",
    "Topic",
    "Track",
]
