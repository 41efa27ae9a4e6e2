"""The work behind the public forum pages: what is offered, signing up, a personal link's actions.

Services flush; the view commits once. Seats are only ever taken or given back through
`registration` (the atomic, seat-safe rules); emails are queued through `notifications`.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import contains_eager, selectinload

from .. import tokens
from ..extensions import db
from ..models import Channel, Consultation, Forum, Registration, Track
from ..models.forum import ACTIVE
from ..participants.services import Profile, create_unless_known
from ..partners import access, accommodations, pool
from ..partners import services as partners
from ..readiness import channel_open, has_privacy_notice
from . import known_signup, notifications, registration

TOKEN_PURPOSE = "registration"
CONSENT_SOURCE = "forum-signup"
# Statuses a participant may still change from their personal page.


class ForumUnavailable(Exception):
    """The session exists but cannot be signed up for; `reason` says why, for the page shown."""

    def __init__(self, forum: Forum | None, reason: str):
        self.forum = forum
        self.reason = reason  # "cancelled", "past" or "closed"
        super().__init__(reason)


# -- what is offered ------------------------------------------------------------------------

def signups_open(consultation: Consultation, now: datetime) -> bool:
    """Open consultation with a privacy notice, and its forums channel (when it has one) open today.

    Consent is asked against the notice: without one, nobody can give informed consent.
    """
    return channel_open(consultation, "forums", now)


def _signups_open_with(consultation: Consultation, channel: Channel | None, now: datetime) -> bool:
    # The same rule as readiness.channel_state, with the channel already loaded beside the forum.
    if not consultation.is_open(now) or not has_privacy_notice(consultation):
        return False
    return channel is None or channel.state(now) == "open"


def upcoming_forums(consultation: Consultation, now: datetime) -> list[Forum]:
    """Scheduled sessions not yet started, soonest first. Cancelled and past ones are not offered."""
    return list(db.session.scalars(
        select(Forum)
        .where(Forum.consultation_id == consultation.id, Forum.status == "scheduled", Forum.starts_at > now)
        .options(selectinload(Forum.topics), selectinload(Forum.track), selectinload(Forum.access_rule))
        .order_by(Forum.starts_at, Forum.id)
    ))


@dataclass
class TrackGroup:
    track: Track | None  # None: sessions of no track, shown last under "Other sessions"
    forums: list[Forum]


def forums_by_track(consultation: Consultation, now: datetime) -> list[TrackGroup]:
    forums = upcoming_forums(consultation, now)
    groups = [TrackGroup(track, [forum for forum in forums if forum.track_id == track.id])
              for track in consultation.tracks]
    groups.append(TrackGroup(None, [forum for forum in forums if forum.track_id is None]))
    return [group for group in groups if group.forums]


# The session with its sign-up rule and its consultation's forums channel (the first, as
# consultation.channels orders them): one statement for what every sign-up checks first.
_FORUM_WITH_CHANNEL = (
    select(Forum, Channel)
    .outerjoin(Forum.access_rule).options(contains_eager(Forum.access_rule))
    .outerjoin(Channel, and_(Channel.consultation_id == Forum.consultation_id, Channel.kind == "forums"))
    .where(Forum.id == bindparam("forum_id"), Forum.consultation_id == bindparam("consultation_id"))
    .order_by(Channel.position, Channel.id).limit(1)
)


def forum_for_signup(consultation: Consultation, forum_id: int, now: datetime) -> Forum:
    row = db.session.execute(_FORUM_WITH_CHANNEL, {"forum_id": forum_id, "consultation_id": consultation.id}).first()
    if row is None:
        abort(404)
    forum, channel = row
    if forum.is_cancelled:
        raise ForumUnavailable(forum, "cancelled")
    if forum.starts_at <= now:
        raise ForumUnavailable(forum, "past")
    if not _signups_open_with(consultation, channel, now):
        raise ForumUnavailable(forum, "closed")
    return forum


# -- signing up --------------------------------------------------------------------------------

@dataclass
class Signup:
    email: str
    profile: Profile
    consents: dict[str, bool]
    # Asked only where a compensation policy applies: None when not asked or not answered.
    compensation: bool | None = None
    # What would help the person take part in this session, and anything they added.
    accommodation: tuple[list[str], str] = ([], "")
    # The languages they can take part in, for the pool (asked with the consent to be contacted).
    pool_languages: list[str] = field(default_factory=list)


@dataclass
class SignupResult:
    outcome: registration.Outcome | None
    # The email was already known: whoever typed it is not shown that person's link.
    known: bool


def sign_up(consultation: Consultation, forum: Forum, signup: Signup) -> SignupResult:
    """Match or create the participant, record their consents, take a seat or join the waitlist,
    and queue the email. Signing up again for the same session changes nothing and sends nothing.

    An address already known changes nothing now: its owner is emailed a link that makes the sign-up
    (known_signup), and `outcome` is None; their compensation choice is made from their personal page.
    An address the session's sign-up rule does not admit is refused ("not_invited")."""
    if not access.may_sign_up(forum, signup.email):
        raise registration.RegistrationError("not_invited")
    identified = create_unless_known(consultation, signup.email, signup.profile, signup.consents, CONSENT_SOURCE)
    if identified.known:
        known = identified.participant
        if not registration.is_registered(forum, known):  # a double click sends nothing more
            known_signup.ask_to_confirm(forum, known, signup.consents, _answers(signup))
        return SignupResult(None, True)
    new = identified.participant
    outcome = registration.register(forum, new, new_participant=True, seat_last=True)
    if signup.compensation is not None:
        partners.set_choice(new, signup.compensation)
    if signup.consents.get("contact"):
        pool.join(new, signup.pool_languages)
    accommodations.record(outcome.registration, *signup.accommodation)
    message = notifications.registration_confirmed(outcome.registration, just_made=True)
    # The seat last: see registration.register.
    if not registration.claim_seat(forum, outcome):
        # The last seat went to someone else a moment ago: the email tells of the waitlist place instead.
        if message is not None:
            db.session.delete(message)
        notifications.registration_confirmed(outcome.registration, just_made=True)
    return SignupResult(outcome, False)


