"""Failed staff sign-ins, counted in the database per account and per network address.

The rate limiter counts requests in its own storage, which with the default `memory://` is one count
per worker process: two workers on each of two hosts let four times the limit through. These counts
live in the database that every worker and host shares, whatever the limiter's storage (and whether
that storage is up). Too many failures within the window lock the account, or the address, until the
lockout expires; a successful sign-in clears the account's count.

The account is the email typed, known or not: a lockout says nothing about whether an account exists.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SignInFailure

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta
    lockout: timedelta


def limits() -> Limits:
    config = current_app.config
    return Limits(per_account=int(config["LOGIN_FAILURES_PER_ACCOUNT"]),
                  per_address=int(config["LOGIN_FAILURES_PER_ADDRESS"]),
                  window=timedelta(seconds=int(config["LOGIN_FAILURE_WINDOW_SECONDS"])),
                  lockout=timedelta(seconds=int(config["LOGIN_LOCKOUT_SECONDS"])))


def _keys(email: str, address: str) -> list[tuple[str, str]]:
    keys = [(ACCOUNT, (email or "").strip().casefold()[:254])]
    if address:
        keys.append((ADDRESS, address[:254]))
    return keys


def locked_until(email: str, address: str, now: datetime) -> datetime | None:
    """When the account or the address may try again, if either is locked now."""
    return db.session.scalar(
        select(SignInFailure.locked_until)
        .where(tuple_(SignInFailure.scope, SignInFailure.key).in_(_keys(email, address)),
               SignInFailure.locked_until > now)
        .order_by(SignInFailure.locked_until.desc()).limit(1))


def record_failure(email: str, address: str, now: datetime) -> None:
    """Count one failure for the account and for the address; lock whichever reached its limit."""
    settings = limits()
    for scope, key in _keys(email, address):
        _count(scope, key, now, settings.window)
        limit = settings.per_account if scope == ACCOUNT else settings.per_address
        # Locked: the count starts again once the lockout is over.
        db.session.execute(
            update(SignInFailure)
            .where(SignInFailure.scope == scope, SignInFailure.key == key, SignInFailure.failures >= limit)
            .values(locked_until=now + settings.lockout, failures=0, window_started_at=now + settings.lockout)
            .execution_options(synchronize_session=False))
    db.session.flush()


def _count(scope: str, key: str, now: datetime, window: timedelta) -> None:
    # One statement, atomic under concurrent failures from other workers; a window that has passed restarts.
    expired = SignInFailure.window_started_at <= now - window
    increment = (update(SignInFailure).where(SignInFailure.scope == scope, SignInFailure.key == key)
                 .values(failures=case((expired, 1), else_=SignInFailure.failures + 1),
                         window_started_at=case((expired, now), else_=SignInFailure.window_started_at))
                 .execution_options(synchronize_session=False))
    if db.session.execute(increment).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(SignInFailure(scope=scope, key=key, failures=1, window_started_at=now))
            db.session.flush()
    except IntegrityError:
        db.session.execute(increment)  # another worker made the row a moment ago


def clear_account(email: str) -> None:
    """A successful sign-in: the account's failures are forgiven (its address's are not)."""
    [(scope, key)] = _keys(email, "")[:1]
    db.session.execute(delete(SignInFailure).where(SignInFailure.scope == scope, SignInFailure.key == key))


def purge_expired(now: datetime) -> int:
    """Rows whose window and lockout are both over say nothing any more."""
    window = limits().window
    return db.session.execute(delete(SignInFailure).where(
        SignInFailure.window_started_at <= now - window,
        or_(SignInFailure.locked_until.is_(None), SignInFailure.locked_until <= now))).rowcount
