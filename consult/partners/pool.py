"""The organisation-wide pool: people who agreed to be contacted about future consultations.

A member is one person whatever the consultations they came through. The first participant with an
address makes the member; another consultation's participant with the same address is a proposed match
until staff confirm it (pool_matches). Organizers invite members to a session; every invitation is
counted (pool_link), and past a configurable number in twelve months one more asks for confirmation.
Leaving is one click from the link at the foot of every email.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Consultation, Forum, Participant
from ..models.base import utcnow
from ..models.pool import PoolMember, PoolRecord
from . import access
from .labels import stated_languages
from .pool_link import asked_in_last_year, leave_token, member_from_token, member_with  # noqa: F401


class PoolError(Exception):
    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


def record_of(participant: Participant) -> PoolRecord | None:
    return db.session.scalar(select(PoolRecord).where(PoolRecord.participant_id == participant.id))


def _category_name(participant: Participant) -> str:
    """The person's group as their consultation names it, in that consultation's first language: the
    same words whatever the language of the page they signed up on."""
    if participant.category is None:
        return ""
    consultation = db.session.get(Consultation, participant.consultation_id)  # in the session already
    return localized(participant.category, "name", consultation.language_list[0]).text


def join(participant: Participant, languages=()) -> PoolMember | None:
    """Add the person behind a participant who agreed to be contacted, with the languages they can take
    part in. A participant of another consultation with a member's address is not merged: the match is
    proposed to staff. Someone who left the pool is not put back by a form where anyone could type their
    address."""
    stated = stated_languages(languages, participant.preferred_language)
    member = member_with(participant.email)
    if member is not None and member.left_at is not None:
        return None
    if member is None:
        category = _category_name(participant)
        member = PoolMember(email=participant.email, name=participant.name,
                            preferred_language=participant.preferred_language or "fr",
                            region=participant.region or "", category=category, languages=stated)
        db.session.add(member)
        db.session.flush()
        db.session.add(PoolRecord(member_id=member.id, participant_id=participant.id, status="linked",
                                  languages=stated, decided_at=utcnow()))
        db.session.flush()
        return member
    record = record_of(participant)
    if record is None:
        record = PoolRecord(member_id=member.id, participant_id=participant.id, status="proposed", languages=stated)
        db.session.add(record)
        db.session.flush()
        audit.record(None, "pool.match_proposed", "pool_member", member.id, participant.consultation_id,
                     participant_id=participant.id)
    elif record.status == "linked":
        # The person confirmed from their own mailbox: what they state now is theirs.
        member.languages = stated_languages([*(member.languages or []), *stated], member.preferred_language)
    elif record.status == "proposed":
        record.languages = stated_languages([*(record.languages or []), *stated], participant.preferred_language)
    db.session.flush()
    return member


def set_languages(member: PoolMember, languages) -> None:
    """The member's own statement (from the link in their emails) replaces what was known."""
    before = list(member.languages or [])
    member.languages = stated_languages(languages, member.preferred_language)
    db.session.flush()
    if before != member.languages:
        audit.record(None, "pool.languages", "pool_member", member.id, None, before=before, after=member.languages)


def forget(participant: Participant) -> None:
    """The participant is erased: their record goes, and with it the member when no other consultation's
    confirmed record is left. A record still waiting for a decision then holds the address alone."""
    record = record_of(participant)
    if record is None:
        return
    member = record.member
    db.session.delete(record)
    db.session.flush()
    remaining = [other for other in member.records if other is not record]
    if record.status != "linked" or any(other.status == "linked" for other in remaining):
        return
    waiting = sorted((other for other in remaining if other.status == "proposed"), key=lambda other: other.id)
    if not waiting or member.left_at is not None:
        if member.left_at is None:
            db.session.delete(member)
        db.session.flush()
        return
    heir = waiting[0]
    person = heir.participant
    member.name, member.region = person.name, person.region or ""
    member.category = _category_name(person)
    member.preferred_language = person.preferred_language or "fr"
    member.languages = stated_languages(heir.languages, member.preferred_language)
    heir.status, heir.decided_at = "linked", utcnow()
    db.session.flush()


def leave(member: PoolMember) -> None:
    """Out of the pool for good: the row keeps only the fact, so the address is never invited again."""
    if member.left_at is not None:
        return
    member.left_at = utcnow()
    member.name = member.category = member.region = ""
    member.languages = []
    db.session.flush()
    audit.record(None, "pool.left", "pool_member", member.id, None)


@dataclass
class Row:
    member: PoolMember
    asked: int  # invitations in the last 12 months, whatever page sent them
    consultations: int  # consultations they took part in (records confirmed as theirs)

    @property
    def over_cap(self) -> bool:
        return self.asked >= current_app.config["POOL_INVITATION_CAP"]


def members(now: datetime, region: str = "", language: str = "") -> list[Row]:
    query = select(PoolMember).where(PoolMember.left_at.is_(None))
    if region:
        query = query.where(PoolMember.region == region)
    rows = list(db.session.scalars(query.order_by(PoolMember.name, PoolMember.email)))
    if language:
        rows = [member for member in rows if language in (member.languages or [])]
    asked = asked_in_last_year(None, now)
    taken_part = dict(db.session.execute(
        select(PoolRecord.member_id, func.count(func.distinct(Participant.consultation_id)))
        .join(Participant, Participant.id == PoolRecord.participant_id)
        .where(PoolRecord.status == "linked", Participant.erased_at.is_(None))
        .group_by(PoolRecord.member_id)).all())
    return [Row(member, asked.get(member.id, 0), taken_part.get(member.id, 0)) for member in rows]


def invite(forum: Forum, member_ids: list[int], actor_id: int | None, now: datetime, *,
           confirmed_over_cap: bool, language: str) -> int:
    """Invite members to a session (its invitation list and an email each, counted by access.invite). A
    member who left cannot be invited; members at the cap need `confirmed_over_cap`. Returns how many."""
    chosen = list(db.session.scalars(select(PoolMember).where(PoolMember.id.in_(member_ids))))
    gone = [member for member in chosen if member.left_at is not None]
    if gone or len(chosen) != len(set(member_ids)):
        raise PoolError("left")
    over = over_cap(chosen, now)
    if over and not confirmed_over_cap:
        raise PoolError("over_cap", names=", ".join(member.name or member.email for member in over))
    # Each in the language the member chose for emails (the session's, or the page's, for the others).
    by_language: dict[str, list[str]] = {}
    for member in chosen:
        wanted = member.preferred_language if member.preferred_language in ("fr", "en") else language
        by_language.setdefault(wanted, []).append(member.email)
    made = [item for wanted, emails in sorted(by_language.items())
            for item in access.invite(forum, emails, actor_id, wanted)]
    audit.record(actor_id, "pool.invited", "forum", forum.id, forum.consultation_id, count=len(made),
                 over_cap=len(over))
    return len(made)


def over_cap(chosen: list[PoolMember], now: datetime) -> list[PoolMember]:
    """The members among `chosen` already asked as often as the cap allows in the last 12 months."""
    asked = asked_in_last_year([member.id for member in chosen], now)
    cap = current_app.config["POOL_INVITATION_CAP"]
    return [member for member in chosen if asked.get(member.id, 0) >= cap]
