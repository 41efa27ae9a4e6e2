"""Staff accounts managed by an administrator: invitations, roles (site-wide or in one consultation),
deactivation, reset links. The first account still comes from the `create-staff` command."""
import zlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import tokens
from ..audit import record
from ..auth.passwords import hash_password
from ..auth.services import find_staff
from ..extensions import db
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Consultation, StaffUser
from ..models.base import utcnow
from ..models.staff import new_session_token
from ..participants.services import normalise_email

INVITE_PURPOSE = "staff-invite"
RESET_PURPOSE = "staff-reset"
INVITE_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 24 * 3600
MAX_AGES = {INVITE_PURPOSE: INVITE_MAX_AGE, RESET_PURPOSE: RESET_MAX_AGE}
# A password hash nothing verifies against: an invited account cannot sign in before choosing one.
NO_PASSWORD = "!invited"


class AlreadyStaff(Exception):
    def __init__(self, user: StaffUser):
        self.user = user
        super().__init__(user.email)


class OwnAccount(Exception):
    """An administrator cannot lock themselves out (deactivate or drop their own admin role)."""


@dataclass(frozen=True)
class Grant:
    role: str
    consultation_id: int | None  # None: in every consultation


def all_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).options(selectinload(StaffUser.role_rows))
                                   .order_by(StaffUser.email)))


def get_staff(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def consultation_names() -> dict[int, Consultation]:
    return {item.id: item for item in db.session.scalars(select(Consultation).order_by(Consultation.slug))}


def _link_version(user: StaffUser) -> int:
    # Setting a password changes the hash: every link sent before stops working, used or not.
    return zlib.crc32(f"{user.password_hash}:{user.session_token}".encode())


def _queue_link(user: StaffUser, purpose: str, language: str, actor: StaffUser) -> None:
    token = tokens.make_token(purpose, user.id, _link_version(user))
    endpoint = "staff_links.accept_invitation" if purpose == INVITE_PURPOSE else "staff_links.reset_password"
    with force_locale(language):
        invite = purpose == INVITE_PURPOSE
        subject = (_("You are invited to the staff area of %(site)s", site=current_app.config["SITE_NAME"])
                   if invite else _("Choose a new password for %(site)s", site=current_app.config["SITE_NAME"]))
        body = render_text("staff_link", user=user, invite=invite, actor=actor,
                           url=external_url(endpoint, token=token, lang=language),
                           days=MAX_AGES[purpose] // 86400, hours=MAX_AGES[purpose] // 3600,
                           site_name=current_app.config["SITE_NAME"])
    queue_message(user.email, subject, body, language=language, object_type="staff_user", object_id=str(user.id))


def _apply_grants(user: StaffUser, grants: list[Grant]) -> None:
    wanted = {(grant.role, grant.consultation_id) for grant in grants}
    for row in list(user.role_rows):
        if (row.role, row.consultation_id) not in wanted:
            user.role_rows.remove(row)
    for role, consultation_id in sorted(wanted, key=lambda item: (item[0], item[1] or 0)):
        user.grant(role, consultation_id)


def _grants_detail(grants: list[Grant]) -> list[str]:
    return sorted(f"{grant.role}@{grant.consultation_id}" if grant.consultation_id else grant.role
                  for grant in grants)


def invite(email: str, name: str, grants: list[Grant], language: str, actor: StaffUser) -> StaffUser:
    email = normalise_email(email)
    existing = find_staff(email)
    if existing is not None:
        raise AlreadyStaff(existing)
    user = StaffUser(email=email, name=name.strip(), password_hash=NO_PASSWORD)
    db.session.add(user)
    _apply_grants(user, grants)
    db.session.flush()
    record(actor.id, "staff.invite", "staff_user", user.id, None, email=email, roles=_grants_detail(grants))
    _queue_link(user, INVITE_PURPOSE, language, actor)
    db.session.flush()
    return user


def set_grants(user: StaffUser, grants: list[Grant], actor: StaffUser) -> bool:
    if user.id == actor.id and not any(grant.role == "admin" and grant.consultation_id is None for grant in grants):
        raise OwnAccount()
    before = _grants_detail([Grant(row.role, row.consultation_id) for row in user.role_rows])
    _apply_grants(user, grants)
    after = _grants_detail(grants)
    if before == after:
        return False
    # Signed out everywhere: a role taken away must not linger in an open session.
    user.session_token = new_session_token()
    record(actor.id, "staff.roles", "staff_user", user.id, None, before=before, after=after)
    db.session.flush()
    return True


def set_active(user: StaffUser, active: bool, actor: StaffUser) -> None:
    if user.id == actor.id and not active:
        raise OwnAccount()
    user.active = active
    user.session_token = new_session_token()
    record(actor.id, "staff.activate" if active else "staff.deactivate", "staff_user", user.id, None,
           email=user.email)
    db.session.flush()


def send_reset(user: StaffUser, language: str, actor: StaffUser) -> None:
    invited = user.password_hash == NO_PASSWORD
    record(actor.id, "staff.invite_again" if invited else "staff.reset_link", "staff_user", user.id, None,
           email=user.email)
    _queue_link(user, INVITE_PURPOSE if invited else RESET_PURPOSE, language, actor)
    db.session.flush()


def read_link(purpose: str, token: str) -> StaffUser:
    """The account a set-password link is for; LinkError when expired, used, tampered or inactive."""
    user_id, version = tokens.read_token(purpose, token, max_age=MAX_AGES[purpose])
    user = db.session.get(StaffUser, user_id)
    if user is None or not user.active or version != _link_version(user):
        raise tokens.LinkError("invalid")
    return user


def set_password(user: StaffUser, password: str, purpose: str, now: datetime | None = None) -> None:
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    user.last_login_at = now or utcnow()
    record(user.id, "staff.invitation_accepted" if purpose == INVITE_PURPOSE else "staff.password_reset",
           "staff_user", user.id, None)
    db.session.flush()


def grants_of(user: StaffUser) -> list[Grant]:
    return [Grant(row.role, row.consultation_id) for row in user.role_rows]

