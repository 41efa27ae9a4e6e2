"""Evaluation results by session, track and category, with every group under 5 kept back.

A group smaller than SMALL_GROUP shows "fewer than 5" and nothing else: in a group of three,
an average or a quoted sentence would point at a person. The cells that would let someone
subtract their way back to a hidden group are withheld too (protection.py). Open answers are
shown only for the whole consultation, in alphabetical order (never the order they came in),
once 5 exist.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import localized
from ..models import (
    Consultation,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationItem,
    Forum,
    ParticipantCategory,
    Track,
)
from .items import items_of, scale_score
from .protection import protect

SMALL_GROUP = 5


@dataclass
class Cell:
    count: int
    mean: float | None = None
    withheld: bool = False  # large enough, but hidden so that a smaller hidden cell cannot be derived

    @property
    def small(self) -> bool:
        return self.count < SMALL_GROUP

    @property
    def suppressed(self) -> bool:
        return self.small or self.withheld


@dataclass
class Group:
    label: str
    size: int  # the most answers any item got in the group: a floor on the people who answered
    cells: dict[int, Cell] = field(default_factory=dict)
    key: object = None  # the session, track or category id

    @property
    def suppressed(self) -> bool:
        return self.size < SMALL_GROUP


@dataclass
class EvaluationResults:
    scale_items: list[EvaluationItem]
    open_items: list[EvaluationItem]
    invited: int
    answered: int
    overall: Group
    by_dimension: dict[str, list[Group]]
    open_answers: dict[int, list[str]]  # item id -> texts, only for items with SMALL_GROUP answers or more

    @property
    def has_answers(self) -> bool:
        return self.overall.size > 0


def evaluation_results(consultation: Consultation) -> EvaluationResults:
    items = items_of(consultation, active_only=False)
    scale_items = [item for item in items if item.is_scale]
    open_items = [item for item in items if item.is_text]
    rows = db.session.execute(
        select(EvaluationAnswer.forum_id, EvaluationAnswer.track_id, EvaluationAnswer.category_id,
               EvaluationAnswer.item_id, EvaluationAnswer.value, EvaluationAnswer.text)
        .join(Forum, Forum.id == EvaluationAnswer.forum_id).where(Forum.consultation_id == consultation.id)
        .order_by(EvaluationAnswer.id)  # random ids: never the order people answered in
    ).all()
    labels = _labels(consultation)
    buckets: dict[tuple[str, object], list] = defaultdict(list)
    for row in rows:
        buckets[("overall", None)].append(row)
        buckets[("session", row.forum_id)].append(row)
        buckets[("track", row.track_id)].append(row)
        buckets[("category", row.category_id)].append(row)
    by_dimension: dict[str, list[Group]] = {"session": [], "track": [], "category": []}
    overall = _group("", buckets.get(("overall", None), []), scale_items)
    track_of_session = {}
    for (dimension, key), bucket in buckets.items():
        if dimension != "overall":
            group = _group(labels[dimension].get(key, ""), bucket, scale_items)
            group.key = key
            by_dimension[dimension].append(group)
        if dimension == "session":
            track_of_session[key] = bucket[0].track_id
    protect(overall, by_dimension, track_of_session, [item.id for item in scale_items])
    for groups in by_dimension.values():
        groups.sort(key=lambda group: group.label.casefold())
    open_answers = {}
    for item in open_items:
        texts = sorted((row.text for row in rows if row.item_id == item.id and row.text), key=str.casefold)
        if len(texts) >= SMALL_GROUP:
            open_answers[item.id] = texts
    invited, answered = _invitation_counts(consultation)
    return EvaluationResults(scale_items, open_items, invited, answered, overall, by_dimension, open_answers)


def _group(label: str, rows: list, scale_items: list[EvaluationItem]) -> Group:
    per_item: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    scales = {item.id: item for item in scale_items}
    for row in rows:
        counts[row.item_id] += 1
        score = scale_score(scales[row.item_id], row.value) if row.value and row.item_id in scales else None
        if score is not None:
            per_item[row.item_id].append(score)
    group = Group(label=label, size=max(counts.values(), default=0))
    for item in scale_items:
        values = per_item.get(item.id, [])
        # In a group kept back whole, every cell counts as hidden, whatever its own count.
        group.cells[item.id] = Cell(len(values), sum(values) / len(values) if values else None,
                                    withheld=bool(values) and group.suppressed)
    return group


def _labels(consultation: Consultation) -> dict[str, dict]:
    forums = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id)).all()
    tracks = db.session.scalars(select(Track).where(Track.consultation_id == consultation.id)).all()
    categories = db.session.scalars(
        select(ParticipantCategory).where(ParticipantCategory.consultation_id == consultation.id)).all()
    return {
        "session": {forum.id: localized(forum, "title").text for forum in forums},
        "track": {None: _("No track"), **{track.id: localized(track, "name").text for track in tracks}},
        "category": {None: _("No category given"),
                     **{category.id: localized(category, "name").text for category in categories}},
    }


def _invitation_counts(consultation: Consultation) -> tuple[int, int]:
    rows = db.session.execute(
        select(EvaluationInvitation.answered)
        .join(Forum, Forum.id == EvaluationInvitation.forum_id).where(Forum.consultation_id == consultation.id)
    ).scalars().all()
    return len(rows), sum(1 for answered in rows if answered)
