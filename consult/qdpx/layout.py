"""How a consultation's comments are laid out as REFI-QDA text sources, shared by export and import.

Each source is one document people wrote or said: a questionnaire response, a written submission,
a session's transcript or its notes (a comment whose origin is gone stands alone). Its text is the
comments of that document one after the other, each under a short heading, so that every comment is
one span [start, end) of the source: the span is the coding's selection. Identifiers are UUID 5
under the consultation's own namespace: the same comment, code or source keeps its GUID from one
export to the next, and a file from another consultation shares none of them.
"""
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..channels.transcripts import timecode
from ..extensions import db
from ..i18n import localized
from ..models import (
    Answer,
    Comment,
    Consultation,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    Submission,
    Topic,
    Transcript,
    TranscriptPassage,
    Turn,
)


def namespace(consultation: Consultation) -> uuid.UUID:
    created = consultation.created_at.isoformat() if consultation.created_at else ""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"consult:{consultation.id}:{consultation.slug}:{created}")


def guid(consultation_ns: uuid.UUID, kind: str, key) -> str:
    return str(uuid.uuid5(consultation_ns, f"{kind}:{key}"))


@dataclass
class Span:
    comment: Comment
    start: int
    end: int


@dataclass
class Source:
    key: str
    name: str
    text: str = ""
    spans: list[Span] = field(default_factory=list)
    participant_id: int | None = None

    def add(self, heading: str, comment: Comment) -> None:
        self.text += heading + "\n"
        start = len(self.text)
        self.text += comment.text
        self.spans.append(Span(comment, start, len(self.text)))
        self.text += "\n\n"


def _forum_title(forum: Forum | None) -> str:
    return (localized(forum, "title").text if forum is not None else "") or _("Untitled session")


def sources(consultation: Consultation) -> list[Source]:
    """The consultation's comments grouped into sources, in a stable order."""
    rows = db.session.execute(
        select(Comment, Answer.response_id, Excerpt.submission_id, Submission.number, TranscriptPassage.transcript_id,
               TranscriptPassage.first_position, ForumNote.forum_id, Participant.pseudonym, Topic.code)
        .outerjoin(Answer, Answer.id == Comment.answer_id)
        .outerjoin(Excerpt, Excerpt.id == Comment.excerpt_id)
        .outerjoin(Submission, Submission.id == Excerpt.submission_id)
        .outerjoin(TranscriptPassage, TranscriptPassage.id == Comment.passage_id)
        .outerjoin(ForumNote, ForumNote.id == Comment.note_id)
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .outerjoin(Topic, Topic.id == Comment.topic_id)
        .where(Comment.consultation_id == consultation.id)
        .order_by(Comment.source_date, Comment.id)).all()
    transcripts = {transcript.id: transcript for transcript in db.session.scalars(
        select(Transcript).where(Transcript.id.in_({row[4] for row in rows if row[4]})))}
    starts = {(transcript_id, position): start for transcript_id, position, start in db.session.execute(
        select(Turn.transcript_id, Turn.position, Turn.start_ms).where(Turn.transcript_id.in_(list(transcripts))))}
    forums = {forum.id: forum for forum in db.session.scalars(select(Forum).where(
        Forum.consultation_id == consultation.id))}
    found: dict[str, Source] = {}
    ordered = sorted(rows, key=lambda row: (row[4] or 0, row[5] or 0))  # passages in transcript order
    for comment, response_id, submission_id, number, transcript_id, first, forum_id, pseudonym, code in ordered:
        who = pseudonym or _("anonymous")
        topic = f"[{code}] " if code else ""
        if response_id:
            source = found.setdefault(f"response:{response_id}", Source(
                f"response:{response_id}", _("%(who)s – questionnaire", who=who),
                participant_id=comment.participant_id))
            heading = topic + (comment.prompt or "")
        elif submission_id:
            label = f"S-{number:04d}" if number else str(submission_id)
            source = found.setdefault(f"submission:{submission_id}", Source(
                f"submission:{submission_id}", _("%(who)s – written submission %(number)s", who=who, number=label),
                participant_id=comment.participant_id))
            heading = topic
        elif transcript_id:
            transcript = transcripts[transcript_id]
            source = found.setdefault(f"transcript:{transcript_id}", Source(
                f"transcript:{transcript_id}", _("Transcript – %(session)s",
                                                 session=_forum_title(forums.get(transcript.forum_id)))))
            heading = f"{topic}[{timecode(starts.get((transcript_id, first)))}] {who}"
        elif forum_id:
            source = found.setdefault(f"notes:{forum_id}", Source(
                f"notes:{forum_id}", _("Notes – %(session)s", session=_forum_title(forums.get(forum_id)))))
            heading = topic
        else:
            source = found.setdefault(f"comment:{comment.id}", Source(
                f"comment:{comment.id}", _("Comment %(number)d", number=comment.id),
                participant_id=comment.participant_id))
            heading = topic
        source.add(heading.strip() or "—", comment)
    return sorted(found.values(), key=lambda source: source.key)
