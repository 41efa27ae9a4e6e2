"""Seats and waitlists. Every rule that could overbook lives here, behind atomic updates.

A seat is taken by `UPDATE forum SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity`:
the database serialises those updates, so concurrent sign-ups can never exceed capacity,
on SQLite (one writer at a time) and on PostgreSQL (row lock, condition re-checked).
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Forum, Participant, Registration
from ..models.base import utcnow
from ..models.forum import ACTIVE, SEATED


class RegistrationError(Exception):
    """A rule refused the change; `code` says which, for a translated message."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


@dataclass
class Outcome:
    registration: Registration
    created: bool = False  # False when the same sign-up had already been made
    promoted: list[Registration] = field(default_factory=list)
    # The registration says "confirmed" but its seat is still to be taken (register(seat_last=True)):
    # claim_seat takes it, or turns the registration into a waitlist place.
    seat_pending: bool = False


# The statements of every sign-up, built once (building and keying them costs more than running them).
_TAKE_SEAT = (update(Forum)
              .where(Forum.id == bindparam("forum_id"), Forum.status == "scheduled", Forum.seats_taken < Forum.capacity)
              .values(seats_taken=Forum.seats_taken + 1)
              .execution_options(synchronize_session=False))
_REGISTRATION_OF = select(Registration).where(Registration.forum_id == bindparam("forum_id"),
                                              Registration.participant_id == bindparam("participant_id"))


def _take_seat(forum_id: int) -> bool:
    return db.session.execute(_TAKE_SEAT, {"forum_id": forum_id}).rowcount == 1


def _release_seat(forum_id: int) -> None:
    db.session.execute(
        update(Forum).where(Forum.id == forum_id, Forum.seats_taken > 0)
        .values(seats_taken=Forum.seats_taken - 1).execution_options(synchronize_session=False)
    )


def _find(forum_id: int, participant_id: int) -> Registration | None:
    return db.session.scalar(_REGISTRATION_OF, {"forum_id": forum_id, "participant_id": participant_id})


def is_registered(forum: Forum, participant: Participant) -> bool:
    """Whether the participant holds a seat or a waitlist place at the forum."""
    existing = _find(forum.id, participant.id)
    return existing is not None and existing.status != "cancelled"


def register(forum: Forum, participant: Participant, *, accept_waitlist: bool = True,
             walk_in: bool = False, replacing: Registration | None = None, new_participant: bool = False,
             seat_last: bool = False) -> Outcome:
    """Confirm a seat if one is free, else waitlist. Registering twice changes nothing.

    `new_participant`: the participant's row was made in this transaction, so no registration of
    theirs can exist yet (none is looked for).

    `seat_last` (with `new_participant`): when the forum as loaded has a seat left, the registration is
    written as confirmed and the seat is taken by claim_seat, which the caller runs as the transaction's
    last statement. On PostgreSQL the seat's update locks the forum's row until COMMIT, and every other
    sign-up for a seat waits on that lock: taken last, it is held for one round trip instead of one per
    statement that follows (the registration, its email, the rest of the sign-up)."""
    if forum.is_cancelled:
        raise RegistrationError("forum_cancelled")
    existing = None if new_participant else _find(forum.id, participant.id)
    if existing is not None and existing.status != "cancelled":
        return Outcome(existing, created=False)
    looks_for_interview = forum.kind == "interview" and not new_participant
    other_interview = _other_interview(forum, participant) if looks_for_interview else None
    if other_interview is not None and other_interview is not replacing:
        raise RegistrationError("one_interview")
    now = utcnow()
    # A forum that looked full is asked now: a seat freed since is taken (the update locks no row
    # when none is free).
    seat_pending = seat_last and new_participant and forum.seats_taken < forum.capacity and not forum.is_cancelled
    seated = True if seat_pending else _take_seat(forum.id)
    if not seated and not accept_waitlist:
        raise RegistrationError("forum_full")
    registration = existing or Registration(forum_id=forum.id, participant_id=participant.id)
    registration.status = "confirmed" if seated else "waitlisted"
    registration.walk_in = walk_in
    registration.confirmed_at = now if seated else None
    registration.waitlisted_at = None if seated else now
    registration.cancelled_at = None
    registration.prereading_sent_at = None
    registration.reminder_sent_at = None
    if new_participant:
        # Nobody else can have registered a participant made by this transaction: no savepoint to fall
        # back to (two statements fewer while the database's write lock is held).
        db.session.add(registration)
        db.session.flush()
        if not seat_pending:
            _seats_changed(forum)
        return Outcome(registration, created=True, seat_pending=seat_pending)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # A double submit raced us and won: give back the seat and return its registration.
        if seated:
            _release_seat(forum.id)
        winner = _find(forum.id, participant.id)
        _seats_changed(forum)
        return Outcome(winner, created=False)
    _seats_changed(forum)
    return Outcome(registration, created=True)


def claim_seat(forum: Forum, outcome: Outcome) -> bool:
    """Take the seat register(seat_last=True) left to take: True when taken (or none was pending). When
    the last seat went to someone else in the meantime, the registration becomes a place on the
    waitlist, and False tells the caller to send that news instead of a seat's. Everything the session
    holds is written first, so that the seat's update is the last statement before COMMIT."""
    if not outcome.seat_pending:
        return True
    outcome.seat_pending = False
    db.session.flush()
    seated = _take_seat(forum.id)
    _seats_changed(forum)
    if seated:
        return True
    registration = outcome.registration
    registration.status = "waitlisted"
    registration.waitlisted_at = registration.confirmed_at or utcnow()
    registration.confirmed_at = None
    return False


