"""Questionnaire answers as comments: every non-empty long-text answer of a submitted response is one
comment (channel "questionnaire"), on the question's topic and prompt, in the respondent's language."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Answer, AnswerVersion, Comment, Consultation, Participant, Question, Questionnaire, Response, Topic
from ..url_patterns import RouteFor
from .derive import Derived, Tally, apply, delete_comments, in_batches, is_orientation, participant_tracks
from .origin import Origin

ORIGIN_LABEL = _l("Questionnaire response")

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
            topic_confirmed=is_orientation(topic_kind), participant_id=response.participant_id,
            track_id=tracks.get(response.participant_id), forum_id=None,
            language=languages.get(response.participant_id) or "fr",
            source_date=response.submitted_at or response.updated_at)
        consultation_id = questionnaires[response.questionnaire_id]
        pairs.setdefault(consultation_id, []).append((comment, derived, {"answer_id": answer_id}))
    tally = Tally(deleted=delete_comments(to_delete))
    for consultation_id, items in pairs.items():
        tally.add(apply(items, consultation_id))
    db.session.flush()
    return tally


def sync_response(response: Response) -> Tally:
    """After a response is submitted: one comment per non-empty long-text answer."""
    return _sync_responses([response])


def sync_all(consultation: Consultation) -> Tally:
    tally = Tally()
    responses = select(Response).join(Questionnaire, Response.questionnaire_id == Questionnaire.id) \
        .where(Questionnaire.consultation_id == consultation.id, Response.status == "submitted")
    for batch in in_batches(responses):
        tally.add(_sync_responses(batch))
    return tally


def origins(comments: list[Comment], slugs: dict[int, str], viewer) -> dict[int, Origin]:
    """The response each comment was answered in, for the staff's response page."""
    answers = dict(db.session.execute(select(Answer.id, Answer.response_id).where(
        Answer.id.in_([comment.answer_id for comment in comments]))).all())
    label = str(ORIGIN_LABEL)
    routes = {consultation_id: RouteFor("questionnaires.response_detail", "response_id", slug=slug)
              for consultation_id, slug in slugs.items()}
    return {comment.id: Origin(label, routes[comment.consultation_id](answers[comment.answer_id]))
            for comment in comments if comment.answer_id in answers}


def held_by(participant: Participant):
    """The answers of this person: what their comments of this channel come from."""
    return select(Answer.id).join(Response).where(Response.participant_id == participant.id)
