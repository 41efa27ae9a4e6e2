"""A consultation's evaluation items: the bilingual starting set, and staff edits to it.

The starting set follows the spirit of the Public and Patient Engagement Evaluation Tool
(PPEET): purpose, information, voice, being heard, worth, taking part again, and open questions.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Consultation, EngagementSettings, EvaluationItem

STARTING_ITEMS = (
    ("scale", "Le but de la séance était clair pour moi.", "The purpose of the session was clear to me."),
    ("scale", "J’ai reçu assez d’information pour contribuer.", "I had enough information to contribute."),
    ("scale", "J’ai pu exprimer mes points de vue.", "I was able to express my views."),
    ("scale", "Je sens que mes points de vue ont été entendus.", "I feel that my views were heard."),
    ("scale", "Ma participation en valait la peine.", "Taking part was worth my time."),
    ("scale", "Je participerais de nouveau à une activité comme celle-ci.",
     "I would take part in an activity like this again."),
    ("open", "Qu’est-ce qui a bien fonctionné?", "What worked well?"),
    ("open", "Qu’est-ce qui pourrait être amélioré?", "What could be improved?"),
)

SCALE_LABELS = {
    "1": _l("Strongly disagree"),
    "2": _l("Disagree"),
    "3": _l("Neither agree nor disagree"),
    "4": _l("Agree"),
    "5": _l("Strongly agree"),
}
KIND_LABELS = {"scale": _l("Agreement scale (1 to 5)"), "open": _l("Open question")}


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
        db.session.add(EvaluationItem(consultation_id=consultation.id, kind=kind, position=position,
                                      label_fr=label_fr, label_en=label_en, active=True))
    db.session.flush()


def save_item(consultation: Consultation, item: EvaluationItem | None, values: dict, actor_id: int) -> EvaluationItem:
    """Add an item (item None) or change one; audited. The caller commits."""
    if item is None:
        last = db.session.scalar(select(func.max(EvaluationItem.position))
                                 .where(EvaluationItem.consultation_id == consultation.id)) or 0
        item = EvaluationItem(consultation_id=consultation.id, position=last + 1)
        db.session.add(item)
        action = "evaluation_item.add"
    else:
        action = "evaluation_item.edit"
    item.kind = values["kind"]
    item.label_fr = (values.get("label_fr") or "").strip()
    item.label_en = (values.get("label_en") or "").strip()
    item.active = bool(values.get("active", True))
    db.session.flush()
    db.session.add(AuditEvent(actor_id=actor_id, action=action, object_type="evaluation_item",
                              object_id=str(item.id), consultation_id=consultation.id,
                              detail={"kind": item.kind, "active": item.active}))
    db.session.flush()
    return item


def settings_of(consultation: Consultation) -> EngagementSettings:
    settings = db.session.get(EngagementSettings, consultation.id)
    if settings is None:
        settings = EngagementSettings(consultation_id=consultation.id, evaluation_delay_minutes=60,
                                      readability_target=60)
        db.session.add(settings)
        db.session.flush()
    return settings
