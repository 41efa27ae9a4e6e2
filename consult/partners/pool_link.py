"""The way out of the pool, at the foot of every email to one of its members (the outbox adds it)."""
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import tokens
from ..extensions import db
from ..mail.urls import external_url
from ..models.pool import PoolMember

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
