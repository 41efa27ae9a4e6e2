"""What analysis leads to: modification items resting on comments, the decision taken on each, the
coordinator's free text per report section, and the consultation's outcome (its level of
participation and the moment it was published)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ITEM_STATUSES = ("active", "merged")
# The answer of those who commissioned the consultation.
RESPONSES = ("retained", "partly", "not_retained", "under_study")
# The participation continuum, from the least to the most shared power.
PARTICIPATION_LEVELS = ("information", "consultation", "collaboration", "partnership")


class ModificationItem(db.Model):
    """A change to the proposal that several comments ask for, on one node of the tree.

    `kind` is a report group of the consultation's codebook ("clarify", "strengthen" or its own).
    Items are merged (the merged one points to the one kept), never deleted once supported, so the
    audit trail and the participants' "your contribution" keep their meaning.
    """

    __tablename__ = "modification_item"
    __table_args__ = (
        CheckConstraint("status IN ('active','merged')", name="status"),
        Index("ix_modification_item_topic", "consultation_id", "topic_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    statement_fr: Mapped[str] = mapped_column(Text, default="")
    statement_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("modification_item.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    topic = relationship("Topic")
    merged_into = relationship("ModificationItem", remote_side=[id])
    supports = relationship("ItemSupport", back_populates="item", cascade="all, delete-orphan",
                            order_by="ItemSupport.id")
    decision = relationship("Decision", back_populates="item", uselist=False, cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def __repr__(self):
        return f"<ModificationItem {self.id}>"


class ItemSupport(db.Model):
    """A comment that supports an item."""

    __tablename__ = "item_support"
    __table_args__ = (UniqueConstraint("item_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("modification_item.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("ModificationItem", back_populates="supports")
    comment = relationship("Comment")


class Decision(db.Model):
    """The response to an item, its reason, and where it landed in the revised text."""

    __tablename__ = "item_decision"
    __table_args__ = (
        CheckConstraint("response IN ('retained','partly','not_retained','under_study')", name="response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("modification_item.id", ondelete="CASCADE"), unique=True)
    response: Mapped[str] = mapped_column(String(15))
    reason_fr: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    landing_fr: Mapped[str] = mapped_column(Text, default="")
    landing_en: Mapped[str] = mapped_column(Text, default="")
    landing_url: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the decision changes after the outcome was published: the public page says so.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item = relationship("ModificationItem", back_populates="decision")


class ReportSectionNote(db.Model):
    """The coordinator's own text for one section of the report, beside the analysts' memo."""

    __tablename__ = "report_section_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConsultationOutcome(db.Model):
    """Where the consultation sits on the participation continuum, what participants could and could
    not influence, and whether its outcome is published."""

    __tablename__ = "consultation_outcome"
    __table_args__ = (
        CheckConstraint("participation_level IN ('','information','consultation','collaboration','partnership')",
                        name="participation_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), unique=True)
    participation_level: Mapped[str] = mapped_column(String(20), default="")
    # The level's name as this consultation words it; empty: the platform's name for it.
    level_label_fr: Mapped[str] = mapped_column(String(200), default="")
    level_label_en: Mapped[str] = mapped_column(String(200), default="")
    could_influence_fr: Mapped[str] = mapped_column(Text, default="")
    could_influence_en: Mapped[str] = mapped_column(Text, default="")
    could_not_influence_fr: Mapped[str] = mapped_column(Text, default="")
    could_not_influence_en: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
