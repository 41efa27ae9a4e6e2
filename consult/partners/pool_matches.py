"""A participant of another consultation with a pool member's address: the same person, or someone else
writing from a shared address? Staff see both records side by side and decide. Merging adds to the
member what the record holds and the member lacks (nothing is overwritten, the participant's record in
its consultation is untouched); keeping apart leaves the member as it was. Both are audited.

The pool is for people who agreed to be contacted: a record whose contact consent was withdrawn since
the match was proposed cannot be merged.
"""
from dataclasses import dataclass

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Consultation, Participant
from ..models.base import utcnow
from ..models.participant import CONSENT_PURPOSES
from ..models.pool import PoolMember, PoolRecord
from .labels import stated_languages


class MatchError(Exception):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass
class Side:
    """One record as staff compare it."""
    name: str
    email: str
    category: str
    region: str
    languages: list[str]
    consultations: list[str]
    consents: dict[str, bool] | None  # per purpose, for a participant's record


@dataclass
class Match:
    record: PoolRecord
    member: Side
    proposed: Side


def proposed() -> list[Match]:
    records = db.session.scalars(
        select(PoolRecord).join(PoolMember).join(Participant, Participant.id == PoolRecord.participant_id)
        .where(PoolRecord.status == "proposed", PoolMember.left_at.is_(None), Participant.erased_at.is_(None))
        .order_by(PoolRecord.proposed_at, PoolRecord.id))
    return [Match(record, _member_side(record.member), _record_side(record)) for record in records]


def pending_count() -> int:
    return len(proposed())


def _member_side(member: PoolMember) -> Side:
    linked = [record.participant for record in member.records
              if record.status == "linked" and record.participant.erased_at is None]
    return Side(member.name, member.email, member.category, member.region, list(member.languages or []),
                [_title(person) for person in linked], None)


def _record_side(record: PoolRecord) -> Side:
    person = record.participant
    category = localized(person.category, "name").text if person.category else ""
    return Side(person.name, person.email, category, person.region or "", list(record.languages or []),
                [_title(person)],
                {purpose: person.current_consent(purpose) for purpose in CONSENT_PURPOSES})


def _title(person: Participant) -> str:
    return localized(db.session.get(Consultation, person.consultation_id), "title").text


def get_proposed(record_id: int) -> PoolRecord:
    record = db.session.get(PoolRecord, record_id)
    if record is None or record.participant.erased_at is not None:
        raise MatchError("gone")
    if record.status != "proposed":
        raise MatchError("already_decided")
    if record.member.left_at is not None:
        raise MatchError("left")
    return record


def merge(record: PoolRecord, actor_id: int | None) -> None:
    """The same person: the member gains the languages stated and any detail it lacked."""
    person = record.participant
    if not person.current_consent("contact"):
        raise MatchError("no_consent")
    member = record.member
    before = _profile(member)
    member.name = member.name or person.name
    member.region = member.region or person.region or ""
    if not member.category and person.category:
        member.category = localized(person.category, "name").text
    member.languages = stated_languages([*(member.languages or []), *(record.languages or [])],
                                        member.preferred_language)
    _decide(record, "linked", actor_id)
    audit.record(actor_id, "pool.match_merged", "pool_member", member.id, person.consultation_id,
                 participant_id=person.id, before=before, after=_profile(member))


def keep_apart(record: PoolRecord, actor_id: int | None) -> None:
    """Not the same person (or not sure): the member stays as it was and this record is not counted."""
    _decide(record, "apart", actor_id)
    audit.record(actor_id, "pool.match_kept_apart", "pool_member", record.member_id,
                 record.participant.consultation_id, participant_id=record.participant_id)


def _decide(record: PoolRecord, status: str, actor_id: int | None) -> None:
    record.status = status
    record.decided_at = utcnow()
    record.decided_by_id = actor_id
    db.session.flush()


def _profile(member: PoolMember) -> dict:
    return {"name": member.name, "region": member.region, "category": member.category,
            "languages": list(member.languages or [])}
