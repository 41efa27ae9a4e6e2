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
  it. A language an analyst corrected is kept.
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

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import (
    Answer,
    AnswerVersion,
    Coding,
    Comment,
    Consultation,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    Question,
    Questionnaire,
    Registration,
    Response,
    Submission,
    Topic,
)
from ..models.forum import SEATED
from .language import language_of
from .text import search_form

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


# -- what every origin shares ---------------------------------------------------------------

def _is_orientation(kind: str | None) -> bool:
    return kind == "orientation"


def _topic_kinds(topic_ids) -> dict[int, str]:
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


def _apply(pairs: list[tuple[Comment | None, Derived, dict]], consultation_id: int) -> Tally:
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


def _delete(comment_ids: list[int]) -> int:
    if not comment_ids:
        return 0
    db.session.execute(delete(Comment).where(Comment.id.in_(comment_ids)))
    return len(comment_ids)


# -- questionnaire answers ------------------------------------------------------------------

def _submitted_texts(response_ids) -> dict[int, str]:
    """The text of each answer as last submitted (a change typed since is not submitted yet)."""
    latest = select(func.max(AnswerVersion.id)).join(Answer, AnswerVersion.answer_id == Answer.id) \
        .where(Answer.response_id.in_(response_ids)).group_by(AnswerVersion.answer_id)
    return dict(db.session.execute(
        select(AnswerVersion.answer_id, AnswerVersion.value).where(AnswerVersion.id.in_(latest))).all())


