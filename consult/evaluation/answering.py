"""Reading a personal evaluation link and storing its one answer without the person.

The invitation is marked answered by a conditional UPDATE before any answer row is written, so
a second submit of the same link (replayed, or two tabs) stores nothing.
"""
from datetime import datetime

from sqlalchemy import update

from ..extensions import db
from ..models import EvaluationAnswer, EvaluationInvitation, EvaluationItem
from ..tokens import LinkError, read_token
from .sending import TOKEN_PURPOSE


class EvaluationError(Exception):
    """Why an evaluation cannot be given: 'invalid', 'expired', 'not_held' or 'answered'."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def invitation_for(token: str, now: datetime) -> EvaluationInvitation:
    """The invitation a link opens, if it may still be answered; raises EvaluationError."""
    try:
        invitation_id, version = read_token(TOKEN_PURPOSE, token)
    except LinkError as error:
        raise EvaluationError(error.reason) from error
    invitation = db.session.get(EvaluationInvitation, invitation_id)
    if invitation is None or invitation.participant.link_version != version:
        raise EvaluationError("invalid")
    forum = invitation.forum
    if forum.is_cancelled or forum.ends_at > now:
        raise EvaluationError("not_held")
    if invitation.answered:
        raise EvaluationError("answered")
    return invitation


def record_answer(invitation: EvaluationInvitation, items: list[EvaluationItem], values: dict[int, str]) -> int:
    """Store the answers (item id -> value or text); returns how many were stored. Flushed."""
    claimed = db.session.execute(
        update(EvaluationInvitation)
        .where(EvaluationInvitation.id == invitation.id, EvaluationInvitation.answered.is_(False))
        .values(answered=True)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not claimed:
        raise EvaluationError("answered")
    db.session.refresh(invitation)
    forum, participant = invitation.forum, invitation.participant
    stored = 0
    for item in items:
        raw = (values.get(item.id) or "").strip()
        if not raw or (item.is_scale and raw not in item.option_values):
            continue
        db.session.add(EvaluationAnswer(
            forum_id=forum.id, track_id=forum.track_id, category_id=participant.category_id, item_id=item.id,
            value=raw if item.is_scale else "", text=raw if item.is_text else "",
        ))
        stored += 1
    db.session.flush()
    return stored
