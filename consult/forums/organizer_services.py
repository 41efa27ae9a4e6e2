"""The organizers' work on forums and interviews. Every function flushes; the caller commits.

Seats are never counted or changed here: consult.forums.registration owns that, behind
atomic updates. Every change made by staff is recorded as an AuditEvent.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import uploads
from ..audit import record as audit
from ..channels.notes import sync_note
from ..channels.passages import apply_changes
from ..extensions import db
from ..lookups import get_owned_or_404
from ..models import Consultation, Forum, ForumNote, Participant, Registration, Topic
from ..models.forum import ACTIVE
from ..participants.services import Profile, find_or_create_participant
from ..partners import services as compensation
from ..tree import load_tree, topic_options
from . import notifications
from . import registration as seats
from .registration import RegistrationError

PER_PAGE = 50
UPLOAD_KIND = "prereading"
TEXT_FIELDS = ("title_fr", "title_en", "description_fr", "description_en", "meeting_link",
               "recording_notice_fr", "recording_notice_en")




# -- reading --------------------------------------------------------------------------------

def get_forum(consultation: Consultation, forum_id: int) -> Forum:
    return get_owned_or_404(Forum, forum_id, consultation_id=consultation.id)


def get_registration(forum: Forum, registration_id: int) -> Registration:
    return get_owned_or_404(Registration, registration_id, forum_id=forum.id)


def get_note(forum: Forum, note_id: int) -> ForumNote:
    return get_owned_or_404(ForumNote, note_id, forum_id=forum.id)


@dataclass
class ForumCounts:
    seated: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    attended: int = 0
    cancelled: int = 0


@dataclass
class ForumListing:
    forums: list[Forum]
    counts: dict[int, ForumCounts]
    page: int
    pages: int
    total: int


def parse_track_filter(raw: str | None, consultation: Consultation):
    """"" (all), "none" (forums without a track) or the id of one of the consultation's tracks."""
    if raw == "none":
        return "none"
    if raw and raw.isdigit() and any(track.id == int(raw) for track in consultation.tracks):
        return int(raw)
    return None


def list_forums(consultation: Consultation, track=None, page: int = 1) -> ForumListing:
    query = select(Forum).where(Forum.consultation_id == consultation.id)
    if track == "none":
        query = query.where(Forum.track_id.is_(None))
    elif track is not None:
        query = query.where(Forum.track_id == track)
    query = query.options(selectinload(Forum.track)).order_by(Forum.starts_at, Forum.id)
    pagination = db.paginate(query, page=max(page, 1), per_page=PER_PAGE, error_out=False, count=True)
    forums = list(pagination.items)
    return ForumListing(forums=forums, counts=registration_counts([forum.id for forum in forums]),
                        page=pagination.page, pages=max(pagination.pages, 1), total=pagination.total or 0)


def registration_counts(forum_ids: list[int]) -> dict[int, ForumCounts]:
    counts = {forum_id: ForumCounts() for forum_id in forum_ids}
    if not forum_ids:
        return counts
    for forum_id, status, number in db.session.execute(
        select(Registration.forum_id, Registration.status, func.count())
        .where(Registration.forum_id.in_(forum_ids)).group_by(Registration.forum_id, Registration.status)
    ):
        entry = counts[forum_id]
        if status in seats.SEATED:
            entry.seated += number
        if status == "confirmed":
            entry.confirmed += number
        elif status == "attended":
            entry.attended += number
        elif status == "waitlisted":
            entry.waitlisted += number
        elif status == "cancelled":
            entry.cancelled += number
    return counts


# -- creating and editing -------------------------------------------------------------------

def _apply(forum: Forum, values: dict, topics_by_id: dict[int, Topic]) -> dict:
    """Copy the form's values onto the forum; returns what changed, for the audit trail."""
    changes = {}

    def put(name, value):
        old = getattr(forum, name)
        if old != value:
            changes[name] = {"from": _plain(old), "to": _plain(value)}
            setattr(forum, name, value)

    for name in TEXT_FIELDS:
        if name in values:
            put(name, (values.get(name) or "").strip())
    for name in ("kind", "language", "duration_minutes", "prereading_kind", "track_id", "starts_at"):
        if name in values:
            put(name, values[name])
    if "recorded" in values:
        put("recorded", bool(values["recorded"]))
    if "topic_ids" in values:
        wanted = [topics_by_id[topic_id] for topic_id in values["topic_ids"] if topic_id in topics_by_id]
        if {topic.id for topic in forum.topics} != {topic.id for topic in wanted}:
            changes["topics"] = {"from": sorted(topic.code for topic in forum.topics),
                                 "to": sorted(topic.code for topic in wanted)}
            forum.topics = wanted
    return changes


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _topics_by_id(consultation: Consultation) -> dict[int, Topic]:
    return {topic.id: topic for topic in db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id))}


