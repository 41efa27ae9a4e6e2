"""Turns not yet placed: the participants' turns of kept transcripts that no passage holds yet, each
with the places the suggestion model gives it, as comments not yet placed get theirs. The same model
scores them (consult/suggestions), on the page's turns only: a turn is text, not yet a comment, so
nothing is stored until an analyst places it. Placing one makes it a passage and its comment, coded
with the suggested theme's code when the analyst takes the theme. The caller commits."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ..analysis import coding
from ..audit import record as audit
from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, Forum, Theme, Topic, Transcript, TranscriptPassage, Turn
from ..suggestions import service as suggestions
from . import services

PER_PAGE = 20


def _placed():
    return exists().where(TranscriptPassage.transcript_id == Turn.transcript_id,
                          TranscriptPassage.first_position <= Turn.position,
                          TranscriptPassage.last_position >= Turn.position)


def _unplaced(consultation_ids):
    """A participant's or an unidentified speaker's words, in a kept transcript, in no passage."""
    return (Forum.consultation_id.in_(consultation_ids), Transcript.status == "kept",
            Turn.speaker_role != services.FACILITATOR, Turn.text != "", ~_placed())


def _joined(statement):
    return statement.join(Transcript, Transcript.id == Turn.transcript_id).join(Forum, Forum.id == Transcript.forum_id)


def unplaced_counts(consultation_ids) -> dict[int, int]:
    """{consultation id: turns not yet placed}."""
    ids = list(consultation_ids)
    if not ids:
        return {}
    rows = db.session.execute(_joined(select(Forum.consultation_id, func.count(Turn.id)))
                              .where(*_unplaced(ids)).group_by(Forum.consultation_id))
    return dict(rows.all())


def unplaced_in(transcript: Transcript) -> int:
    return db.session.scalar(_joined(select(func.count(Turn.id))).where(
        *_unplaced([transcript.forum.consultation_id]), Turn.transcript_id == transcript.id))


@dataclass
class Suggested:
    rank: int
    topic: Topic
    theme: Theme | None
    score: float
    words: list[str] = field(default_factory=list)


@dataclass
class Waiting:
    turn: Turn
    suggestions: list[Suggested]

    @property
    def transcript(self) -> Transcript:
        return self.turn.transcript

    @property
    def confident(self) -> bool:
        return bool(self.suggestions) and self.suggestions[0].score >= suggestions.CONFIDENCE_FLOOR


@dataclass
class Listing:
    items: list[Waiting]
    total: int
    page: int
    pages: int
    has_orientations: bool


def listing(consultation: Consultation, page: int = 1) -> Listing:
    """One page of the turns not yet placed, session by session in the order they were said."""
    total = unplaced_counts([consultation.id]).get(consultation.id, 0)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    turns = list(db.session.scalars(
        _joined(select(Turn)).where(*_unplaced([consultation.id]))
        .order_by(Forum.starts_at, Transcript.id, Turn.position)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)
        .options(selectinload(Turn.participant), selectinload(Turn.transcript).selectinload(Transcript.forum))))
    scorer = suggestions.scorer_for(consultation) if turns else None
    found = scorer.suggest([turn.text for turn in turns], top=suggestions.TOP) if scorer is not None else []
    topic_ids = {suggestion.orientation for row in found for suggestion in row}
    theme_ids = {suggestion.theme for row in found for suggestion in row if suggestion.theme}
    topics = {topic.id: topic for topic in db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))}
    themes = {theme.id: theme for theme in db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))}
    items = []
    for index, turn in enumerate(turns):
        row = found[index] if found else []
        items.append(Waiting(turn, [
            Suggested(rank, topics[suggestion.orientation], themes.get(suggestion.theme), suggestion.score,
                      list(suggestion.words)) for rank, suggestion in enumerate(row, start=1)
            if suggestion.orientation in topics]))
    has_orientations = scorer is not None or not turns and bool(suggestions.placeable_topics(consultation))
    return Listing(items, total, page, pages, has_orientations)


def waiting_turn(consultation: Consultation, transcript_id: int | None, position: int | None) -> Turn | None:
    """The turn of this consultation's kept transcript, if it is still waiting to be placed."""
    if not transcript_id or not position:
        return None
    return db.session.scalar(_joined(select(Turn)).where(
        *_unplaced([consultation.id]), Turn.transcript_id == transcript_id, Turn.position == position))


@dataclass
class Placed:
    passage: TranscriptPassage
    topic: Topic
    code: Code | None


def place_turn(turn: Turn, topic_id: int | None, theme_id: int | None, rank: int | None,
               actor_id: int | None) -> Placed:
    """Place one waiting turn on a topic of its consultation, coded with the theme's code when the
    analyst accepted the suggestion with its theme. coding.InvalidChoice for a place or theme that is
    not the consultation's; TranscriptError if the turn cannot be placed."""
    transcript = turn.transcript
    consultation = transcript.forum.consultation
    topic = coding.placeable_topic(consultation.id, topic_id)
    theme = db.session.get(Theme, theme_id) if theme_id else None
    if theme_id and (theme is None or theme.topic_id != topic.id):
        raise coding.InvalidChoice(str(_l("This theme is not one of the chosen part's themes.")))
    passage = services.place(transcript, turn.position, turn.position, topic, actor_id)
    comment = db.session.scalar(select(Comment).where(Comment.passage_id == passage.id))
    code = None
    if comment is not None:
        # A person chose its place: the comment waits for no suggestion review.
        comment.topic_confirmed, comment.suggestion_reviewed = True, True
        if theme is not None:
            code = suggestions._theme_code(consultation, theme, actor_id)
            if code is not None:
                db.session.add(Coding(comment_id=comment.id, code_id=code.id, coder_id=actor_id, blind=False))
        db.session.flush()
    suggestions.forget_state(consultation.id)
    audit(actor_id, "transcript.suggestion_taken" if rank else "transcript.placed_from_queue", "transcript_passage",
          passage.id, consultation.id, topic=topic.code, rank=rank, theme=theme.code if theme else None,
          code=code.key if code is not None else None)
    return Placed(passage, topic, code)
