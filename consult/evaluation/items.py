"""A consultation's evaluation questions: the bilingual starting set, and staff edits to it through the
questionnaire builder's question form and services (kinds, texts, help, required, options, order).

The starting set follows the spirit of the Public and Patient Engagement Evaluation Tool
(PPEET): purpose, information, voice, being heard, worth, taking part again, and open questions.
"""
from sqlalchemy import func, select

from ..audit import record as audit
from ..extensions import db
from ..models import Consultation, EngagementSettings, EvaluationItem
from ..models.questionnaire import DEFAULT_MAX_LENGTH
from ..questionnaires.builder import LIKERT_OPTIONS, apply_question_values, swap_positions

STARTING_ITEMS = (
    ("likert", "Le but de la séance était clair pour moi.", "The purpose of the session was clear to me."),
    ("likert", "J’ai reçu assez d’information pour contribuer.", "I had enough information to contribute."),
    ("likert", "J’ai pu exprimer mes points de vue.", "I was able to express my views."),
    ("likert", "Je sens que mes points de vue ont été entendus.", "I feel that my views were heard."),
    ("likert", "Ma participation en valait la peine.", "Taking part was worth my time."),
    ("likert", "Je participerais de nouveau à une activité comme celle-ci.",
     "I would take part in an activity like this again."),
    ("long_text", "Qu’est-ce qui a bien fonctionné?", "What worked well?"),
    ("long_text", "Qu’est-ce qui pourrait être amélioré?", "What could be improved?"),
)


def items_of(consultation: Consultation, *, active_only: bool = True) -> list[EvaluationItem]:
    """The consultation's items in order, creating the starting set the first time."""
    ensure_starting_items(consultation)
    query = select(EvaluationItem).where(EvaluationItem.consultation_id == consultation.id)
    if active_only:
        query = query.where(EvaluationItem.active.is_(True))
    return list(db.session.scalars(query.order_by(EvaluationItem.position, EvaluationItem.id)))


def ensure_starting_items(consultation: Consultation) -> None:
    exists = db.session.scalar(select(EvaluationItem.id).where(EvaluationItem.consultation_id == consultation.id)
                               .limit(1))
    if exists is not None:
        return
    for position, (kind, label_fr, label_en) in enumerate(STARTING_ITEMS, start=1):
        db.session.add(EvaluationItem(
            consultation_id=consultation.id, kind=kind, position=position, label_fr=label_fr, label_en=label_en,
            active=True, required=False, max_length=DEFAULT_MAX_LENGTH,
            options=[dict(option) for option in LIKERT_OPTIONS] if kind == "likert" else []))
    db.session.flush()


def scale_score(item: EvaluationItem, value: str) -> int | None:
    """An answer's place on its scale: the first option listed counts highest (5 of 5 for "Strongly agree")."""
    values = item.option_values
    return len(values) - values.index(value) if value in values else None


def add_item(consultation: Consultation, values: dict, actor_id: int) -> EvaluationItem:
    """A new question at the end, with the builder's defaults (a scale gets the five-point options). Flushed."""
    last = db.session.scalar(select(func.max(EvaluationItem.position))
                             .where(EvaluationItem.consultation_id == consultation.id)) or 0
    item = EvaluationItem(consultation_id=consultation.id, position=last + 1, kind=values["kind"], options=[],
                          active=bool(values.get("active", True)), max_length=DEFAULT_MAX_LENGTH)
    apply_question_values(item, values)
    db.session.add(item)
    db.session.flush()
    audit(actor_id, "evaluation_item.add", "evaluation_item", item.id, consultation.id,
          kind=item.kind, active=item.active)
    return item


def update_item(item: EvaluationItem, values: dict, actor_id: int) -> list[str]:
    """Change a question with the builder's rules (option values kept when relabelled); audited. Flushed."""
    changed = apply_question_values(item, values)
    if "active" in values and item.active != bool(values["active"]):
        item.active = bool(values["active"])
        changed.append("active")
    db.session.flush()
    if changed:
        audit(actor_id, "evaluation_item.edit", "evaluation_item", item.id, item.consultation_id, fields=changed)
    return changed


def move_item(item: EvaluationItem, direction: str, actor_id: int) -> bool:
    siblings = list(db.session.scalars(select(EvaluationItem).where(
        EvaluationItem.consultation_id == item.consultation_id).order_by(EvaluationItem.position, EvaluationItem.id)))
    moved = swap_positions(siblings, item, direction)
    db.session.flush()
    if moved:
        audit(actor_id, "evaluation_item.moved", "evaluation_item", item.id, item.consultation_id,
              direction=direction)
    return moved


def settings_of(consultation: Consultation) -> EngagementSettings:
    settings = db.session.get(EngagementSettings, consultation.id)
    if settings is None:
        settings = EngagementSettings(consultation_id=consultation.id, evaluation_delay_minutes=60,
                                      readability_target=60)
        db.session.add(settings)
        db.session.flush()
    return settings
