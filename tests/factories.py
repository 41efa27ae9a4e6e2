"""Factories for test data: comments with their participants, made directly (not derived from answers,
excerpts or notes) so that analysis, exports, reports and suggestions can be tested alone; forums.
Call them inside an app context; they flush, the test commits."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from consult.analysis.text import search_form
from consult.extensions import db
from consult.models import Comment, Consultation, Forum, Participant, ParticipantCategory, Topic, Track


def consultation_of(slug: str) -> Consultation:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def topic_of(consultation: Consultation, code: str) -> Topic:
    return db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.code == code))


def make_forum(consultation: Consultation, *, starts_at: datetime | None = None, topics=(), track: str | None = None,
               **fields) -> Forum:
    """A forum of the consultation: 90 minutes for 20 people, a month from now, unless `fields` say
    otherwise; `topics` and `track` by their codes."""
    values = {"kind": "forum", "title_fr": "Forum test", "title_en": "Test forum", "duration_minutes": 90,
              "capacity": 20, **fields}
    starts_at = starts_at or datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    forum = Forum(consultation_id=consultation.id, starts_at=starts_at, **values)
    if track:
        forum.track = db.session.scalar(select(Track).where(Track.consultation_id == consultation.id,
                                                            Track.code == track))
    forum.topics = [topic_of(consultation, code) for code in topics]
    db.session.add(forum)
    db.session.flush()
    return forum


def make_participant(consultation: Consultation, email: str, *, name: str = "", category: str | None = None,
                     region: str = "QC", organisation: str = "", language: str = "fr",
                     quotation: bool | None = None) -> Participant:
    """A participant; `category` is a category code of the consultation; `quotation` records that consent."""
    from consult.models import Consent

    category_row = None
    if category is not None:
        category_row = db.session.scalar(select(ParticipantCategory).where(
            ParticipantCategory.consultation_id == consultation.id, ParticipantCategory.code == category))
    participant = Participant(consultation_id=consultation.id, email=email, name=name or email.split("@")[0],
                              category=category_row, region=region, organisation=organisation,
                              preferred_language=language)
    db.session.add(participant)
    if quotation is not None:
        participant.consents.append(Consent(purpose="quotation", granted=quotation, source="test"))
    db.session.flush()
    return participant


def make_comment(consultation: Consultation, text: str, *, topic: str | Topic | None = None,
                 channel: str = "questionnaire", participant: Participant | None = None,
                 track: str | None = None, language: str = "fr", prompt: str = "",
                 topic_confirmed: bool | None = None, when: datetime | None = None, **extra) -> Comment:
    """A comment on `topic` (a code such as "1.1", or a Topic); `track` is a track code ("qc", "ca")."""
    if isinstance(topic, str):
        topic = topic_of(consultation, topic)
    track_row = None
    if track is not None:
        track_row = db.session.scalar(select(Track).where(Track.consultation_id == consultation.id,
                                                          Track.code == track))
    if topic_confirmed is None:
        topic_confirmed = topic is not None and channel == "questionnaire"
    comment = Comment(consultation_id=consultation.id, channel=channel, text=text, search_text=search_form(text),
                      topic=topic, topic_confirmed=topic_confirmed, participant=participant, track=track_row,
                      language=language, prompt=prompt,
                      source_date=when or datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc), **extra)
    db.session.add(comment)
    db.session.flush()
    return comment