def _sync_responses(responses: list[Response]) -> Tally:
    responses = [response for response in responses if response.status == "submitted"]
    if not responses:
        return Tally()
    by_id = {response.id: response for response in responses}
    rows = db.session.execute(
        select(Answer.id, Answer.response_id, Answer.value, Question.kind, Question.prompt, Question.topic_id,
               Topic.kind)
        .join(Question, Answer.question_id == Question.id)
        .outerjoin(Topic, Question.topic_id == Topic.id)
        .where(Answer.response_id.in_(by_id))
    ).all()
    existing = {comment.answer_id: comment for comment in db.session.scalars(
        select(Comment).join(Answer, Comment.answer_id == Answer.id).where(Answer.response_id.in_(by_id)))}
    submitted = _submitted_texts(list(by_id))
    participant_ids = {response.participant_id for response in responses}
    languages = dict(db.session.execute(
        select(Participant.id, Participant.preferred_language).where(Participant.id.in_(participant_ids))).all())
    tracks = participant_tracks(participant_ids)
    questionnaires = dict(db.session.execute(
        select(Questionnaire.id, Questionnaire.consultation_id)
        .where(Questionnaire.id.in_({response.questionnaire_id for response in responses}))).all())
    pairs, to_delete = {}, []
    for answer_id, response_id, value, kind, prompt, topic_id, topic_kind in rows:
        text = (submitted.get(answer_id, value) or "").strip()
        comment = existing.get(answer_id)
        if kind != "long_text" or not text:
            if comment is not None:
                to_delete.append(comment.id)
            continue
        response = by_id[response_id]
        derived = Derived(
            channel="questionnaire", text=text, prompt=prompt or "", topic_id=topic_id,
            topic_confirmed=_is_orientation(topic_kind), participant_id=response.participant_id,
            track_id=tracks.get(response.participant_id), forum_id=None,
            language=languages.get(response.participant_id) or "fr",
            source_date=response.submitted_at or response.updated_at)
        consultation_id = questionnaires[response.questionnaire_id]
        pairs.setdefault(consultation_id, []).append((comment, derived, {"answer_id": answer_id}))
    tally = Tally(deleted=_delete(to_delete))
    for consultation_id, items in pairs.items():
        tally.add(_apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_response(response: Response) -> Tally:
    """After a response is submitted: one comment per non-empty long-text answer."""
    return _sync_responses([response])


# -- submission excerpts --------------------------------------------------------------------

def _sync_excerpts(excerpts: list[Excerpt], previous: dict[int, object] | None = None) -> Tally:
    if not excerpts:
        return Tally()
    previous = previous or {}
    existing = {comment.excerpt_id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.excerpt_id.in_([excerpt.id for excerpt in excerpts])))}
    submissions = {submission.id: submission for submission in db.session.scalars(
        select(Submission).where(Submission.id.in_({excerpt.submission_id for excerpt in excerpts})))}
    kinds = _topic_kinds(excerpt.topic_id for excerpt in excerpts)
    tracks = participant_tracks(submission.participant_id for submission in submissions.values())
    pairs = {}
    tally = Tally()
    for excerpt in excerpts:
        submission = submissions[excerpt.submission_id]
        text = (excerpt.text or "").strip()
        comment = existing.get(excerpt.id)
        if not text:
            tally.deleted += _delete([comment.id] if comment is not None else [])
            continue
        derived = Derived(
            channel="submission", text=text, prompt="", topic_id=excerpt.topic_id,
            topic_confirmed=_is_orientation(kinds.get(excerpt.topic_id)), participant_id=submission.participant_id,
            track_id=tracks.get(submission.participant_id), forum_id=None, language=excerpt.language or "fr",
            source_date=submission.submitted_at or excerpt.created_at,
            previous_topic_id=previous.get(excerpt.id, UNKNOWN))
        pairs.setdefault(submission.consultation_id, []).append((comment, derived, {"excerpt_id": excerpt.id}))
    for consultation_id, items in pairs.items():
        tally.add(_apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_excerpt(excerpt: Excerpt, previous_topic_id: object = UNKNOWN) -> Tally:
    """After an excerpt is created or changed; `previous_topic_id` is its topic before the change."""
    return _sync_excerpts([excerpt], {excerpt.id: previous_topic_id})


# -- forum and interview notes --------------------------------------------------------------

def _sync_notes(notes: list[ForumNote], previous: dict[int, object] | None = None) -> Tally:
    if not notes:
        return Tally()
    previous = previous or {}
    existing = {comment.note_id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.note_id.in_([note.id for note in notes])))}
    forums = {forum.id: forum for forum in db.session.scalars(
        select(Forum).where(Forum.id.in_({note.forum_id for note in notes})))}
    kinds = _topic_kinds(note.topic_id for note in notes)
    pairs = {}
    tally = Tally()
    for note in notes:
        forum = forums[note.forum_id]
        text = (note.body or "").strip()
        comment = existing.get(note.id)
        if not text:
            tally.deleted += _delete([comment.id] if comment is not None else [])
            continue
        derived = Derived(
            channel="interview" if forum.kind == "interview" else "forum", text=text, prompt="",
            topic_id=note.topic_id, topic_confirmed=_is_orientation(kinds.get(note.topic_id)), participant_id=None,
            track_id=forum.track_id, forum_id=forum.id, language=note.language or "fr",
            source_date=forum.starts_at, previous_topic_id=previous.get(note.id, UNKNOWN))
        pairs.setdefault(forum.consultation_id, []).append((comment, derived, {"note_id": note.id}))
    for consultation_id, items in pairs.items():
        tally.add(_apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_note(note: ForumNote, previous_topic_id: object = UNKNOWN) -> Tally:
    """After a note is created or changed; `previous_topic_id` is its topic before the change."""
    return _sync_notes([note], {note.id: previous_topic_id})


# -- everything -----------------------------------------------------------------------------

def _in_batches(statement):
    """The rows of `statement` (ordered by id), BATCH at a time, so that memory stays flat."""
    last_id = 0
    entity = statement.column_descriptions[0]["entity"]
    while True:
        batch = db.session.scalars(statement.where(entity.id > last_id).order_by(entity.id).limit(BATCH)).all()
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def derive_all(consultation: Consultation) -> dict:
    """Create or bring up to date the comment of every answer, excerpt and note of the consultation.
    Running it again changes nothing. Returns {"created", "updated", "unchanged", "deleted"}."""
    tally = Tally()
    responses = select(Response).join(Questionnaire, Response.questionnaire_id == Questionnaire.id) \
        .where(Questionnaire.consultation_id == consultation.id, Response.status == "submitted")
    for batch in _in_batches(responses):
        tally.add(_sync_responses(batch))
    excerpts = select(Excerpt).join(Submission, Excerpt.submission_id == Submission.id) \
        .where(Submission.consultation_id == consultation.id)
    for batch in _in_batches(excerpts):
        tally.add(_sync_excerpts(batch))
    notes = select(ForumNote).join(Forum, ForumNote.forum_id == Forum.id) \
        .where(Forum.consultation_id == consultation.id)
    for batch in _in_batches(notes):
        tally.add(_sync_notes(batch))
    return tally.as_dict()
