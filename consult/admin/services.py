"""Staff-side queries and edits of a consultation's structure."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, ChangeTarget, Theme, Topic, Track


@dataclass
class StructureCounts:
    sections: int = 0
    axes: int = 0
    orientations: int = 0
    themes: int = 0
    change_targets: int = 0
    tracks: int = 0


def structure_counts() -> dict[int, StructureCounts]:
    """Counts per consultation id, in four grouped queries whatever the number of consultations."""
    counts: dict[int, StructureCounts] = {}
    for consultation_id, kind, number in db.session.execute(
        select(Topic.consultation_id, Topic.kind, func.count()).group_by(Topic.consultation_id, Topic.kind)
    ):
        entry = counts.setdefault(consultation_id, StructureCounts())
        setattr(entry, {"section": "sections", "axis": "axes", "orientation": "orientations"}[kind], number)
    for model, attribute in ((Theme, "themes"), (ChangeTarget, "change_targets")):
        for consultation_id, number in db.session.execute(
            select(Topic.consultation_id, func.count(model.id)).join(model, model.topic_id == Topic.id)
            .group_by(Topic.consultation_id)
        ):
            setattr(counts.setdefault(consultation_id, StructureCounts()), attribute, number)
    for consultation_id, number in db.session.execute(
        select(Track.consultation_id, func.count()).group_by(Track.consultation_id)
    ):
        counts.setdefault(consultation_id, StructureCounts()).tracks = number
    return counts


EDITABLE_FIELDS = ("title_fr", "title_en", "summary_fr", "summary_en", "plain_summary_fr", "plain_summary_en",
                   "body_fr", "body_en")


def update_topic_texts(topic: Topic, values: dict, actor_id: int) -> list[str]:
    """Apply the edited texts; returns the names of the fields that changed, all audited."""
    changes = {}
    for name in EDITABLE_FIELDS:
        if name not in values:  # a language the form does not offer keeps its texts
            continue
        new = (values.get(name) or "").strip()
        old = getattr(topic, name)
        if new != old:
            changes[name] = {"from": old, "to": new}
            setattr(topic, name, new)
    if changes:
        db.session.add(AuditEvent(actor_id=actor_id, action="topic.edit", object_type="topic",
                                  object_id=str(topic.id), consultation_id=topic.consultation_id,
                                  detail={"code": topic.code, "changes": changes}))
    db.session.flush()
    return sorted(changes)
