"""Argon2 password hashing for staff accounts."""
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

_hasher = PasswordHasher()
# The test suite signs in hundreds of times, where the full cost (64 MiB, three passes) would spend
# minutes; only the testing environment hashes at argon2's lowest cost, still argon2id.
_testing_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

MIN_LENGTH = 12


def _current() -> PasswordHasher:
    if has_app_context() and current_app.config.get("CONSULT_ENV") == "testing":
        return _testing_hasher
    return _hasher


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the email is unknown, so both failures cost the same time. Made on the
    first sign-in rather than at import: hashing takes 64 MiB that every process would keep."""
    return hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return _current().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _current()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current().check_needs_rehash(password_hash)