def _seats_changed(forum: Forum) -> None:
    """The seat count moved in the database only: read it again when next used (most sign-ups never do)."""
    db.session.expire(forum, ["seats_taken", "updated_at"])


def _other_interview(forum: Forum, participant: Participant) -> Registration | None:
    """An active booking of another interview slot: one interview per person is enough."""
    return db.session.scalar(
        select(Registration).join(Forum).where(
            Registration.participant_id == participant.id, Registration.forum_id != forum.id,
            Registration.status.in_(ACTIVE), Forum.kind == "interview",
            Forum.consultation_id == forum.consultation_id, Forum.status == "scheduled",
        ).limit(1)
    )


def cancel(registration: Registration) -> Outcome:
    """Cancel; a freed seat goes to the first person on the waitlist."""
    previous = registration.status
    if previous == "cancelled":
        return Outcome(registration)
    db.session.flush()
    # Conditional, so two simultaneous cancellations give the seat back only once.
    claimed = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status == previous)
        .values(status="cancelled", cancelled_at=utcnow(), waitlisted_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.refresh(registration)
    if not claimed:
        return Outcome(registration)
    held_seat = previous in SEATED and not registration.beyond_capacity
    promoted = []
    if held_seat:
        _release_seat(registration.forum_id)
        promoted = promote_waitlist(registration.forum)
    db.session.refresh(registration.forum)
    return Outcome(registration, promoted=promoted)


def waitlist(forum: Forum) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.forum_id == forum.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlisted_at, Registration.id)
    ))


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line, in the order of `waitlist` (every waitlisted registration has its
    waitlisted_at: `register` sets both together). Counted, as a waitlist can be long."""
    if registration.status != "waitlisted":
        return None
    mine = registration.waitlisted_at
    ahead = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.forum_id == registration.forum_id, Registration.status == "waitlisted",
        or_(Registration.waitlisted_at < mine,
            and_(Registration.waitlisted_at == mine, Registration.id < registration.id))))
    return ahead + 1


def promote_waitlist(forum: Forum) -> list[Registration]:
    """Give free seats to waitlisted people in order; returns those promoted (to be told)."""
    promoted = []
    for candidate in waitlist(forum):
        if not _take_seat(forum.id):
            break
        # Only one concurrent promotion may claim this person.
        claimed = db.session.execute(
            update(Registration).where(Registration.id == candidate.id, Registration.status == "waitlisted")
            .values(status="confirmed", confirmed_at=utcnow(), waitlisted_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if not claimed:
            _release_seat(forum.id)
            continue
        db.session.refresh(candidate)
        promoted.append(candidate)
    db.session.refresh(forum)
    return promoted


def set_capacity(forum: Forum, capacity: int) -> list[Registration]:
    """Change the number of seats; never below those already given. Returns people promoted."""
    if capacity < 1:
        raise RegistrationError("capacity_too_small", minimum=1)
    changed = db.session.execute(
        update(Forum).where(Forum.id == forum.id, Forum.seats_taken <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.refresh(forum)
    if not changed:
        raise RegistrationError("capacity_below_confirmed", confirmed=forum.seats_taken)
    return promote_waitlist(forum)


def switch(registration: Registration, target: Forum) -> Outcome:
    """Move a registration to another forum of the same consultation (seat or waitlist there)."""
    if target.id == registration.forum_id:
        return Outcome(registration)
    if target.consultation_id != registration.forum.consultation_id:
        raise RegistrationError("other_consultation")
    participant = registration.participant
    already = _find(target.id, participant.id)
    if already is not None and already.status != "cancelled":
        # Moving onto a registration that exists would merge two; and a link to one must not
        # lead to the other.
        raise RegistrationError("already_registered_there")
    outcome = register(target, participant, replacing=registration)
    freed = cancel(registration)
    outcome.promoted = freed.promoted
    return outcome


def mark_attendance(registration: Registration, attended: bool | None) -> None:
    """Present (True), absent (False), or not marked after all (None: back to a confirmed seat)."""
    if registration.status not in SEATED:
        raise RegistrationError("not_seated")
    if attended is None and registration.walk_in:
        # A walk-in added by mistake is taken off the roster; the seat they took, if any, is free again.
        registration.status, registration.cancelled_at = "cancelled", utcnow()
        registration.attendance_marked_at = None
        if not registration.beyond_capacity:
            _release_seat(registration.forum_id)
        registration.beyond_capacity = False
    elif attended is None:
        registration.status, registration.attendance_marked_at = "confirmed", None
    else:
        registration.status = "attended" if attended else "no_show"
        registration.attendance_marked_at = utcnow()
    db.session.flush()


def add_walk_in(forum: Forum, participant: Participant) -> Registration:
    """Someone who came without a seat: recorded as attended, even beyond capacity."""
    existing = _find(forum.id, participant.id)
    if existing is not None and existing.status in SEATED:
        mark_attendance(existing, True)
        return existing
    if existing is not None and existing.status == "waitlisted":
        existing.status = "cancelled"
        db.session.flush()
    # A free seat if there is one; else present beyond capacity, which the session keeps as the organizer set it.
    beyond = not _take_seat(forum.id)
    registration = existing or Registration(forum_id=forum.id, participant_id=participant.id)
    registration.status = "attended"
    registration.walk_in = True
    registration.beyond_capacity = beyond
    registration.confirmed_at = registration.attendance_marked_at = utcnow()
    db.session.add(registration)
    db.session.flush()
    db.session.refresh(forum)
    return registration
