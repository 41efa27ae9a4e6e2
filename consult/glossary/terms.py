"""Checking, saving and loading glossary terms.

A term is defined once per consultation and language (compared without case or accents), and
definitions are plain text: anything that looks like markup is refused, not silently stripped.
"""
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, Consultation, GlossaryTerm
from ..structure.validation import Problem

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;")
TEXT_FIELDS = ("term_fr", "term_en", "expansion_fr", "expansion_en", "definition_fr", "definition_en")


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def terms_of(consultation: Consultation) -> list[GlossaryTerm]:
    terms = db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.consultation_id == consultation.id)).all()
    return sorted(terms, key=lambda term: folded(term.term_fr or term.term_en))


def problems(consultation: Consultation, values: dict, term_id: int | None = None) -> dict[str, str]:
    """Field name -> message for what cannot be saved (empty when the term may be saved)."""
    found: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if MARKUP.search(values.get(name) or ""):
            found[name] = str(_l("Write plain text: markup such as <b> is not allowed here."))
    if not (values.get("term_fr") or "").strip() and not (values.get("term_en") or "").strip():
        # Next to a field the page shows: the English one in an English-only consultation.
        held = consultation.language_list or ["fr"]
        found["term_fr" if "fr" in held else "term_en"] = str(_l("Give the term in at least one language.")
                                                              if len(held) > 1 else _l("Give the term."))
    for lang in ("fr", "en"):
        term = (values.get(f"term_{lang}") or "").strip()
        if term and not (values.get(f"definition_{lang}") or "").strip() \
                and not (values.get(f"expansion_{lang}") or "").strip():
            found.setdefault(f"definition_{lang}", str(_l("Give a definition for this term.")))
        if term and _defined_elsewhere(consultation, lang, term, term_id):
            found[f"term_{lang}"] = str(_l("“%(term)s” is already in the glossary.", term=term))
    return found


def save_term(consultation: Consultation, term: GlossaryTerm | None, values: dict, actor_id: int) -> GlossaryTerm:
    """Add or change a term already checked by problems(); audited, flushed."""
    action = "glossary.edit"
    if term is None:
        term = GlossaryTerm(consultation_id=consultation.id)
        db.session.add(term)
        action = "glossary.add"
    for name in TEXT_FIELDS:
        setattr(term, name, (values.get(name) or "").strip())
    db.session.flush()
    db.session.add(AuditEvent(actor_id=actor_id, action=action, object_type="glossary_term", object_id=str(term.id),
                              consultation_id=consultation.id, detail={"term": term.term_fr or term.term_en}))
    db.session.flush()
    return term


def delete_term(term: GlossaryTerm, actor_id: int) -> None:
    db.session.add(AuditEvent(actor_id=actor_id, action="glossary.delete", object_type="glossary_term",
                              object_id=str(term.id), consultation_id=term.consultation_id,
                              detail={"term": term.term_fr or term.term_en}))
    db.session.delete(term)
    db.session.flush()


def structure_problems(items: list[dict]) -> list[Problem]:
    """What is wrong with a structure file's "glossary" list, before anything is written."""
    found, seen = [], {"fr": set(), "en": set()}
    for index, item in enumerate(items, start=1):
        for key in ("term", "expansion", "definition"):
            for lang, text in (item.get(key) or {}).items():
                if MARKUP.search(text or ""):
                    found.append(Problem(f"glossary[{index}].{key}.{lang}",
                                         _("markup is not allowed in the glossary: write plain text")))
        for lang, text in (item.get("term") or {}).items():
            if folded(text) in seen[lang]:
                found.append(Problem(f"glossary[{index}].term.{lang}",
                                     _("“%(term)s” is defined twice in the glossary", term=text)))
            seen[lang].add(folded(text))
    return found


def replace_from_structure(consultation: Consultation, items: list[dict]) -> None:
    """Make the glossary what the structure file says (checked by structure_problems first)."""
    for term in list(terms_of(consultation)):
        db.session.delete(term)
    for item in items:
        term = GlossaryTerm(consultation_id=consultation.id)
        for key in ("term", "expansion", "definition"):
            for lang in ("fr", "en"):
                setattr(term, f"{key}_{lang}", ((item.get(key) or {}).get(lang) or "").strip())
        db.session.add(term)
    db.session.flush()


def structure_items(consultation: Consultation) -> list[dict]:
    items = []
    for term in terms_of(consultation):
        item = {}
        for key in ("term", "expansion", "definition"):
            text = {lang: getattr(term, f"{key}_{lang}") for lang in ("fr", "en") if getattr(term, f"{key}_{lang}")}
            if text:
                item[key] = text
        items.append(item)
    return items


def _defined_elsewhere(consultation: Consultation, lang: str, text: str, term_id: int | None) -> bool:
    column = getattr(GlossaryTerm, f"term_{lang}")
    rows = db.session.execute(select(GlossaryTerm.id, column).where(GlossaryTerm.consultation_id == consultation.id))
    return any(folded(existing) == folded(text) and row_id != term_id for row_id, existing in rows if existing)
