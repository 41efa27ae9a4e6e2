"""Who may sign up for a session, and the invitations that open it to named addresses.

- open: anyone;
- invitation: only the addresses on the session's invitation list;
- track: the members of the session's track, that is the people invited to or registered for
  another session of the same track.
Invitations go through the outbox, each with a personal link to the sign-up page.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, tokens
from ..extensions import db
from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Forum, Participant, Registration
from ..models.access import ForumAccess, SessionInvitation
from ..participants.services import InvalidEmail, normalise_email
from .pool_link import count_invitation

LINK_PURPOSE = "session-invitation"


def mode_of(forum: Forum) -> str:
    """The session's rule: read with the session where a sign-up loads it (forum_for_signup), else now."""
    access = forum.access_rule
    return access.mode if access is not None else "open"


def set_mode(forum: Forum, mode: str, actor_id: int | None) -> None:
    existing = forum.access_rule
    before = existing.mode if existing is not None else "open"
    access = existing or ForumAccess(forum_id=forum.id)
    access.mode = mode
    forum.access_rule = access
    db.session.flush()
    if before != mode:
        audit.record(actor_id, "forum.access", "forum", forum.id, forum.consultation_id, **{"from": before, "to": mode})


def invitations(forum: Forum) -> list[SessionInvitation]:
    return list(db.session.scalars(select(SessionInvitation).where(SessionInvitation.forum_id == forum.id)
                                   .order_by(SessionInvitation.email)))


def may_sign_up(forum: Forum, email: str) -> bool:
    mode = mode_of(forum)
    if mode == "open":
        return True
    try:
        email = normalise_email(email)
    except InvalidEmail:
        return False
    if mode == "invitation":
        return _invited(email, [forum.id])
    if forum.track_id is None:
        return _invited(email, [forum.id])
    track_forums = list(db.session.scalars(select(Forum.id).where(Forum.track_id == forum.track_id)))
    if _invited(email, track_forums):
        return True
    return db.session.scalar(
        select(Registration.id).join(Participant).where(
            Participant.email == email, Participant.consultation_id == forum.consultation_id,
            Registration.forum_id.in_(track_forums), Registration.status != "cancelled").limit(1)) is not None


def _invited(email: str, forum_ids: list[int]) -> bool:
    return db.session.scalar(select(SessionInvitation.id).where(
        SessionInvitation.forum_id.in_(forum_ids), SessionInvitation.email == email).limit(1)) is not None


def invite(forum: Forum, emails: list[str], actor_id: int | None, language: str) -> list[SessionInvitation]:
    """Add addresses to the session's list and queue one email each; an address already invited is skipped.
    Each invitation sent to a member of the pool counts toward how often they were asked."""
    made = []
    known = {item.email for item in invitations(forum)}
    for raw in emails:
        email = normalise_email(raw)
        if email in known:
            continue
        known.add(email)
        item = SessionInvitation(forum_id=forum.id, email=email, invited_by_id=actor_id)
        db.session.add(item)
        db.session.flush()
        _queue_invitation(forum, item, language)
        count_invitation(email, forum, actor_id)
        made.append(item)
    if made:
        audit.record(actor_id, "forum.invited", "forum", forum.id, forum.consultation_id, count=len(made))
    return made


def _queue_invitation(forum: Forum, item: SessionInvitation, language: str) -> None:
    token = tokens.make_token(LINK_PURPOSE, item.id)
    link = external_url("forums.signup", slug=forum.consultation.slug, forum_id=forum.id, invitation=token)
    with force_locale(language):
        title = localized(forum, "title", language).text
        subject = _("Invitation: %(title)s", title=title)
        body = render_text("session_invitation", title=title, link=link, participant=None,
                           consultation_title=localized(forum.consultation, "title", language).text,
                           site_name=current_app.config["SITE_NAME"])
    queue_message(item.email, subject, body, language=language, dedupe_key=f"session-invitation-{item.id}",
                  object_type="session_invitation", object_id=str(item.id))


def invited_email(token: str) -> str | None:
    """The address of the invitation behind a personal link, to fill the sign-up form; None if invalid."""
    try:
        invitation_id, _version = tokens.read_token(LINK_PURPOSE, token)
    except tokens.LinkError:
        return None
    item = db.session.get(SessionInvitation, invitation_id)
    return item.email if item is not None else None


def contact_address() -> str:
    """Whom an uninvited person may write to: the address replies go to, when one is set ("" otherwise:
    the sending address may well be one nobody reads)."""
    return current_app.config.get("MAIL_REPLY_TO") or ""
