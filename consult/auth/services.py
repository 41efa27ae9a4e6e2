"""Staff accounts: creation, authentication and password changes."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ROLES, AuditEvent, StaffUser
from ..models.base import utcnow
from ..models.staff import new_session_token
from ..participants.services import normalise_email  # staff and participants: one rule
from . import lockout
from .passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password


def find_staff(email: str) -> StaffUser | None:
    try:
        email = normalise_email(email)
    except ValueError:
        return None
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def create_or_update_staff(email: str, roles: list[str], password: str, name: str = "",
                           actor_label: str = "cli") -> tuple[StaffUser, bool]:
    """Create the account, or add roles and set the password of an existing one."""
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if len(password) < MIN_LENGTH:
        raise ValueError(f"the password must have at least {MIN_LENGTH} characters")
    email = normalise_email(email)
    user = find_staff(email)
    created = user is None
    if created:
        user = StaffUser(email=email, name=name, password_hash=hash_password(password))
        db.session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.session_token = new_session_token()
        if name:
            user.name = name
    for role in roles:
        user.grant(role)
    db.session.flush()
    db.session.add(AuditEvent(actor_label=actor_label, action="staff.create" if created else "staff.update",
                              object_type="staff_user", object_id=str(user.id),
                              detail={"email": email, "roles": sorted(user.roles)}))
    return user, created


def authenticate(email: str, password: str) -> StaffUser | None:
    """The account when email and password match an active account, else None."""
    user = find_staff(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.add(AuditEvent(actor_id=user.id, action="staff.login", object_type="staff_user",
                              object_id=str(user.id)))
    return user


@dataclass
class SignIn:
    user: StaffUser | None
    locked_until: datetime | None = None  # too many failures: no password is checked until then


def sign_in(email: str, password: str, address: str, now: datetime) -> SignIn:
    """authenticate(), behind the failure counts every worker and host shares (lockout.py). The caller
    commits whatever the outcome: a failure must be counted."""
    until = lockout.locked_until(email, address, now)
    if until is not None:
        return SignIn(None, until)
    user = authenticate(email, password)
    if user is None:
        lockout.record_failure(email, address, now)  # the next attempt may find the account locked
        return SignIn(None)
    lockout.clear_account(email)
    return SignIn(user)


def change_password(user: StaffUser, current: str, new: str) -> bool:
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    # Every other signed-in browser of this account is signed out.
    user.session_token = new_session_token()
    db.session.add(AuditEvent(actor_id=user.id, action="staff.password_change", object_type="staff_user",
                              object_id=str(user.id)))
    return True


def load_user(user_id: str) -> StaffUser | None:
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    # The roles in the same statement: every staff request reads them.
    user = db.session.get(StaffUser, int(raw_id), options=[joinedload(StaffUser.role_rows)])
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user