def _track_of(consultation: Consultation, track_id):
    return track_id if any(track.id == track_id for track in consultation.tracks) else None


def create_forum(consultation: Consultation, values: dict, checked_file: uploads.CheckedFile | None,
                 actor_id: int | None) -> Forum:
    forum = Forum(consultation_id=consultation.id, capacity=values["capacity"], seats_taken=0)
    values = {**values, "track_id": _track_of(consultation, values.get("track_id"))}
    _apply(forum, values, _topics_by_id(consultation))
    _set_prereading(forum, values["prereading_kind"], checked_file)
    db.session.add(forum)
    db.session.flush()
    audit(actor_id, "forum.create", "forum", forum.id, consultation.id, kind=forum.kind,
          starts_at=forum.starts_at.isoformat(), capacity=forum.capacity,
          title=forum.title_fr or forum.title_en)
    db.session.flush()
    return forum


@dataclass
class ForumUpdate:
    forum: Forum
    changes: dict = field(default_factory=dict)
    promoted: list[Registration] = field(default_factory=list)


def update_forum(forum: Forum, values: dict, checked_file: uploads.CheckedFile | None,
                 actor_id: int | None) -> ForumUpdate:
    """Save an edit. Raises RegistrationError("capacity_below_confirmed", confirmed=N) when fewer
    seats than people already seated are asked for (checked atomically), "forum_cancelled" for a
    cancelled forum. People promoted by a capacity increase are told by email."""
    if forum.is_cancelled:
        raise RegistrationError("forum_cancelled")
    consultation = forum.consultation
    if values.get("recorded") and not forum.recorded:
        # People signed up to an unrecorded session; recording them needs their consent first.
        unconsented = [r for r in forum.registrations if r.status in ACTIVE
                       and not r.participant.current_consent("recording")]
        if unconsented:
            raise RegistrationError("recording_without_consent", count=len(unconsented))
    update = ForumUpdate(forum)
    old_capacity = forum.capacity
    if values["capacity"] != old_capacity:
        # First, so that a refusal leaves everything else untouched.
        update.promoted = seats.set_capacity(forum, values["capacity"])
        update.changes["capacity"] = {"from": old_capacity, "to": forum.capacity}
    values = {**values, "track_id": _track_of(consultation, values.get("track_id"))}
    update.changes.update(_apply(forum, values, _topics_by_id(consultation)))
    old_file = forum.prereading_file
    file_change = _set_prereading(forum, values["prereading_kind"], checked_file)
    if file_change:
        update.changes["prereading_file"] = file_change
        if old_file and forum.prereading_file != old_file:
            uploads.delete_after_commit(old_file, UPLOAD_KIND)
    for registration in update.promoted:
        notifications.registration_promoted(registration)
    if "starts_at" in update.changes or "duration_minutes" in update.changes:
        _tell_of_new_time(forum)
    if update.changes:
        audit(actor_id, "forum.edit", "forum", forum.id, forum.consultation_id, changes=update.changes,
              promoted=[registration.id for registration in update.promoted])
    db.session.flush()
    return update


def _tell_of_new_time(forum: Forum) -> None:
    """Everyone still expected hears of the new time; pre-reading and reminder go out again."""
    for registration in forum.registrations:
        if registration.status in ACTIVE:
            registration.prereading_sent_at = None
            registration.reminder_sent_at = None
            notifications.forum_rescheduled(registration)


def _set_prereading(forum: Forum, kind: str, checked_file: uploads.CheckedFile | None) -> dict | None:
    if forum.prereading_kind != kind:
        forum.prereading_kind = kind
    if kind == "file" and checked_file is not None:
        old = forum.prereading_filename
        forum.prereading_file = uploads.store(checked_file, UPLOAD_KIND)
        forum.prereading_filename = checked_file.filename
        forum.prereading_mimetype = checked_file.mimetype
        return {"from": old, "to": checked_file.filename, "bytes": len(checked_file.data),
                "type": checked_file.mimetype}
    if kind != "file" and forum.prereading_file:
        old = forum.prereading_filename
        forum.prereading_file = forum.prereading_filename = forum.prereading_mimetype = ""
        return {"from": old, "to": ""}
    return None


