"""Publishing the outcome and what the public page shows.

Figures of who took part never show a group of fewer than SMALL_GROUP people as a number: such a
group is shown as "fewer than 5", so that nobody can be singled out.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..items.services import ItemError, items_of, items_supported_by_people
from ..items.support import counted
from ..models import Consultation, ConsultationOutcome, ModificationItem, Participant, ReportVersion
from ..reports.participation import TOTAL, participation
from . import emails

SMALL_GROUP = 5


def outcome_of(consultation: Consultation, create: bool = False) -> ConsultationOutcome | None:
    outcome = db.session.scalar(select(ConsultationOutcome).where(
        ConsultationOutcome.consultation_id == consultation.id))
    if outcome is None and create:
        outcome = ConsultationOutcome(consultation_id=consultation.id)
        db.session.add(outcome)
        db.session.flush()
    return outcome


def shown_count(number: int) -> str:
    """A head count as the public page shows it."""
    if 0 < number < SMALL_GROUP:
        return _("fewer than %(num)d", num=SMALL_GROUP)
    return str(number)


def shown_counts(rows: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """A table's head counts as the public page shows them. The rows add up to the total shown above
    them, so a small group alone in its table could be worked out by subtraction: the smallest other
    groups are left out too, until the groups not shown hold at least SMALL_GROUP people together."""
    hidden = {index for index, (_label, number) in enumerate(rows) if number < SMALL_GROUP}
    others = sorted((number, index) for index, (_label, number) in enumerate(rows) if index not in hidden)
    also = set()
    while hidden and others and sum(rows[index][1] for index in hidden | also) < SMALL_GROUP:
        also.add(others.pop(0)[1])
    return [(label, _("not shown") if index in also else shown_count(number))
            for index, (label, number) in enumerate(rows)]


@dataclass
class FigureTable:
    key: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Figures:
    total: str
    tables: list[FigureTable]


def figures(consultation: Consultation) -> Figures:
    found = participation(consultation)
    # "By track" only for a consultation that has tracks: without, it would read as one of its own levels.
    tables = [FigureTable("track", _("By track"), shown_counts([(summary.label, summary.participants)
                                                                for summary in found.tracks
                                                                if summary.key != TOTAL and summary.participants]))
              ] if consultation.tracks else []
    for breakdown in found.breakdowns:
        if breakdown.key in ("category", "region"):
            tables.append(FigureTable(breakdown.key, breakdown.title,
                                      shown_counts([(row.label, row.total) for row in breakdown.rows if row.total])))
    return Figures(total=shown_count(found.total), tables=tables)


def shown_publicly(item: ModificationItem, outcome: ConsultationOutcome | None) -> bool:
    """Whether the published page shows the item: an item made after publishing is the analysts' work in
    progress until a decision is recorded on it (the preview, before publishing, shows every item)."""
    published = outcome.published_at if outcome is not None else None
    return published is None or item.decision is not None or item.created_at <= published


def held_back(consultation: Consultation) -> list[ModificationItem]:
    """Items made since publishing that the public page does not show yet (no decision on them)."""
    outcome = outcome_of(consultation)
    return [item for item in items_of(consultation) if not shown_publicly(item, outcome)]


def unsupported(consultation: Consultation) -> list[ModificationItem]:
    return [item for item in items_of(consultation) if not counted(item)]


def final_version(consultation: Consultation) -> ReportVersion | None:
    return db.session.scalar(select(ReportVersion).where(
        ReportVersion.consultation_id == consultation.id, ReportVersion.final_at.is_not(None))
        .order_by(ReportVersion.number.desc()).limit(1))


@dataclass
class Published:
    first_time: bool
    queued: int


def publish(consultation: Consultation, actor_id: int | None, now: datetime) -> Published:
    """Publish the outcome page and queue one email per participant (see `recipients`), with what came
    of each of their comments that supports a proposed change.

    Publishing again (after a decision changed, or to reach people who agreed since) queues an email
    only for those never sent one: the outbox's key holds the consultation and the person.
    """
    missing = unsupported(consultation)
    if missing:
        numbers = ", ".join(str(item.id) for item in missing)
        raise ItemError(ngettext("Item %(items)s has no supporting comment: add comments to it or merge it first.",
                                 "Items %(items)s have no supporting comment: add comments to them or merge them "
                                 "first.", len(missing), items=numbers))
    if not items_of(consultation):
        raise ItemError(_("There is no item to publish yet."))
    outcome = outcome_of(consultation, create=True)
    first_time = outcome.published_at is None
    if first_time:
        outcome.published_at, outcome.published_by_id = now, actor_id
    queued = 0
    supported = items_supported_by_people(consultation.id)
    for participant in recipients(consultation):
        if emails.outcome_published(consultation, participant, supported.get(participant.id, [])) is not None:
            queued += 1
    db.session.flush()
    audit.record(actor_id, "outcome.publish", "consultation", consultation.id, consultation.id,
                 first_time=first_time, emails=queued)
    return Published(first_time, queued)


def recipients(consultation: Consultation) -> list[Participant]:
    """Everyone not erased who took part and still agrees to the use of their contributions for this
    consultation: telling them what came of it is part of that use. The "contact" consent is about
    future consultations, and does not decide it."""
    return list(db.session.scalars(select(Participant).where(
        Participant.consultation_id == consultation.id, Participant.erased_at.is_(None),
        Participant.processing_agreed.is_(True)).order_by(Participant.id)))
