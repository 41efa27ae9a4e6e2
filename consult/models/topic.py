"""The policy tree: sections, axes and orientations, with change targets and themes."""
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

TOPIC_KINDS = ("section", "axis", "orientation")


class Topic(db.Model):
    __tablename__ = "topic"
    __table_args__ = (
        UniqueConstraint("consultation_id", "code"),
        CheckConstraint("kind IN ('section','axis','orientation')", name="kind"),
        Index("ix_topic_consultation_parent_position", "consultation_id", "parent_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    title_fr: Mapped[str] = mapped_column(String(400), default="")
    title_en: Mapped[str] = mapped_column(String(400), default="")
    summary_fr: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # Shown first on the node's page, the full text one step away.
    plain_summary_fr: Mapped[str] = mapped_column(Text, default="")
    plain_summary_en: Mapped[str] = mapped_column(Text, default="")

    consultation = relationship("Consultation", back_populates="topics")
    parent = relationship("Topic", remote_side=[id], back_populates="children")
    children = relationship("Topic", back_populates="parent", order_by="Topic.position")
    change_targets = relationship("ChangeTarget", back_populates="topic", cascade="all, delete-orphan",
                                  order_by="ChangeTarget.position")
    themes = relationship("Theme", back_populates="topic", cascade="all, delete-orphan",
                          order_by="Theme.position")

    def ancestors(self) -> list["Topic"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def __repr__(self):
        return f"<Topic {self.code} {self.kind}>"


class ChangeTarget(db.Model):
    """A change the policy aims for under an orientation ("cible de changement")."""

    __tablename__ = "change_target"
    __table_args__ = (UniqueConstraint("topic_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    text_fr: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")

    topic = relationship("Topic", back_populates="change_targets")


class Theme(db.Model):
    """A sub-heading under which comments on a topic are grouped."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("topic_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    name_fr: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")

    topic = relationship("Topic", back_populates="themes")