def create_interview_slots(consultation: Consultation, values: dict, actor_id: int | None) -> list[Forum]:
    """`count` one-seat interviews from `starts_at`, each `slot_minutes` long, `gap_minutes` apart."""
    topics_by_id = _topics_by_id(consultation)
    common = {
        "kind": "interview",
        "track_id": _track_of(consultation, values.get("track_id")),
        "title_fr": values.get("title_fr") or "",
        "title_en": values.get("title_en") or "",
        "language": values["language"],
        "meeting_link": values.get("meeting_link") or "",
        "duration_minutes": values["slot_minutes"],
        "topic_ids": values.get("topic_ids") or [],
        "prereading_kind": values["prereading_kind"],
    }
    step = timedelta(minutes=values["slot_minutes"] + values["gap_minutes"])
    forums = []
    for number in range(values["count"]):
        forum = Forum(consultation_id=consultation.id, capacity=1, seats_taken=0)
        _apply(forum, {**common, "starts_at": values["starts_at"] + number * step}, topics_by_id)
        db.session.add(forum)
        forums.append(forum)
    db.session.flush()
    audit(actor_id, "forum.create_interview_slots", "forum", forums[0].id, consultation.id,
          forum_ids=[forum.id for forum in forums], count=len(forums),
          first_start=values["starts_at"].isoformat(), slot_minutes=values["slot_minutes"],
          gap_minutes=values["gap_minutes"])
    db.session.flush()
    return forums


def cancel_forum(forum: Forum, reason: str, actor_id: int | None) -> list[Registration]:
    """Cancel a forum and tell everyone who holds a seat or waits for one. Registrations keep
    their status, as the record of who was expected. Cancelling twice does nothing."""
    if forum.is_cancelled:
        return []
    reason = (reason or "").strip()
    forum.status = "cancelled"
    forum.cancelled_reason = reason
    db.session.flush()
    told = list(db.session.scalars(
        select(Registration).where(Registration.forum_id == forum.id,
                                   Registration.status.in_(ACTIVE))
        .options(selectinload(Registration.participant)).order_by(Registration.id)
    ))
    notifications.forum_cancelled(forum, told, reason)
    audit(actor_id, "forum.cancel", "forum", forum.id, forum.consultation_id, reason=reason,
          notified=[registration.id for registration in told])
    db.session.flush()
    return told


# -- roster and attendance ------------------------------------------------------------------

@dataclass
class Roster:
    seated: list[Registration]
    waitlist: list[Registration]
    cancelled: list[Registration]

    @property
    def attended(self) -> int:
        return sum(1 for registration in self.seated if registration.status == "attended")

    @property
    def no_show(self) -> int:
        return sum(1 for registration in self.seated if registration.status == "no_show")


def load_roster(forum: Forum) -> Roster:
    registrations = db.session.scalars(
        select(Registration).where(Registration.forum_id == forum.id)
        .options(selectinload(Registration.participant).selectinload(Participant.category))
        .order_by(Registration.id)
    ).all()
    seated = sorted((r for r in registrations if r.status in seats.SEATED),
                    key=lambda r: ((r.participant.name or r.participant.email).casefold(), r.id))
    waiting = sorted((r for r in registrations if r.status == "waitlisted"),
                     key=lambda r: (r.waitlisted_at or r.created_at, r.id))
    cancelled = sorted((r for r in registrations if r.status == "cancelled"),
                       key=lambda r: (r.cancelled_at or r.created_at, r.id))
    return Roster(seated=seated, waitlist=waiting, cancelled=cancelled)


def attendance_open(forum: Forum, now: datetime) -> bool:
    """Attendance is taken once the session has started: marking someone present a week ahead would take
    away their meeting link and count them as having come."""
    return not forum.is_cancelled and forum.starts_at <= now


def mark_attendance(registration: Registration, attended: bool | None, actor_id: int | None,
                    now: datetime) -> None:
    """`attended` None undoes a mark (the seat is confirmed again); every change is audited."""
    forum = registration.forum
    if forum.is_cancelled:
        raise RegistrationError("forum_cancelled")
    if not attendance_open(forum, now):
        raise RegistrationError("attendance_not_open")
    before = registration.status
    seats.mark_attendance(registration, attended)
    audit(actor_id, "registration.attendance", "registration", registration.id, forum.consultation_id,
          forum_id=forum.id, **{"from": before, "to": registration.status})
    compensation.attendance_changed(registration, actor_id)
    db.session.flush()


