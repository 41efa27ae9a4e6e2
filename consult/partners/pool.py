"""The organisation-wide pool: people who agreed to be contacted about future consultations.

A person is one member whatever the consultations they came through (matched by email). Organizers
invite members to a session; each invitation is counted, and past a configurable number in twelve
months one more asks for confirmation. Leaving is one click from the link at the foot of every email.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Forum, Participant
from ..models.base import utcnow
from ..models.pool import PoolInvitation, PoolMember
from . import access
from .pool_link import leave_token, member_from_token, member_with  # noqa: F401  (the views use them)

YEAR = timedelta(days=365)


class PoolError(Exception):
    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


def join(participant: Participant) -> PoolMember | None:
    """Add (or bring up to date) the member behind a participant who agreed to be contacted. Someone who
    left the pool is not put back by a form where anyone could type their address."""
    member = member_with(participant.email)
    if member is not None and member.left_at is not None:
        return None
    category = localized(participant.category, "name").text if participant.category else ""
    if member is None:
        member = PoolMember(email=participant.email)
        db.session.add(member)
    member.name = member.name or participant.name
    member.preferred_language = participant.preferred_language or member.preferred_language
    member.region = member.region or participant.region
    member.category = member.category or category
    db.session.flush()
    return member


def leave(member: PoolMember) -> None:
    """Out of the pool for good: the row keeps only the fact, so the address is never invited again."""
    if member.left_at is not None:
        return
    member.left_at = utcnow()
    member.name = member.category = member.region = ""
    db.session.flush()
    audit.record(None, "pool.left", "pool_member", member.id, None)


@dataclass
class Row:
    member: PoolMember
    asked: int  # invitations in the last 12 months
    consultations: int  # consultations they took part in

    @property
    def over_cap(self) -> bool:
        return self.asked >= current_app.config["POOL_INVITATION_CAP"]


def members(now: datetime, region: str = "", language: str = "") -> list[Row]:
    query = select(PoolMember).where(PoolMember.left_at.is_(None))
    if region:
        query = query.where(PoolMember.region == region)
    if language:
        query = query.where(PoolMember.preferred_language == language)
    rows = list(db.session.scalars(query.order_by(PoolMember.name, PoolMember.email)))
    asked = dict(db.session.execute(select(PoolInvitation.member_id, func.count(PoolInvitation.id))
                                    .where(PoolInvitation.invited_at >= now - YEAR)
                                    .group_by(PoolInvitation.member_id)).all())
    consultations = func.count(func.distinct(Participant.consultation_id))
    taken_part = dict(db.session.execute(select(Participant.email, consultations)
                                         .where(Participant.email.in_([m.email for m in rows]))
                                         .group_by(Participant.email)).all()) if rows else {}
    return [Row(member, asked.get(member.id, 0), taken_part.get(member.email, 0)) for member in rows]


def invite(forum: Forum, member_ids: list[int], actor_id: int | None, now: datetime, *,
           confirmed_over_cap: bool, language: str) -> int:
    """Invite members to a session (its invitation list and an email each). A member who left cannot be
    invited; members at the cap need `confirmed_over_cap`. Returns how many were invited."""
    chosen = list(db.session.scalars(select(PoolMember).where(PoolMember.id.in_(member_ids))))
    gone = [member for member in chosen if member.left_at is not None]
    if gone or len(chosen) != len(set(member_ids)):
        raise PoolError("left")
    rows = {row.member.id: row for row in members(now)}
    over = [rows[member.id] for member in chosen if rows[member.id].over_cap]
    if over and not confirmed_over_cap:
        raise PoolError("over_cap", names=", ".join(row.member.name or row.member.email for row in over))
    made = access.invite(forum, [member.email for member in chosen], actor_id, language)
    invited = {item.email for item in made}
    for member in chosen:
        if member.email in invited:
            db.session.add(PoolInvitation(member_id=member.id, forum_id=forum.id, invited_by_id=actor_id,
                                          invited_at=now))
    db.session.flush()
    audit.record(actor_id, "pool.invited", "forum", forum.id, forum.consultation_id, count=len(invited),
                 over_cap=len(over))
    return len(invited)
