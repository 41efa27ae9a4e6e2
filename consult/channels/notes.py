"""Forum and interview notes as comments: each note an organizer or analyst writes on a session is one
comment (channel "forum" or "interview", after the session's kind), of no participant, on the session's track."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import localized
from ..models import Comment, Consultation, Forum, ForumNote
from ..permissions import user_can
from .derive import UNKNOWN, Derived, Tally, apply, delete_comments, in_batches, is_orientation, topic_kinds
from .origin import Origin


def _sync_notes(notes: list[ForumNote], previous: dict[int, object] | None = None) -> Tally:
    if not notes:
        return Tally()
    previous = previous or {}
    existing = {comment.note_id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.note_id.in_([note.id for note in notes])))}
    forums = {forum.id: forum for forum in db.session.scalars(
        select(Forum).where(Forum.id.in_({note.forum_id for note in notes})))}
    kinds = topic_kinds(note.topic_id for note in notes)
    pairs = {}
    tally = Tally()
    for note in notes:
        forum = forums[note.forum_id]
        text = (note.body or "").strip()
        comment = existing.get(note.id)
        if not text:
            tally.deleted += delete_comments([comment.id] if comment is not None else [])
            continue
        derived = Derived(
            channel="interview" if forum.kind == "interview" else "forum", text=text, prompt="",
            topic_id=note.topic_id, topic_confirmed=is_orientation(kinds.get(note.topic_id)), participant_id=None,
            track_id=forum.track_id, forum_id=forum.id, language=note.language or "fr",
            source_date=forum.starts_at, previous_topic_id=previous.get(note.id, UNKNOWN))
        pairs.setdefault(forum.consultation_id, []).append((comment, derived, {"note_id": note.id}))
    for consultation_id, items in pairs.items():
        tally.add(apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_note(note: ForumNote, previous_topic_id: object = UNKNOWN) -> Tally:
    """After a note is created or changed; `previous_topic_id` is its topic before the change."""
    return _sync_notes([note], {note.id: previous_topic_id})


def sync_all(consultation: Consultation) -> Tally:
    tally = Tally()
    notes = select(ForumNote).join(Forum, ForumNote.forum_id == Forum.id) \
        .where(Forum.consultation_id == consultation.id)
    for batch in in_batches(notes):
        tally.add(_sync_notes(batch))
    return tally


def origins(comments: list[Comment], slugs: dict[int, str], viewer) -> dict[int, Origin]:
    """The note on its session's notes page, linked for those who may open that page."""
    notes = dict(db.session.execute(select(ForumNote.id, Forum).join(Forum, Forum.id == ForumNote.forum_id).where(
        ForumNote.id.in_([comment.note_id for comment in comments]))).all())
    reads_notes = user_can(viewer, "take_notes")
    found = {}
    for comment in comments:
        forum = notes.get(comment.note_id)
        if forum is None:
            continue
        label = str(_l("Notes of %(forum)s", forum=localized(forum, "title").text or str(_l("a forum"))))
        found[comment.id] = Origin(label, url_for(
            "forums.organizer_notes", slug=slugs[comment.consultation_id], forum_id=forum.id,
            _anchor=f"note-{comment.note_id}") if reads_notes else None)
    return found