def add_walk_in(forum: Forum, values: dict, actor_id: int | None, now: datetime) -> Registration:
    """Someone who came without a seat: found or created by email, recorded as attended."""
    if forum.is_cancelled:
        raise RegistrationError("forum_cancelled")
    if not attendance_open(forum, now):
        raise RegistrationError("attendance_not_open")
    consultation = forum.consultation
    category_id = values.get("category_id")
    if category_id is not None and not any(category.id == category_id for category in consultation.categories):
        category_id = None
    participant = find_or_create_participant(consultation, values["email"], Profile(
        name=values.get("name") or "", organisation=values.get("organisation") or "", category_id=category_id))
    registration = seats.add_walk_in(forum, participant)
    audit(actor_id, "registration.walk_in", "registration", registration.id, consultation.id,
          forum_id=forum.id, participant_id=participant.id)
    compensation.attendance_changed(registration, actor_id)
    db.session.flush()
    return registration


def record_roster_export(forum: Forum, actor_id: int | None, rows: int) -> None:
    audit(actor_id, "forum.roster_export", "forum", forum.id, forum.consultation_id, rows=rows)
    db.session.flush()


# -- notes ----------------------------------------------------------------------------------

def list_notes(forum: Forum) -> list[ForumNote]:
    notes = db.session.scalars(
        select(ForumNote).where(ForumNote.forum_id == forum.id)
        .options(selectinload(ForumNote.topic), selectinload(ForumNote.author))
    ).all()
    # General notes first, then in the order of the policy tree, oldest first within a topic.
    order = {topic.id: index for index, (topic, _depth) in enumerate(topic_options(forum.consultation))}
    return sorted(notes, key=lambda note: (note.topic_id is not None, order.get(note.topic_id, 0),
                                           note.created_at, note.id))


def _note_topic(forum: Forum, topic_id):
    if topic_id is None:
        return None
    topic = db.session.get(Topic, topic_id)
    return topic.id if topic is not None and topic.consultation_id == forum.consultation_id else None


def create_note(forum: Forum, values: dict, actor_id: int | None) -> ForumNote:
    note = ForumNote(forum_id=forum.id, topic_id=_note_topic(forum, values.get("topic_id")),
                     author_id=actor_id, language=values["language"], body=values["body"].strip())
    db.session.add(note)
    db.session.flush()
    audit(actor_id, "forum_note.create", "forum_note", note.id, forum.consultation_id, forum_id=forum.id,
          topic_id=note.topic_id)
    db.session.flush()
    # Analysis: the note becomes a comment (imported here: analysis imports this package).
    sync_note(note)
    return note


def update_note(note: ForumNote, values: dict, actor_id: int | None) -> bool:
    previous_topic_id = note.topic_id  # analysis: its comment follows unless an analyst moved it
    changes = {name: {"from": before, "to": after} for name, (before, after) in apply_changes(note, {
        "topic_id": _note_topic(note.forum, values.get("topic_id")), "language": values["language"],
        "body": values["body"].strip()}).items()}
    if changes:
        audit(actor_id, "forum_note.edit", "forum_note", note.id, note.forum.consultation_id,
              forum_id=note.forum_id, changes=changes)
    db.session.flush()
    # Analysis: the note's comment follows the change.
    sync_note(note, previous_topic_id)
    return bool(changes)


def delete_note(note: ForumNote, actor_id: int | None) -> None:
    audit(actor_id, "forum_note.delete", "forum_note", note.id, note.forum.consultation_id,
          forum_id=note.forum_id, topic_id=note.topic_id, language=note.language, body=note.body)
    db.session.delete(note)
    db.session.flush()


# -- pre-reading ----------------------------------------------------------------------------

@dataclass
class DossierPart:
    """A topic the dossier presents, with the orientations it shows under it."""

    topic: Topic
    children: list[Topic]


def dossier_parts(forum: Forum) -> list[DossierPart]:
    """The forum's topics in the order of the policy: an axis chosen alone brings its
    orientations; an orientation chosen alone appears under its axis."""
    chosen = {topic.id for topic in forum.topics}
    parts: list[DossierPart] = []
    for root in load_tree(forum.consultation).roots:
        children = [child for child in root.children if child.id in chosen]
        if root.id in chosen and not children:
            children = list(root.children)
        if root.id in chosen or children:
            parts.append(DossierPart(root, children))
    return parts


def prereading_path(forum: Forum):
    if forum.is_cancelled or forum.prereading_kind != "file":
        return None
    return uploads.path_of(forum.prereading_file, UPLOAD_KIND)
