"""Representation targets: how many people of each category and region a consultation aims to hear
from, against how many it has, so that organizers know whom to invite while recruiting."""
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Participant
from ..models.compensation import RepresentationTarget
from ..participants import regions


@dataclass
class Line:
    label: str
    target: int
    have: int

    @property
    def missing(self) -> int:
        return max(self.target - self.have, 0)


def targets_of(consultation) -> RepresentationTarget | None:
    return db.session.get(RepresentationTarget, consultation.id)


def save(consultation, by_category: dict[str, int], by_region: dict[str, int], actor_id: int | None) -> None:
    row = targets_of(consultation) or RepresentationTarget(consultation_id=consultation.id)
    row.by_category = {key: value for key, value in by_category.items() if value}
    row.by_region = {key: value for key, value in by_region.items() if value}
    db.session.add(row)
    db.session.flush()
    audit.record(actor_id, "targets.saved", "consultation", consultation.id, consultation.id,
                 by_category=row.by_category, by_region=row.by_region)


def progress(consultation) -> tuple[list[Line], list[Line]]:
    """(lines by category, lines by region) for every target set: who is missing."""
    row = targets_of(consultation)
    if row is None:
        return [], []
    people = (Participant.consultation_id == consultation.id, Participant.erased_at.is_(None))
    by_category = dict(db.session.execute(select(Participant.category_id, func.count(Participant.id))
                                          .where(*people).group_by(Participant.category_id)).all())
    by_region = dict(db.session.execute(select(Participant.region, func.count(Participant.id))
                                        .where(*people).group_by(Participant.region)).all())
    names = {str(category.id): localized(category, "name").text for category in consultation.categories}
    provinces = dict(regions.province_choices())
    categories = [Line(names.get(key, key), int(target), by_category.get(int(key), 0))
                  for key, target in (row.by_category or {}).items() if key in names]
    places = [Line(provinces.get(code, code), int(target), by_region.get(code, 0))
              for code, target in (row.by_region or {}).items()]
    return categories, places
