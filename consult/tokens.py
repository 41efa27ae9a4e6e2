"""Signed, expiring, single-purpose links for participants (who never have passwords)."""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DEFAULT_MAX_AGE = 180 * 24 * 3600  # outlives a consultation: links in confirmation emails keep working


class LinkError(Exception):
    """The link is expired, tampered with, revoked, or made for something else."""

    def __init__(self, reason: str):
        self.reason = reason  # "expired" or "invalid"
        super().__init__(reason)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt: a link made to manage a registration opens nothing else.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"consult.{purpose}",
                                  signer_kwargs={"digest_method": hashlib.sha256})


def make_token(purpose: str, subject_id: int, version: int = 1, extra: dict | None = None) -> str:
    """`extra`: more signed values the link carries (short keys: the link is part of a URL)."""
    # 128 random bits make every link unguessable even for a known subject and time.
    return _serializer(purpose).dumps({**(extra or {}), "id": subject_id, "v": version,
                                       "n": secrets.token_urlsafe(16)})


def read_token_extra(purpose: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> tuple[int, int, dict]:
    """(subject id, version, the extra values) of a link made with `extra`, or LinkError."""
    subject_id, version = read_token(purpose, token, max_age)
    data = _serializer(purpose).loads(token, max_age=max_age)
    return subject_id, version, {key: value for key, value in data.items() if key not in ("id", "v", "n")}


def read_token(purpose: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> tuple[int, int]:
    """Return (subject id, version) or raise LinkError."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise LinkError("invalid")
    return data["id"], int(data.get("v", 1))
