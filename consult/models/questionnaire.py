"""The online questionnaire: pages and questions built from the policy tree, invitations, and
each participant's one response (a draft autosaved on the server, then submitted and editable
until the questionnaire closes, every change after submission kept as a version)."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ACCESS_MODES = ("open", "invitation")
QUESTIONNAIRE_STATUSES = ("draft", "published")
QUESTION_KINDS = ("long_text", "single_choice", "multiple_choice", "likert", "agreement")
# The five prompts of the reference consultation, asked for every orientation.
PROMPTS = ("liked", "disliked", "unclear", "adjust", "missing")
RESPONSE_STATUSES = ("draft", "submitted")
DEFAULT_MAX_LENGTH = 5000


class Questionnaire(db.Model):
    __tablename__ = "questionnaire"
    __table_args__ = (
        CheckConstraint("access IN ('open','invitation')", name="access"),
        CheckConstraint("status IN ('draft','published')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One questionnaire per consultation.
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), unique=True)
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    intro_fr: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    access: Mapped[str] = mapped_column(String(12), default="open")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    pages = relationship("QuestionnairePage", back_populates="questionnaire", cascade="all, delete-orphan",
                         order_by="QuestionnairePage.position")

    def state(self, now: datetime) -> str:
        """'draft', 'upcoming', 'open' or 'closed', as a participant would find it now."""
        if self.status != "published":
            return "draft"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if self.opens_at is None or now < self.opens_at:
            return "upcoming"
        return "open"


class QuestionnairePage(db.Model):
    """One page per section or axis of the tree (topic set), or a page of general questions."""

    __tablename__ = "questionnaire_page"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "topic_id"),
        Index("ix_questionnaire_page_position", "questionnaire_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    title_fr: Mapped[str] = mapped_column(String(400), default="")
    title_en: Mapped[str] = mapped_column(String(400), default="")

    questionnaire = relationship("Questionnaire", back_populates="pages")
    topic = relationship("Topic")
    questions = relationship("Question", back_populates="page", cascade="all, delete-orphan",
                             order_by="Question.position")


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint("kind IN ('long_text','single_choice','multiple_choice','likert','agreement')",
                        name="kind"),
        CheckConstraint("max_length >= 1", name="max_length_positive"),
        Index("ix_question_page_position", "page_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_page.id", ondelete="CASCADE"))
    # The orientation (or section) the question is about; None for a general question.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="long_text")
    # liked / disliked / unclear / adjust / missing / agreement for generated questions; "" otherwise.
    prompt: Mapped[str] = mapped_column(String(20), default="")
    label_fr: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")
    help_fr: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    max_length: Mapped[int] = mapped_column(default=DEFAULT_MAX_LENGTH)
    # [{"value", "label_fr", "label_en"}] for the choice kinds.
    options: Mapped[list] = mapped_column(JSON, default=list)

    page = relationship("QuestionnairePage", back_populates="questions")
    topic = relationship("Topic")

    @property
    def is_text(self) -> bool:
        return self.kind == "long_text"

    @property
    def is_multiple(self) -> bool:
        return self.kind == "multiple_choice"

    @property
    def option_values(self) -> list[str]:
        return [option["value"] for option in self.options or []]


class Invitation(db.Model):
    """A personal invitation; its status (sent, started, submitted) is read from the response."""

    __tablename__ = "questionnaire_invitation"
    __table_args__ = (UniqueConstraint("questionnaire_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(default=0)

    questionnaire = relationship("Questionnaire")
    participant = relationship("Participant")


class Response(db.Model):
    """One participant's answers: never two per person and questionnaire."""

    __tablename__ = "questionnaire_response"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "participant_id"),
        CheckConstraint("status IN ('draft','submitted')", name="status"),
        Index("ix_questionnaire_response_status", "questionnaire_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first answer saved; None while the person has only opened their link.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many times it was submitted; each submission gets its own receipt.
    version: Mapped[int] = mapped_column(default=0)

    questionnaire = relationship("Questionnaire")
    participant = relationship("Participant")
    answers = relationship("Answer", back_populates="response", cascade="all, delete-orphan")

    @property
    def reference(self) -> str:
        """What the receipt quotes: the response and the submission it confirms."""
        return f"Q{self.questionnaire_id}-{self.id:05d}-{self.version}"


class Answer(db.Model):
    __tablename__ = "questionnaire_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    # Free text, or the value chosen for single choice, Likert and agreement questions.
    value: Mapped[str] = mapped_column(Text, default="")
    # The values chosen for a multiple-choice question.
    choices: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response = relationship("Response", back_populates="answers")
    question = relationship("Question")
    versions = relationship("AnswerVersion", back_populates="answer", cascade="all, delete-orphan",
                            order_by="AnswerVersion.id")

    @property
    def is_empty(self) -> bool:
        return not (self.value or "").strip() and not self.choices


class AnswerVersion(db.Model):
    """An answer as submitted, and each change made to it after the first submission."""

    __tablename__ = "questionnaire_answer_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_answer.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The response's version when this was saved (1 = the first submission).
    response_version: Mapped[int] = mapped_column(default=0)

    answer = relationship("Answer", back_populates="versions")
