"""A short transcript for each held session of the demo, kept the way an organizer keeps one (speakers
mapped to the people who attended; the turns of those who did not consent to recording left out),
and partly placed on topics the way an analyst places turns. The words are data
(data/transcripts.json); the draws use a generator of their own, so the rest of the demo is unchanged."""
import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Forum, Participant, Registration
from ..transcripts import services
from ..transcripts.parsing import Parsed, ParsedTurn
from .data import load


def _attendees(forum: Forum) -> list[Participant]:
    return list(db.session.scalars(
        select(Participant).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.forum_id == forum.id, Registration.status == "attended").order_by(Participant.id)))


def add_transcript(forum: Forum, topics: list, analyst: int | None) -> int:
    """Keep a transcript of `forum` and place about half of its participants' turns; the number of turns kept."""
    words = load("transcripts.json")["fr" if forum.language == "fr" else "en"]
    rng = random.Random(f"transcript:{forum.starts_at.isoformat()}")
    people = _attendees(forum)[:4]
    if not people:
        return 0
    lines = rng.sample(words["turns"], min(len(words["turns"]), len(people) + 2))
    turns, at = [ParsedTurn(words["facilitator"], words["opening"])], 0
    for index, text in enumerate(lines):
        speaker = people[index % len(people)].name
        turns.append(ParsedTurn(speaker, text))
        if index in (1, 3):
            turns.append(ParsedTurn(words["facilitator"], words["prompts"][index // 2]))
    turns.append(ParsedTurn(words["facilitator"], words["closing"]))
    for turn in turns:  # a speaking pace of some eight characters a second
        turn.start_ms, turn.end_ms = at, at + 4000 + 120 * len(turn.text)
        at = turn.end_ms + 500
    transcript = services.create_draft(forum, Parsed("vtt", turns), "enregistrement.vtt", forum.language
                                       if forum.language in ("fr", "en") else "fr",
                                       (forum.starts_at + timedelta(days=730)).date(), None)
    names = {person.name: str(person.id) for person in people}
    mapping = {speaker.number: names.get(speaker.label, services.FACILITATOR)
               for speaker in services.speakers_of(transcript)}
    services.keep(transcript, mapping, None)
    spoken = [turn for turn in transcript.turns if turn.speaker_role == "participant"]
    for turn in spoken[: (len(spoken) + 1) // 2]:
        services.place(transcript, turn.position, turn.position, rng.choice(topics) if topics else None, analyst)
    return len(transcript.turns)
