"""Evaluation of the engagement itself: what participants thought of a session they attended.

Anonymous by construction: an EvaluationAnswer holds the session, its track and the person's
category, never the person, nor the moment it was given (a time would let anyone match it with
the invitation row). The EvaluationInvitation holds the person and only whether they answered.
Answer ids are random, not a sequence: consecutive ids would tie one person's answers together
and give the order people answered in.
"""
import secrets
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime

# Built with the questionnaire builder's kinds: the ones whose answers add up without naming anyone
# (a scale averaged, a text quoted once enough exist).
ITEM_KINDS = ("likert", "long_text")


def random_answer_id() -> int:
    # Above 2**31 so that no id a sequence would give is ever drawn; far below 2**63 (BIGINT).
    return secrets.randbelow(2 ** 62) + 2 ** 31


class EvaluationItem(db.Model):
    """One question of a consultation's evaluation: the fields of a questionnaire question, edited with the
    questionnaire builder's form, plus whether it is asked."""

    __tablename__ = "evaluation_item"
    __table_args__ = (
        CheckConstraint("kind IN ('likert','long_text')", name="kind"),
        Index("ix_evaluation_item_position", "consultation_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="likert")
    position: Mapped[int] = mapped_column(default=0)
    label_fr: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")
    help_fr: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    max_length: Mapped[int] = mapped_column(default=5000)
    # [{"value", "label_fr", "label_en"}] of a scale; values are numbers, 5 the most favourable.
    options: Mapped[list | None] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def is_text(self) -> bool:
        return self.kind == "long_text"

    @property
    def is_scale(self) -> bool:
        return self.kind == "likert"

    @property
    def option_values(self) -> list[str]:
        return [option["value"] for option in self.options or []]


class EvaluationInvitation(db.Model):
    """The one evaluation a person present at a session is asked for."""

    __tablename__ = "evaluation_invitation"
    __table_args__ = (UniqueConstraint("forum_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(default=False)

    forum = relationship("Forum")
    participant = relationship("Participant")


class EvaluationAnswer(db.Model):
    """One answer to one item; deliberately without participant, invitation or timestamp."""

    __tablename__ = "evaluation_answer"
    __table_args__ = (Index("ix_evaluation_answer_forum_item", "forum_id", "item_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=False, default=random_answer_id)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("participant_category.id", ondelete="SET NULL"))
    item_id: Mapped[int] = mapped_column(ForeignKey("evaluation_item.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    item = relationship("EvaluationItem")


class EngagementSettings(db.Model):
    """What a coordinator sets for a consultation's evaluation and readability."""

    __tablename__ = "engagement_settings"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    evaluation_delay_minutes: Mapped[int] = mapped_column(default=60)
    # The reading-ease score (0-100, higher is easier) public texts should reach.
    readability_target: Mapped[int] = mapped_column(default=60)
