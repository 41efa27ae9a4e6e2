"""Queue an email as an outbox row; the delivery worker sends it later, outside any request."""
import base64
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import OutboxMessage
from ..partners.pool_link import leave_footer

# (filename, mimetype, content): the mimetype may carry parameters ("text/calendar; method=REQUEST").
Attachment = tuple[str, str, bytes]

SUBJECT_MAX = 300  # the column's length


def queue_message(to: str, subject: str, body_text: str, *, language: str, body_html: str = "",
                  attachments: Iterable[Attachment] = (), dedupe_key: str | None = None,
                  object_type: str = "", object_id: str = "", new_key: bool = False, kind: str = "",
                  params: dict | None = None) -> OutboxMessage | None:
    """Add a message to the outbox (the caller commits).

    With a dedupe_key already queued, nothing is added and None is returned: a replayed
    request or a command run twice never sends the same email twice. `new_key` says the key
    names an event this transaction has just made (it holds a moment stamped now): there is
    nothing to look for, and no concurrent request can queue the same key.
    """
    if dedupe_key and not new_key and _already_queued(dedupe_key):
        return None
    message = OutboxMessage(
        to_address=to,
        subject=one_line(subject)[:SUBJECT_MAX],
        # A recorded message gets its closing lines when the worker writes it (rendering.py).
        body_text=body_text + ("" if kind else leave_footer(to, language)),
        body_html=body_html,
        language=language,
        attachments=[_encode(attachment) for attachment in attachments],
        dedupe_key=dedupe_key,
        object_type=object_type,
        object_id=str(object_id),
        kind=kind,
        params=params,
    )
    if new_key:
        db.session.add(message)
        return message
    try:
        # The unique index is the real guard: two racing callers both pass the check above,
        # one insert wins and the other's savepoint is rolled back without touching the rest.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def queue_recorded(to: str, kind: str, params: dict, *, language: str, dedupe_key: str,
                   object_type: str, object_id: str, new_key: bool = False) -> OutboxMessage | None:
    """Add a message that records what to send rather than what it says (the caller commits).

    The mail worker renders `kind` from `params` when it sends it (rendering.py), so the request
    writes one small row and renders nothing. Same dedupe rules as queue_message.
    """
    return queue_message(to, "", "", language=language, dedupe_key=dedupe_key, object_type=object_type,
                         object_id=object_id, new_key=new_key, kind=kind, params=params)


def decode_attachments(message: OutboxMessage) -> list[Attachment]:
    return [(item["filename"], item["mimetype"], base64.b64decode(item["content_b64"]))
            for item in message.attachments or []]


def _already_queued(dedupe_key: str) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def _encode(attachment: Attachment) -> dict:
    filename, mimetype, content = attachment
    return {"filename": filename, "mimetype": mimetype, "content_b64": base64.b64encode(content).decode("ascii")}


def one_line(text: str) -> str:
    # A header cannot hold a line break; a title typed with one must not break the message.
    return " ".join(text.split())
