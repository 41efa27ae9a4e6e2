"""Transcripts kept and read: a parsed file becomes a draft, the organizer says who each speaker is,
and keeping it drops the speaker names and the turns of registrants who did not consent to being
recorded. Analysts then place consecutive turns of one speaker on a topic (one comment each).
The caller commits."""
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..audit import record as audit
from ..channels.transcripts import sync_passage, sync_transcript
from ..extensions import db
from ..lookups import get_owned_or_404
from ..models import Comment, Consultation, Forum, Participant, Registration, Topic, Transcript, TranscriptPassage, Turn
from ..models.base import utcnow
from .parsing import Parsed, TranscriptError

FACILITATOR = "facilitator"
UNIDENTIFIED = "unidentified"
# Registrations of someone who may have spoken at the session.
PRESENT = ("confirmed", "attended")


def is_held(forum: Forum) -> bool:
    return not forum.is_cancelled and forum.starts_at <= utcnow()


def default_retention(forum: Forum) -> date:
    """The consultation's retention date, else two years after the session."""
    retention = forum.consultation.retention_until
    return retention.date() if retention is not None else (forum.starts_at + timedelta(days=730)).date()


def kept_transcripts(forum: Forum) -> list[Transcript]:
    return list(db.session.scalars(select(Transcript).where(Transcript.forum_id == forum.id,
                                                             Transcript.status == "kept").order_by(Transcript.id)))


def get_transcript(forum: Forum, transcript_id: int) -> Transcript:
    return get_owned_or_404(Transcript, transcript_id, forum_id=forum.id)


def create_draft(forum: Forum, parsed: Parsed, filename: str, language: str, retain_until: date,
                 actor_id: int | None) -> Transcript:
    if not is_held(forum):
        raise TranscriptError(_l("This session has not been held yet: its transcript can be added once it is over."))
    numbers = {speaker: number for number, speaker in enumerate(parsed.speakers, start=1)}
    transcript = Transcript(forum_id=forum.id, format=parsed.format, filename=filename[:255], language=language,
                            retain_until=retain_until, uploaded_by=actor_id)
    transcript.turns = [Turn(position=position, speaker_label=turn.speaker[:200], speaker_number=numbers[turn.speaker],
                             text=turn.text, start_ms=turn.start_ms, end_ms=turn.end_ms)
                        for position, turn in enumerate(parsed.turns, start=1)]
    db.session.add(transcript)
    db.session.flush()
    return transcript


def registrants(forum: Forum) -> list[Participant]:
    return list(db.session.scalars(
        select(Participant).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.forum_id == forum.id, Registration.status.in_(PRESENT),
               Participant.erased_at.is_(None)).order_by(Participant.name, Participant.id)))


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(plain.replace("-", " ").split())


def suggest(label: str, people: list[Participant]) -> str:
    """A registrant whose name matches the label (all the label's words in the name), else unidentified."""
    words = set(_folded(label).split())
    if not words:
        return UNIDENTIFIED
    matches = [person for person in people if words <= set(_folded(person.name).split())]
    return str(matches[0].id) if len(matches) == 1 else UNIDENTIFIED


@dataclass
class SpeakerSummary:
    number: int
    label: str
    turns: int


def speakers_of(transcript: Transcript) -> list[SpeakerSummary]:
    found: dict[int, SpeakerSummary] = {}
    for turn in transcript.turns:
        summary = found.setdefault(turn.speaker_number, SpeakerSummary(turn.speaker_number, turn.speaker_label, 0))
        summary.turns += 1
    return sorted(found.values(), key=lambda summary: summary.number)


@dataclass
class Kept:
    turns: int
    dropped: int


def keep(transcript: Transcript, mapping: dict[int, str], actor_id: int | None) -> Kept:
    """Apply the speakers' mapping ({speaker number: participant id, "facilitator" or "unidentified"})
    and keep the transcript; a registrant without recording consent has their turns dropped."""
    people = {person.id: person for person in registrants(transcript.forum)}
    chosen = [value for value in mapping.values() if value not in (FACILITATOR, UNIDENTIFIED)]
    if len(chosen) != len(set(chosen)):
        raise TranscriptError(_l("The same person is chosen for two speakers: each registrant is one speaker."))
    dropped = 0
    for turn in list(transcript.turns):
        value = mapping.get(turn.speaker_number, UNIDENTIFIED)
        turn.speaker_label = ""
        if value in (FACILITATOR, UNIDENTIFIED):
            turn.speaker_role, turn.participant_id = value, None
            continue
        person = people.get(int(value)) if value.isdigit() else None
        if person is None:
            raise TranscriptError(_l("Choose, for each speaker, a registrant of this session, the facilitator or "
                                     "“unidentified”."))
        if not person.current_consent("recording"):
            transcript.turns.remove(turn)
            dropped += 1
            continue
        turn.speaker_role, turn.participant_id = "participant", person.id
    transcript.status = "kept"
    transcript.kept_at = utcnow()
    db.session.flush()
    audit(actor_id, "transcript.keep", "transcript", transcript.id, transcript.forum.consultation_id,
          forum_id=transcript.forum_id, turns=len(transcript.turns), dropped=dropped)
    return Kept(len(transcript.turns), dropped)


