"""The domain model, one module per aggregate."""
from .access import ForumAccess, SessionInvitation
from .analysis import Code, CodeChange, Coding, Comment, CommentSuggestion, SecondCoding, TopicMemo
from .audit import AuditEvent
from .change_stamp import ChangeStamp
from .compensation import (
    Accommodation,
    CompensationChoice,
    CompensationPolicy,
    LedgerEntry,
    RepresentationTarget,
)
from .consultation import Channel, Consultation
from .evaluation import EngagementSettings, EvaluationAnswer, EvaluationInvitation, EvaluationItem
from .forum import FORUM_KINDS, Forum, ForumNote, Registration, forum_topic
from .glossary import GlossaryTerm
from .items import ConsultationOutcome, Decision, ItemSupport, ModificationItem, ReportSectionNote
from .outbox import OutboxMessage
from .participant import CONSENT_PURPOSES, Consent, Participant, ParticipantCategory
from .pool import PoolInvitation, PoolMember, PoolRecord
from .privacy import PrivacyIncident
from .questionnaire import Answer, AnswerVersion, Invitation, Question, Questionnaire, QuestionnairePage, Response
from .review import ReportVersion, ReviewComment, Reviewer, ReviewVerdict
from .sign_in import SignInFailure
from .staff import ROLES, StaffRole, StaffUser
from .submission import (
    Excerpt,
    Submission,
    SubmissionAttachment,
    SubmissionCounter,
    SubmissionLink,
    SubmissionText,
)
from .tally import CommentTally
from .topic import ChangeTarget, Theme, Topic
from .track import Track
from .transcript import SPEAKER_ROLES, Transcript, TranscriptPassage, Turn

__all__ = [
    "SPEAKER_ROLES",
    "Transcript",
    "TranscriptPassage",
    "Turn",
    "ConsultationOutcome",
    "Decision",
    "ItemSupport",
    "ModificationItem",
    "ReportSectionNote",
    "ReportVersion",
    "ReviewComment",
    "Reviewer",
    "ReviewVerdict",
    "SignInFailure",
    "ForumAccess",
    "SessionInvitation",
    "Accommodation",
    "CompensationChoice",
    "CompensationPolicy",
    "LedgerEntry",
    "RepresentationTarget",
    "PoolInvitation",
    "PoolMember",
    "PoolRecord",
    "Code",
    "CodeChange",
    "Coding",
    "Comment",
    "CommentSuggestion",
    "CommentTally",
    "PrivacyIncident",
    "SecondCoding",
    "TopicMemo",
    "CONSENT_PURPOSES",
    "Consent",
    "FORUM_KINDS",
    "Forum",
    "ForumNote",
    "OutboxMessage",
    "Participant",
    "ParticipantCategory",
    "Registration",
    "Answer",
    "AnswerVersion",
    "Invitation",
    "Question",
    "Questionnaire",
    "QuestionnairePage",
    "Response",
    "forum_topic",
    "AuditEvent",
    "ChangeStamp",
    "ChangeTarget",
    "Channel",
    "Consultation",
    "EngagementSettings",
    "EvaluationAnswer",
    "EvaluationInvitation",
    "EvaluationItem",
    "GlossaryTerm",
    "ROLES",
    "StaffRole",
    "StaffUser",
    "Theme",
    "Topic",
    "Track",
    "Excerpt",
    "Submission",
    "SubmissionAttachment",
    "SubmissionCounter",
    "SubmissionLink",
    "SubmissionText",
]
