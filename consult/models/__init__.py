"""The domain model, one module per aggregate."""
from .audit import AuditEvent
from .consultation import Channel, Consultation
from .forum import FORUM_KINDS, Forum, ForumNote, Registration, forum_topic
from .outbox import OutboxMessage
from .participant import CONSENT_PURPOSES, Consent, Participant, ParticipantCategory
from .staff import ROLES, StaffRole, StaffUser
from .topic import ChangeTarget, Theme, Topic
from .track import Track

__all__ = [
    "CONSENT_PURPOSES",
    "Consent",
    "FORUM_KINDS",
    "Forum",
    "ForumNote",
    "OutboxMessage",
    "Participant",
    "ParticipantCategory",
    "Registration",
    "forum_topic",
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
