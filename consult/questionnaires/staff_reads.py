"""The staff's reading of the responses: the list, counts by topic, one response, and the audit of
who read it."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..lookups import get_owned_or_404
from ..models import (
    Answer,
    Participant,
    Question,
    Questionnaire,
    QuestionnairePage,
    Response,
    Topic,
)
from .builder import audit
from .responding import answer_pages, groups_of

PER_PAGE = 50


@dataclass
class ResponseRow:
    response: Response
    participant: Participant
    topics_answered: int
    answers: int


@dataclass
class ResponseListing:
    rows: list[ResponseRow]
    counts: dict[str, int]
    page: int
    pages: int
    total: int


def _non_empty():
    return func.length(func.trim(Answer.value)) > 0


def list_responses(questionnaire: Questionnaire, page: int = 1, status: str | None = None) -> ResponseListing:
    query = (select(Response, Participant).join(Participant, Response.participant_id == Participant.id)
             .where(Response.questionnaire_id == questionnaire.id, Response.started_at.is_not(None)))
    if status in ("draft", "submitted"):
        query = query.where(Response.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    found = db.session.execute(query.order_by(Response.updated_at.desc(), Response.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    ids = [response.id for response, _participant in found]
    topics, answers = {}, {}
    if ids:
        for response_id, topic_count, answer_count in db.session.execute(
                select(Answer.response_id, func.count(func.distinct(Question.topic_id)), func.count(Answer.id))
                .join(Question, Answer.question_id == Question.id)
                .where(Answer.response_id.in_(ids), _non_empty() | (Question.kind == "multiple_choice"))
                .group_by(Answer.response_id)):
            topics[response_id], answers[response_id] = topic_count, answer_count
    counts = {"draft": 0, "submitted": 0}
    for state, number in db.session.execute(
            select(Response.status, func.count()).where(Response.questionnaire_id == questionnaire.id,
                                                        Response.started_at.is_not(None))
            .group_by(Response.status)):
        counts[state] = number
    rows = [ResponseRow(response, participant, topics.get(response.id, 0), answers.get(response.id, 0))
            for response, participant in found]
    return ResponseListing(rows, counts, page, pages, total)


@dataclass
class TopicCount:
    topic: Topic
    responses: int
    submitted: int


def counts_by_topic(questionnaire: Questionnaire) -> list[TopicCount]:
    """For each orientation (or section) asked about: how many responses answered at least one of its
    questions, and how many of those are submitted."""
    numbers: dict[int, dict[str, int]] = {}
    for topic_id, state, number in db.session.execute(
            select(Question.topic_id, Response.status, func.count(func.distinct(Response.id)))
            .select_from(Answer).join(Question, Answer.question_id == Question.id)
            .join(Response, Answer.response_id == Response.id)
            .where(Response.questionnaire_id == questionnaire.id, Question.topic_id.is_not(None), _non_empty())
            .group_by(Question.topic_id, Response.status)):
        numbers.setdefault(topic_id, {})[state] = number
    result, seen = [], set()
    for page in answer_pages(questionnaire):
        for group in groups_of(page):
            if group.topic is None or group.topic.id in seen:
                continue
            seen.add(group.topic.id)
            found = numbers.get(group.topic.id, {})
            result.append(TopicCount(group.topic, sum(found.values()), found.get("submitted", 0)))
    return result


def get_response(questionnaire: Questionnaire, response_id: int) -> Response:
    return get_owned_or_404(Response, response_id, questionnaire_id=questionnaire.id)


def answered_question_ids(questionnaire: Questionnaire) -> set[int]:
    """Questions somebody answered: those cannot be removed from the questionnaire."""
    return set(db.session.scalars(
        select(Answer.question_id).join(Question, Answer.question_id == Question.id)
        .join(QuestionnairePage, Question.page_id == QuestionnairePage.id)
        .where(QuestionnairePage.questionnaire_id == questionnaire.id).distinct()))


def record_reading(response: Response, actor_id: int | None) -> None:
    audit(actor_id, "questionnaire.response_read", "questionnaire_response", response.id,
          response.questionnaire.consultation_id)
