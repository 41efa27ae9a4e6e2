"""The response of those who commissioned the consultation to each item."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import ConsultationOutcome, Decision, ModificationItem
from ..models.items import RESPONSES
from .services import ItemError

RESPONSE_LABELS = {
    "retained": _l("Retained"),
    "partly": _l("Partly retained"),
    "not_retained": _l("Not retained"),
    "under_study": _l("Under study"),
}


def response_label(response: str) -> str:
    return str(RESPONSE_LABELS[response])


@dataclass
class DecisionInput:
    response: str
    reason_fr: str = ""
    reason_en: str = ""
    landing_fr: str = ""
    landing_en: str = ""
    landing_url: str = ""


def record_decision(item: ModificationItem, given: DecisionInput, actor_id: int | None, now: datetime) -> Decision:
    """Record or change the decision on an item. Once the outcome is published, a change to a decision
    is dated so that the public page can say when it changed (not a first decision)."""
    if given.response not in RESPONSES:
        raise ItemError(_("Choose the response."))
    if not item.is_active:
        raise ItemError(_("This item was merged into another one: record the decision there."))
    published = db.session.scalar(select(ConsultationOutcome.published_at).where(
        ConsultationOutcome.consultation_id == item.consultation_id))
    decision = item.decision
    values = {"response": given.response, "reason_fr": given.reason_fr.strip(), "reason_en": given.reason_en.strip(),
              "landing_fr": given.landing_fr.strip(), "landing_en": given.landing_en.strip(),
              "landing_url": given.landing_url.strip()}
    first = decision is None
    if first:
        decision = Decision(item=item, decided_by_id=actor_id, decided_at=now, **values)
        db.session.add(decision)
        changed = True
    else:
        changed = any(getattr(decision, name) != value for name, value in values.items())
        for name, value in values.items():
            setattr(decision, name, value)
        if changed:
            decision.decided_by_id = actor_id
    if changed and published is not None and not first:  # a first decision changes nothing already shown
        decision.changed_at = now
    db.session.flush()
    if changed:
        audit.record(actor_id, "item.decision", "modification_item", item.id, item.consultation_id,
                     response=given.response, after_publishing=published is not None)
    return decision
