"""The transcripts of a consultation at a glance: its held sessions, with or without a kept transcript,
and the turns still waiting to be placed (the dashboard and the consultation's transcripts page)."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import Consultation, Forum, Transcript
from ..models.base import utcnow
from .queue import unplaced_counts


def _held(consultation_ids):
    return (Forum.consultation_id.in_(consultation_ids), Forum.status != "cancelled", Forum.starts_at <= utcnow())


@dataclass
class Summary:
    held: int = 0
    with_transcript: int = 0
    waiting_turns: int = 0

    @property
    def without_transcript(self) -> int:
        return self.held - self.with_transcript


def summaries(consultation_ids) -> dict[int, Summary]:
    """{consultation id: Summary}, in three queries whatever the number of consultations."""
    ids = list(consultation_ids)
    found = {consultation_id: Summary() for consultation_id in ids}
    if not ids:
        return found
    for consultation_id, held in db.session.execute(
            select(Forum.consultation_id, func.count(Forum.id)).where(*_held(ids)).group_by(Forum.consultation_id)):
        found[consultation_id].held = held
    with_transcript = select(Transcript.forum_id).where(Transcript.status == "kept")
    for consultation_id, number in db.session.execute(
            select(Forum.consultation_id, func.count(Forum.id)).where(*_held(ids), Forum.id.in_(with_transcript))
            .group_by(Forum.consultation_id)):
        found[consultation_id].with_transcript = number
    for consultation_id, waiting in unplaced_counts(ids).items():
        found[consultation_id].waiting_turns = waiting
    return found


@dataclass
class HeldSession:
    forum: Forum
    transcripts: list[Transcript] = field(default_factory=list)


def held_sessions(consultation: Consultation) -> list[HeldSession]:
    """The held sessions, latest first, each with its kept transcripts."""
    forums = list(db.session.scalars(select(Forum).where(*_held([consultation.id]))
                                     .order_by(Forum.starts_at.desc(), Forum.id)))
    sessions = {forum.id: HeldSession(forum) for forum in forums}
    if sessions:
        for transcript in db.session.scalars(select(Transcript).where(
                Transcript.forum_id.in_(list(sessions)), Transcript.status == "kept").order_by(Transcript.id)):
            sessions[transcript.forum_id].transcripts.append(transcript)
    return list(sessions.values())
