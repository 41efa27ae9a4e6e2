"""The way out of the pool, at the foot of every email to one of its members (the outbox adds it), and the
count of how often a member was asked, which every invitation feeds whatever page sent it."""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import tokens
from ..extensions import db
from ..mail.urls import external_url
from ..models.base import utcnow
from ..models.pool import PoolInvitation, PoolMember

LINK_PURPOSE = "pool-leave"
# Emails are read years later: the way out must still work.
LINK_MAX_AGE = 5 * 365 * 24 * 3600


def member_with(email: str) -> PoolMember | None:
    return db.session.scalar(select(PoolMember).where(PoolMember.email == email))


def leave_token(member: PoolMember) -> str:
    return tokens.make_token(LINK_PURPOSE, member.id)


def member_from_token(token: str) -> PoolMember:
    member_id, _version = tokens.read_token(LINK_PURPOSE, token, max_age=LINK_MAX_AGE)
    member = db.session.get(PoolMember, member_id)
    if member is None:
        raise tokens.LinkError("invalid")
    return member


def leave_footer(email: str, language: str) -> str:
    """The closing lines for an active member of the pool; "" for anyone else."""
    member = member_with(email)
    if member is None or member.left_at is not None:
        return ""
    link = external_url("partners.pool_leave", token=leave_token(member))
    with force_locale(language):
        return "\n\n" + _("You are in our pool of people to contact about future consultations. To leave it in "
                          "one click: %(link)s", link=link) + "\n"


YEAR = timedelta(days=365)


def asked_in_last_year(member_ids, now: datetime) -> dict[int, int]:
    """Member id -> invitations in the 12 months before `now` (members never asked are absent)."""
    query = (select(PoolInvitation.member_id, func.count(PoolInvitation.id))
             .where(PoolInvitation.invited_at >= now - YEAR).group_by(PoolInvitation.member_id))
    if member_ids is not None:
        query = query.where(PoolInvitation.member_id.in_(list(member_ids)))
    return dict(db.session.execute(query).all())


def count_invitation(email: str, forum, actor_id: int | None, now: datetime | None = None) -> None:
    """An invitation to a session reached this address: if it belongs to a member, it counts."""
    member = member_with(email)
    if member is not None and member.left_at is None:
        db.session.add(PoolInvitation(member_id=member.id, forum_id=forum.id, invited_by_id=actor_id,
                                      invited_at=now or utcnow()))


def screen(emails: list[str], now: datetime) -> tuple[list[str], list[str]]:
    """Of the addresses about to be invited: those of people who left the pool (never to be invited again),
    and those of members already asked as often as the cap allows in the last 12 months."""
    if not emails:
        return [], []
    found = list(db.session.scalars(select(PoolMember).where(PoolMember.email.in_(emails))))
    left = sorted(member.email for member in found if member.left_at is not None)
    active = [member for member in found if member.left_at is None]
    asked = asked_in_last_year([member.id for member in active], now)
    cap = current_app.config["POOL_INVITATION_CAP"]
    return left, sorted(member.email for member in active if asked.get(member.id, 0) >= cap)
