"""What an outbox message says, written when it is sent.

A recorded message (its `kind` set) holds only what to send: the worker renders it from the
records it names, in the language stored on the row, just before sending. A message queued whole
(no kind) says what it was queued with.
"""
import importlib
from dataclasses import dataclass, field

from ..models import OutboxMessage
from ..partners.pool_link import leave_footer
from .outbox import Attachment, decode_attachments

# kind -> "module:function" rendering it; each function takes (message) and returns a Rendered,
# or raises MessageGone. Imported when first used: the areas import the mail package, not the reverse.
RENDERERS = {
    "forum.registration_confirmed": "consult.forums.registration_mail:confirmed",
    "forum.registration_waitlisted": "consult.forums.registration_mail:waitlisted",
    "forum.registration_promoted": "consult.forums.registration_mail:promoted",
    "forum.registration_cancelled": "consult.forums.registration_mail:cancelled",
}


class MessageGone(Exception):
    """The records the message is about no longer exist, or their person was erased: never to be sent."""


@dataclass
class Rendered:
    subject: str
    body_text: str
    body_html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def render(message: OutboxMessage) -> Rendered:
    """Subject, bodies and attachments of the message, rendered now for a recorded one.

    Raises MessageGone when a recorded message's records are gone, and LookupError for a kind
    this version does not know (kept pending for a version that does)."""
    if not message.kind:
        return Rendered(message.subject, message.body_text, message.body_html or "", decode_attachments(message))
    target = RENDERERS.get(message.kind)
    if target is None:
        raise LookupError(f"unknown email kind {message.kind!r}")
    module, _, function = target.partition(":")
    rendered = getattr(importlib.import_module(module), function)(message)
    # The same closing lines queue_message gives an email queued whole, as they stand when it is sent.
    rendered.body_text += leave_footer(message.to_address, message.language)
    return rendered


def shown(message: OutboxMessage) -> Rendered:
    """What to show a person of an email about them: as sent, or as it will be sent while it waits;
    the row as it is for one that never will be."""
    if not message.kind or message.status == "sent":
        return Rendered(message.subject, message.body_text, message.body_html or "")
    try:
        return render(message)
    except (MessageGone, LookupError):
        return Rendered(message.subject, message.body_text, message.body_html or "")
