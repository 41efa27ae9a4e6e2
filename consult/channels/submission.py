"""Excerpts of written submissions as comments: each excerpt an analyst cuts from a submission and places
on a topic is one comment (channel "submission"), in the excerpt's language, dated when it was sent."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Comment, Consultation, Excerpt, Participant, Submission
from ..url_patterns import RouteFor
from .derive import (
    UNKNOWN,
    Derived,
    Tally,
    apply,
    delete_comments,
    in_batches,
    is_orientation,
    participant_tracks,
    topic_kinds,
)
from .origin import Origin

ORIGIN_LABEL = _l("Excerpt of a written submission")

def _sync_excerpts(excerpts: list[Excerpt], previous: dict[int, object] | None = None) -> Tally:
    if not excerpts:
        return Tally()
    previous = previous or {}
    existing = {comment.excerpt_id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.excerpt_id.in_([excerpt.id for excerpt in excerpts])))}
    submissions = {submission.id: submission for submission in db.session.scalars(
        select(Submission).where(Submission.id.in_({excerpt.submission_id for excerpt in excerpts})))}
    kinds = topic_kinds(excerpt.topic_id for excerpt in excerpts)
    tracks = participant_tracks(submission.participant_id for submission in submissions.values())
    pairs = {}
    tally = Tally()
    for excerpt in excerpts:
        submission = submissions[excerpt.submission_id]
        text = (excerpt.text or "").strip()
        comment = existing.get(excerpt.id)
        if not text:
            tally.deleted += delete_comments([comment.id] if comment is not None else [])
            continue
        derived = Derived(
            channel="submission", text=text, prompt="", topic_id=excerpt.topic_id,
            topic_confirmed=is_orientation(kinds.get(excerpt.topic_id)), participant_id=submission.participant_id,
            track_id=tracks.get(submission.participant_id), forum_id=None, language=excerpt.language or "fr",
            source_date=submission.submitted_at or excerpt.created_at,
            previous_topic_id=previous.get(excerpt.id, UNKNOWN))
        pairs.setdefault(submission.consultation_id, []).append((comment, derived, {"excerpt_id": excerpt.id}))
    for consultation_id, items in pairs.items():
        tally.add(apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_excerpt(excerpt: Excerpt, previous_topic_id: object = UNKNOWN) -> Tally:
    """After an excerpt is created or changed; `previous_topic_id` is its topic before the change."""
    return _sync_excerpts([excerpt], {excerpt.id: previous_topic_id})


def sync_all(consultation: Consultation) -> Tally:
    tally = Tally()
    excerpts = select(Excerpt).join(Submission, Excerpt.submission_id == Submission.id) \
        .where(Submission.consultation_id == consultation.id)
    for batch in in_batches(excerpts):
        tally.add(_sync_excerpts(batch))
    return tally


def origins(comments: list[Comment], slugs: dict[int, str], viewer) -> dict[int, Origin]:
    """The excerpt on its submission's staff page."""
    excerpts = dict(db.session.execute(select(Excerpt.id, Excerpt.submission_id).where(
        Excerpt.id.in_([comment.excerpt_id for comment in comments]))).all())
    label = str(ORIGIN_LABEL)
    routes = {consultation_id: RouteFor("submissions.staff_show", "submission_id", slug=slug)
              for consultation_id, slug in slugs.items()}
    return {comment.id: Origin(label, routes[comment.consultation_id](excerpts[comment.excerpt_id],
                                                                      f"excerpt-{comment.excerpt_id}"))
            for comment in comments if comment.excerpt_id in excerpts}


def held_by(participant: Participant):
    """The excerpts of this person's submissions."""
    return select(Excerpt.id).join(Submission).where(Submission.participant_id == participant.id)