def _answers(signup: Signup) -> dict:
    """What a known person answered beyond their consents, carried by their confirmation link."""
    needs, other = signup.accommodation
    answers = {"a": list(needs), "o": other} if needs or other else {}
    if signup.compensation is not None:
        answers["m"] = signup.compensation
    if signup.pool_languages and signup.consents.get("contact"):
        answers["l"] = list(signup.pool_languages)
    return answers


def apply_confirmed_answers(participant, outcome: registration.Outcome, consents: dict[str, bool],
                            answers: dict) -> None:
    """A known person confirmed their sign-up from their email: they own the address, so their answers count."""
    if isinstance(answers.get("m"), bool):
        partners.set_choice(participant, answers["m"])
    if consents.get("contact"):
        pool.join(participant, [str(code) for code in answers.get("l") or []])
    if outcome.created:
        accommodations.record(outcome.registration, [str(need) for need in answers.get("a") or []],
                              str(answers.get("o") or ""))


# -- personal links ----------------------------------------------------------------------------

def registration_token(item: Registration) -> str:
    return registration_token_for(item.id, item.participant.link_version)


def registration_token_for(registration_id: int, link_version: int) -> str:
    return tokens.make_token(TOKEN_PURPOSE, registration_id, link_version)


def registration_from_token(token: str) -> Registration:
    """The registration a personal link names, or LinkError ("expired" or "invalid").

    A forged link, one revoked by a newer link_version and one naming a deleted registration
    all fail the same way, so nobody learns which registrations exist.
    """
    registration_id, version = tokens.read_token(TOKEN_PURPOSE, token)
    item = db.session.scalar(
        select(Registration).where(Registration.id == registration_id)
        .options(selectinload(Registration.participant), selectinload(Registration.forum))
    )
    if item is None or item.participant.link_version != version or not item.forum.consultation.is_public:
        raise tokens.LinkError("invalid")
    return item


def _follow_tracks(participant_id: int) -> None:
    """Their comments move with them when the track of their latest registration changes.
    Imported here: the analysis package imports the areas it derives comments from."""
    from ..channels.derive import follow_tracks

    follow_tracks([participant_id])


def can_change(item: Registration, now: datetime) -> bool:
    """Cancel or switch: only while the session is ahead and the registration still active."""
    return item.status in ACTIVE and not item.forum.is_cancelled and item.forum.starts_at > now


def _lock(item: Registration) -> None:
    """Hold the registration's row (PostgreSQL) or the write lock (SQLite), then re-read it.

    Two cancellations of the same registration (a double click, two tabs) would otherwise
    both see it active and both give its seat back. After this, the second one waits for
    the first to commit and then sees it cancelled.
    """
    db.session.execute(update(Registration).where(Registration.id == item.id)
                       .values(status=Registration.status).execution_options(synchronize_session=False))
    db.session.refresh(item)


def cancel(item: Registration) -> registration.Outcome:
    """Cancel (harmless when already cancelled); whoever gets the freed seat is told."""
    _lock(item)
    if item.status not in ACTIVE:
        return registration.Outcome(item)
    outcome = registration.cancel(item)
    _follow_tracks(item.participant_id)
    notifications.registration_cancelled(item)
    for promoted in outcome.promoted:
        notifications.registration_promoted(promoted)
    return outcome


def switch_options(item: Registration, now: datetime) -> list[Forum]:
    """The other upcoming sessions of the same consultation someone may move to."""
    if not signups_open(item.forum.consultation, now):
        return []
    return [forum for forum in upcoming_forums(item.forum.consultation, now)
            if forum.id != item.forum_id and access.may_sign_up(forum, item.participant.email)]


def switch(item: Registration, target: Forum) -> registration.Outcome | None:
    """Move to another session; None when the registration was no longer active."""
    _lock(item)
    if item.status not in ACTIVE:
        return None
    if target.recorded and not item.participant.current_consent("recording"):
        raise registration.RegistrationError("recording_consent_needed")
    outcome = registration.switch(item, target)
    _follow_tracks(item.participant_id)
    # The old session's invitation is withdrawn from their calendar too.
    notifications.registration_cancelled(item)
    if outcome.created:
        notifications.registration_confirmed(outcome.registration)
    for promoted in outcome.promoted:
        notifications.registration_promoted(promoted)
    return outcome
