"""Ask everyone marked present at a session for their evaluation, a set delay after it ends, once.

Run by `flask consult send-evaluations` from a timer, like the reminders. "Once" is held by the
unique (session, person) invitation row, inserted in a savepoint: two overlapping runs cannot
both create it, and the outbox refuses a second message with the same dedupe key.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import EvaluationInvitation, Forum, Registration
from ..models.base import utcnow
from ..tokens import make_token
from .items import settings_of

# A session that ended longer ago than this is not evaluated any more: memories fade, and a
# timer started late must not send months-old requests.
STALE_AFTER = timedelta(days=14)
TOKEN_PURPOSE = "evaluation"


@dataclass
class EvaluationReport:
    invitations: list[EvaluationInvitation] = field(default_factory=list)


def send_evaluations(now: datetime | None = None) -> EvaluationReport:
    """Queue every evaluation request due at `now` (flushed; the caller commits)."""
    now = now or utcnow()
    report = EvaluationReport()
    delays: dict[int, timedelta] = {}
    for registration in _present_without_invitation(now):
        forum = registration.forum
        if forum.consultation_id not in delays:
            minutes = settings_of(forum.consultation).evaluation_delay_minutes
            delays[forum.consultation_id] = timedelta(minutes=minutes)
        due_at = forum.ends_at + delays[forum.consultation_id]
        if due_at > now or forum.ends_at + STALE_AFTER < now:
            continue
        invitation = _claim(registration, now)
        if invitation is not None:
            _queue(invitation)
            report.invitations.append(invitation)
    db.session.flush()
    return report


def answer_url(invitation: EvaluationInvitation) -> str:
    token = make_token(TOKEN_PURPOSE, invitation.id, invitation.participant.link_version)
    return external_url("evaluation.answer", token=token, lang=invitation.participant.preferred_language)


def _present_without_invitation(now: datetime) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Registration.forum)
        .outerjoin(EvaluationInvitation, and_(EvaluationInvitation.forum_id == Registration.forum_id,
                                              EvaluationInvitation.participant_id == Registration.participant_id))
        .where(Registration.status == "attended", Forum.status == "scheduled", Forum.starts_at <= now,
               Forum.starts_at >= now - STALE_AFTER - timedelta(days=1), EvaluationInvitation.id.is_(None))
        .order_by(Forum.starts_at, Registration.id)
        .options(joinedload(Registration.forum).joinedload(Forum.consultation), joinedload(Registration.participant))
    ))


def _claim(registration: Registration, now: datetime) -> EvaluationInvitation | None:
    invitation = EvaluationInvitation(forum_id=registration.forum_id, participant_id=registration.participant_id,
                                      sent_at=now, answered=False)
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:
        return None  # another run invited this person first
    invitation.forum, invitation.participant = registration.forum, registration.participant
    return invitation


def _queue(invitation: EvaluationInvitation) -> None:
    forum, participant = invitation.forum, invitation.participant
    language = participant.preferred_language
    with force_locale(language):
        title = localized(forum, "title", language).text
        subject = _("How was the session? %(title)s", title=title)
        body = render_text("evaluation_request", participant=participant, title=title,
                           answer_url=answer_url(invitation),
                           consultation_title=localized(forum.consultation, "title", language).text,
                           site_name=current_app.config["SITE_NAME"])
    queue_message(participant.email, subject, body, language=language, dedupe_key=f"evaluation-{invitation.id}",
                  object_type="evaluation_invitation", object_id=str(invitation.id), new_key=True)
