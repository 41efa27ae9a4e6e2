"""A consultation on one draft policy, and the ways people take part in it."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import presets
from ..vocabulary.terms import Vocabulary
from .base import UTCDateTime, utcnow

STATUSES = ("draft", "open", "closed", "archived")
CHANNEL_KINDS = ("forums", "questionnaire", "submissions")


class Consultation(db.Model):
    __tablename__ = "consultation"
    __table_args__ = (CheckConstraint("status IN ('draft','open','closed','archived')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    intro_fr: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    organizer_fr: Mapped[str] = mapped_column(String(300), default="")
    organizer_en: Mapped[str] = mapped_column(String(300), default="")
    privacy_notice_fr: Mapped[str] = mapped_column(Text, default="")
    privacy_notice_en: Mapped[str] = mapped_column(Text, default="")
    # The version recorded with every consent: the time the notice last changed.
    privacy_notice_version: Mapped[str] = mapped_column(String(40), default="")
    # Comma-separated language codes offered, in order of preference ("fr,en").
    languages: Mapped[str] = mapped_column(String(20), default="fr,en")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Montreal")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The names of the tree's levels, top first: [{"singular": {"fr", "en"}, "plural": {...}}].
    levels: Mapped[list] = mapped_column(JSON, default=lambda: presets.default("levels"))
    # What the generated questionnaire asks about each item: [{"key", "label": {"fr", "en"}}].
    prompts: Mapped[list] = mapped_column(JSON, default=lambda: presets.default("prompts"))
    # The modification codes seeded in the codebook and the report's two group headings.
    codebook: Mapped[dict] = mapped_column(JSON, default=lambda: presets.default("codebook"))

    topics = relationship("Topic", back_populates="consultation", cascade="all, delete-orphan",
                          order_by="Topic.position")
    tracks = relationship("Track", back_populates="consultation", cascade="all, delete-orphan",
                          order_by="Track.position")
    channels = relationship("Channel", back_populates="consultation", cascade="all, delete-orphan",
                            order_by="Channel.position")
    categories = relationship("ParticipantCategory", cascade="all, delete-orphan",
                              order_by="ParticipantCategory.position")

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.levels, self.language_list)

    @property
    def prompt_set(self) -> list[dict]:
        return self.prompts or presets.default("prompts")

    @property
    def codebook_preset(self) -> dict:
        return self.codebook or presets.default("codebook")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_public(self) -> bool:
        return self.status != "draft"

    def is_open(self, now: datetime) -> bool:
        if self.status != "open":
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def root_topics(self):
        return [topic for topic in self.topics if topic.parent_id is None]

    def __repr__(self):
        return f"<Consultation {self.slug}>"


class Channel(db.Model):
    """One way of taking part (forums, questionnaire, written submissions) with its own dates."""

    __tablename__ = "channel"
    __table_args__ = (
        UniqueConstraint("consultation_id", "kind"),
        CheckConstraint("kind IN ('forums','questionnaire','submissions')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation", back_populates="channels")

    def state(self, now: datetime) -> str:
        """'upcoming', 'open' or 'closed' by the channel's own dates. Without an opening day it opens
        with the consultation, as a consultation without this channel's row does (the callers check
        the consultation's own state: readiness.channel_state)."""
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if self.opens_at is not None and now < self.opens_at:
            return "upcoming"
        return "open"
