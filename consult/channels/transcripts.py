"""Transcript passages as comments: consecutive turns of one speaker that an analyst placed on a
topic are one comment (channel "transcript"), of that speaker, on the session's track. A
facilitator's turns inside the passage are context, not the speaker's words: they stay out of the text."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import localized
from ..models import Comment, Consultation, Forum, Transcript, TranscriptPassage, Turn
from ..permissions import user_can
from .derive import UNKNOWN, Derived, Tally, apply, delete_comments, in_batches, is_orientation, topic_kinds
from .origin import Origin


def timecode(ms: int | None) -> str:
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def passage_text(passage: TranscriptPassage, turns: list[Turn]) -> str:
    """The speaker's words of the passage, turn after turn."""
    mine = [turn for turn in turns if passage.first_position <= turn.position <= passage.last_position
            and turn.speaker_role != "facilitator" and turn.text.strip()]
    return "\n\n".join(turn.text.strip() for turn in mine)


def _sync_passages(passages: list[TranscriptPassage], previous: dict[int, object] | None = None) -> Tally:
    if not passages:
        return Tally()
    previous = previous or {}
    existing = {comment.passage_id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.passage_id.in_([passage.id for passage in passages])))}
    transcript_ids = {passage.transcript_id for passage in passages}
    forums = dict(db.session.execute(select(Transcript.id, Forum).join(Forum, Forum.id == Transcript.forum_id)
                                     .where(Transcript.id.in_(transcript_ids))).all())
    turns: dict[int, list[Turn]] = {}
    for turn in db.session.scalars(select(Turn).where(Turn.transcript_id.in_(transcript_ids))
                                   .order_by(Turn.transcript_id, Turn.position)):
        turns.setdefault(turn.transcript_id, []).append(turn)
    kinds = topic_kinds(passage.topic_id for passage in passages)
    pairs = {}
    tally = Tally()
    for passage in passages:
        forum = forums[passage.transcript_id]
        text = passage_text(passage, turns.get(passage.transcript_id, []))
        comment = existing.get(passage.id)
        if not text:
            tally.deleted += delete_comments([comment.id] if comment is not None else [])
            continue
        derived = Derived(
            channel="transcript", text=text, prompt="", topic_id=passage.topic_id,
            topic_confirmed=is_orientation(kinds.get(passage.topic_id)), participant_id=passage.participant_id,
            track_id=forum.track_id, forum_id=forum.id, language=passage.language or "fr",
            source_date=forum.starts_at, previous_topic_id=previous.get(passage.id, UNKNOWN))
        pairs.setdefault(forum.consultation_id, []).append((comment, derived, {"passage_id": passage.id}))
    for consultation_id, items in pairs.items():
        tally.add(apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_passage(passage: TranscriptPassage, previous_topic_id: object = UNKNOWN) -> Tally:
    """After a passage is placed or moved; `previous_topic_id` is its topic before the change."""
    return _sync_passages([passage], {passage.id: previous_topic_id})


def sync_transcript(transcript: Transcript) -> Tally:
    """After turns of a transcript changed (an erasure blanked some)."""
    return _sync_passages(list(transcript.passages))


def sync_all(consultation: Consultation) -> Tally:
    tally = Tally()
    passages = select(TranscriptPassage).join(Transcript, Transcript.id == TranscriptPassage.transcript_id) \
        .join(Forum, Forum.id == Transcript.forum_id).where(Forum.consultation_id == consultation.id)
    for batch in in_batches(passages):
        tally.add(_sync_passages(batch))
    return tally


def origins(comments: list[Comment], slugs: dict[int, str], viewer) -> dict[int, Origin]:
    """The passage in its transcript, at its first turn, linked for those who read transcripts."""
    rows = db.session.execute(
        select(TranscriptPassage.id, TranscriptPassage.first_position, Transcript.id, Forum)
        .join(Transcript, Transcript.id == TranscriptPassage.transcript_id)
        .join(Forum, Forum.id == Transcript.forum_id)
        .where(TranscriptPassage.id.in_([comment.passage_id for comment in comments]))).all()
    found_rows = {passage_id: (position, transcript_id, forum) for passage_id, position, transcript_id, forum in rows}
    reads = user_can(viewer, "place_transcripts")
    found = {}
    for comment in comments:
        row = found_rows.get(comment.passage_id)
        if row is None:
            continue
        position, transcript_id, forum = row
        label = str(_l("Transcript of %(forum)s", forum=localized(forum, "title").text or str(_l("a forum"))))
        found[comment.id] = Origin(label, url_for(
            "transcripts.read", slug=slugs[comment.consultation_id], transcript_id=transcript_id,
            _anchor=f"turn-{position}") if reads else None)
    return found


def held_by(participant):
    """The passages of this person's words."""
    return select(TranscriptPassage.id).where(TranscriptPassage.participant_id == participant.id)
