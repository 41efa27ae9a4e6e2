"""Comments derived from what people said: every long-text answer of a submitted questionnaire
response (one per orientation and prompt), every excerpt of a written submission and every forum
or interview note becomes exactly one Comment, kept in step with its origin.

- Channel: questionnaire, submission, or the note's forum kind (forum / interview).
- Topic: the question's, the excerpt's or the note's. `topic_confirmed` is True when a person put
  it on an orientation (an orientation question, an excerpt or a note on an orientation); a
  general question, a section, an axis or no topic leave it to be confirmed.
- Participant: the respondent or the submission's author; none for notes.
- Track: the note's forum's; for answers and excerpts, the track of the forum of the participant's
  latest seated or waitlisted registration, else none.
- Language: read from the text (analysis/language.py); for a text too short to tell, the excerpt's
  or the note's, for answers the participant's preferred language, when the consultation is held in
  it. A language an analyst corrected is kept while the text stays the same.
- Date: when the response was submitted, the submission sent, the forum held.

When the text changes, the comment's text and search text follow, its `revision` grows and, if it
was coded, it is marked `needs_review` (its codes stay). When an answer is emptied, its comment is
deleted; when an answer, an excerpt or a note is deleted, the database deletes the comment (the
foreign keys cascade, on SQLite and PostgreSQL alike).

Placement rule. A comment follows its origin's topic unless an analyst placed it. A comment
counts as placed by an analyst when it is confirmed (`topic_confirmed`) on a topic other than the
one its origin had before the change: then the analyst's placement is kept, whatever the origin
now says. A comment still where its origin put it, or never confirmed, moves with its origin.
When the origin's former topic is not known (a backfill, an answer: questions never change topic),
a confirmed comment on another topic than its origin's is taken as placed by an analyst.

Everything is done in a few queries per call whatever the number of answers; the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from ..analysis.language import language_of
from ..analysis.text import search_form
from ..extensions import db
from ..models import Coding, Comment, Consultation, Forum, Registration, Topic
from ..models.forum import SEATED

# Registrations that tie a participant to a track.
TRACK_STATUSES = (*SEATED, "waitlisted")
BATCH = 200


class _Unknown:
    def __repr__(self):
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass
class Derived:
    """What a comment should hold, as its origin says."""

    channel: str
    text: str
    prompt: str
    topic_id: int | None
    topic_confirmed: bool
    participant_id: int | None
    track_id: int | None
    forum_id: int | None
    language: str
    source_date: datetime
    # The origin's topic before the change being synced, or UNKNOWN.
    previous_topic_id: object = UNKNOWN


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, other: "Tally") -> None:
        for name in ("created", "updated", "unchanged", "deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "deleted": self.deleted}


def is_orientation(kind: str | None) -> bool:
    return kind == "orientation"


def topic_kinds(topic_ids) -> dict[int, str]:
    ids = {topic_id for topic_id in topic_ids if topic_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Topic.id, Topic.kind).where(Topic.id.in_(ids))).all())


def participant_tracks(participant_ids) -> dict[int, int | None]:
    """{participant id: track id of the forum of their latest seated or waitlisted registration}."""
    ids = {participant_id for participant_id in participant_ids if participant_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.participant_id, Forum.track_id).join(Forum, Registration.forum_id == Forum.id)
        .where(Registration.participant_id.in_(ids), Registration.status.in_(TRACK_STATUSES))
        .order_by(Registration.participant_id, Registration.created_at, Registration.id)
    ).all()
    return {participant_id: track_id for participant_id, track_id in rows}  # the latest wins


# The channels whose comments take their author's track (forum notes take their forum's).
PARTICIPANT_TRACK_CHANNELS = ("questionnaire", "submission")


def follow_tracks(participant_ids) -> int:
    """After registrations changed (a move to another session, a cancellation, a new one): each participant's
    comments take the track of their latest registration, as a new derivation would give them. Returns how
    many comments changed track."""
    ids = {participant_id for participant_id in participant_ids if participant_id is not None}
    tracks = participant_tracks(ids)
    changed = 0
    for participant_id in ids:
        track_id = tracks.get(participant_id)
        changed += db.session.execute(
            update(Comment).where(Comment.participant_id == participant_id,
                                  Comment.channel.in_(PARTICIPANT_TRACK_CHANNELS),
                                  Comment.track_id.is_distinct_from(track_id))
            .values(track_id=track_id).execution_options(synchronize_session=False)).rowcount
    return changed


def _coded(comment_ids) -> set[int]:
    ids = list(comment_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Coding.comment_id).where(Coding.comment_id.in_(ids)).distinct()))


def _place(comment: Comment, derived: Derived) -> bool:
    """Apply the placement rule (module docstring); True if the topic changed."""
    if comment.topic_id == derived.topic_id:
        confirmed = comment.topic_confirmed or derived.topic_confirmed
        changed = confirmed != comment.topic_confirmed
        comment.topic_confirmed = confirmed
        return changed
    where_origin_was = derived.previous_topic_id is not UNKNOWN and comment.topic_id == derived.previous_topic_id
    if comment.topic_confirmed and not where_origin_was:
        return False  # an analyst placed it
    comment.topic_id = derived.topic_id
    comment.topic_confirmed = derived.topic_confirmed
    return True


def apply(pairs: list[tuple[Comment | None, Derived, dict]], consultation_id: int) -> Tally:
    """Create or update one comment per (existing comment or None, derived values, origin key)."""
    tally = Tally()
    held = (db.session.scalar(select(Consultation.languages).where(Consultation.id == consultation_id))
            or "fr,en").split(",")
    text_changed = [comment for comment, derived, _ in pairs
                    if comment is not None and comment.text != derived.text]
    coded = _coded(comment.id for comment in text_changed)
    for comment, derived, origin in pairs:
        if comment is not None and comment.text == derived.text and comment.language_source != "person":
            derived.language, language_source = comment.language, comment.language_source  # known already
        else:
            derived.language, language_source = language_of(derived.text, derived.language, held)
        if comment is None:
            db.session.add(Comment(language_source=language_source,
                consultation_id=consultation_id, channel=derived.channel, prompt=derived.prompt,
                topic_id=derived.topic_id, topic_confirmed=derived.topic_confirmed,
                participant_id=derived.participant_id, track_id=derived.track_id, forum_id=derived.forum_id,
                language=derived.language, text=derived.text, search_text=search_form(derived.text),
                source_date=derived.source_date, **origin))
            tally.created += 1
            continue
        changed = False
        if comment.language_source != language_source:
            comment.language_source = language_source
            changed = True
        for name in ("channel", "prompt", "participant_id", "track_id", "forum_id", "language", "source_date"):
            if getattr(comment, name) != getattr(derived, name):
                setattr(comment, name, getattr(derived, name))
                changed = True
        revised = _place(comment, derived)
        if comment.text != derived.text:
            comment.text = derived.text
            comment.search_text = search_form(derived.text)
            if comment.id in coded:
                comment.needs_review = True
            revised = True
        if revised:
            comment.revision += 1
        if changed or revised:
            tally.updated += 1
        else:
            tally.unchanged += 1
    return tally


def delete_comments(comment_ids: list[int]) -> int:
    if not comment_ids:
        return 0
    db.session.execute(delete(Comment).where(Comment.id.in_(comment_ids)))
    return len(comment_ids)


def in_batches(statement):
    """The rows of `statement` (ordered by id), BATCH at a time, so that memory stays flat."""
    last_id = 0
    entity = statement.column_descriptions[0]["entity"]
    while True:
        batch = db.session.scalars(statement.where(entity.id > last_id).order_by(entity.id).limit(BATCH)).all()
        if not batch:
            return
        yield batch
        last_id = batch[-1].id
