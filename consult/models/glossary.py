"""A consultation's glossary: terms and acronyms with their definitions in each language."""
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class GlossaryTerm(db.Model):
    __tablename__ = "glossary_term"
    __table_args__ = (Index("ix_glossary_term_consultation", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    # The same acronym is often used in both languages; either may be empty for a one-language term.
    term_fr: Mapped[str] = mapped_column(String(120), default="")
    term_en: Mapped[str] = mapped_column(String(120), default="")
    # For an acronym: the words it stands for ("Groupe de médecine de famille").
    expansion_fr: Mapped[str] = mapped_column(String(300), default="")
    expansion_en: Mapped[str] = mapped_column(String(300), default="")
    definition_fr: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_acronym(self) -> bool:
        return bool(self.expansion_fr or self.expansion_en)