def discard(transcript: Transcript, actor_id: int | None) -> None:
    consultation_id = transcript.forum.consultation_id
    audit(actor_id, "transcript.delete", "transcript", transcript.id, consultation_id, forum_id=transcript.forum_id)
    db.session.execute(delete(Comment).where(Comment.passage_id.in_(
        select(TranscriptPassage.id).where(TranscriptPassage.transcript_id == transcript.id))))
    db.session.delete(transcript)
    db.session.flush()


def passage_of(transcript: Transcript, position: int) -> TranscriptPassage | None:
    return next((passage for passage in transcript.passages
                 if passage.first_position <= position <= passage.last_position), None)


def place(transcript: Transcript, first: int, last: int, topic: Topic | None, actor_id: int | None
          ) -> TranscriptPassage:
    """Place turns first..last (one speaker's words, facilitator turns between them as context)."""
    if last < first:
        first, last = last, first
    turns = [turn for turn in transcript.turns if first <= turn.position <= last]
    if not turns or turns[0].position != first or turns[-1].position != last:
        raise TranscriptError(_l("Choose turns of this transcript."))
    speakers = {(turn.speaker_role, turn.participant_id, turn.speaker_number)
                for turn in turns if turn.speaker_role != FACILITATOR}
    if not speakers:
        raise TranscriptError(_l("A facilitator's turns are context: choose a participant's turn."))
    if len(speakers) > 1:
        raise TranscriptError(_l("These turns are of several speakers: a passage holds one speaker's words."))
    if any(passage_of(transcript, turn.position) for turn in turns if turn.speaker_role != FACILITATOR):
        raise TranscriptError(_l("One of these turns is already placed: move its passage instead."))
    _role, participant_id, _number = speakers.pop()
    passage = TranscriptPassage(transcript_id=transcript.id, first_position=first, last_position=last,
                                topic_id=topic.id if topic else None, language=transcript.language,
                                participant_id=participant_id, placed_by=actor_id)
    db.session.add(passage)
    db.session.flush()
    audit(actor_id, "transcript.place", "transcript_passage", passage.id, transcript.forum.consultation_id,
          topic_id=passage.topic_id, first=first, last=last)
    sync_passage(passage)
    return passage


def move(passage: TranscriptPassage, topic: Topic, actor_id: int | None) -> bool:
    """Put a placed passage on another topic: its comment goes with it, keeping its codes, as a
    comment moved in the workspace does. False if it already was there."""
    comment = db.session.scalar(select(Comment).where(Comment.passage_id == passage.id))
    previous = passage.topic
    if passage.topic_id == topic.id and (comment is None or comment.topic_id == topic.id):
        return False
    passage.topic_id = topic.id
    db.session.flush()
    # Where the comment is now counts as the passage's former place: an explicit move takes it along
    # even when it had been moved in the workspace since.
    sync_passage(passage, comment.topic_id if comment is not None else None)
    if comment is not None:
        comment.topic_confirmed, comment.suggestion_reviewed = True, True
        db.session.flush()
    db.session.expire(passage, ["topic"])
    audit(actor_id, "transcript.move", "transcript_passage", passage.id, passage.transcript.forum.consultation_id,
          topic=topic.code, previous=previous.code if previous is not None else None,
          comment=comment.id if comment is not None else None)
    return True


def unplace(passage: TranscriptPassage, actor_id: int | None) -> None:
    """Undo a placement: the turns wait to be placed again; the passage's comment goes, with its codes."""
    comment_id = db.session.scalar(select(Comment.id).where(Comment.passage_id == passage.id))
    audit(actor_id, "transcript.unplace", "transcript_passage", passage.id,
          passage.transcript.forum.consultation_id, topic_id=passage.topic_id, first=passage.first_position,
          last=passage.last_position, comment=comment_id)
    db.session.execute(delete(Comment).where(Comment.passage_id == passage.id))
    db.session.delete(passage)
    db.session.flush()


def blank_turns_of(participant: Participant) -> int:
    """Erasure: the person's turns keep their place and time, without their words."""
    turns = list(db.session.scalars(select(Turn).where(Turn.participant_id == participant.id)))
    transcripts = {turn.transcript for turn in turns}
    for turn in turns:
        turn.text = ""
        turn.participant_id = None
        turn.speaker_role = UNIDENTIFIED
    db.session.flush()
    for transcript in transcripts:
        sync_transcript(transcript)
    return len(turns)


def turns_of(participant: Participant) -> list[Turn]:
    """"My data": this person's turns, session by session."""
    return list(db.session.scalars(
        select(Turn).join(Transcript, Transcript.id == Turn.transcript_id)
        .where(Turn.participant_id == participant.id, Transcript.status == "kept")
        .order_by(Transcript.forum_id, Turn.transcript_id, Turn.position)))


def purge_due(today: date, slug: str | None = None) -> int:
    """Delete the transcripts past their retention date (and drafts left for a day); their comments go too."""
    yesterday = utcnow() - timedelta(days=1)
    query = select(Transcript).join(Forum, Forum.id == Transcript.forum_id).where(
        (Transcript.retain_until < today) | ((Transcript.status == "draft") & (Transcript.created_at < yesterday)))
    if slug:
        query = query.join(Consultation, Consultation.id == Forum.consultation_id).where(Consultation.slug == slug)
    due = list(db.session.scalars(query.order_by(Transcript.id)))
    for transcript in due:
        discard(transcript, None)
    return len(due)
