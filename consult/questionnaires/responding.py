"""Answering the questionnaire: finding it, starting (identification, profile, consents), the
personal link, the pages and their progress.

Services flush; the view (or command, or test) commits once. One response per participant and
questionnaire, created inside a SAVEPOINT so that a double click or a second tab re-reads the row
the other request made instead of failing or making a second one.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import readiness, tokens
from ..extensions import db
from ..models import (
    Answer,
    Consultation,
    Participant,
    Question,
    Questionnaire,
    QuestionnairePage,
    Response,
    Topic,
)
from ..participants.services import (
    Profile,
    find_participant,
    identify_from_form,
    record_consents,
)
from . import notifications
from .builder import find_questionnaire
from .notifications import TOKEN_PURPOSE

CONSENT_SOURCE = "questionnaire"


class QuestionnaireUnavailable(Exception):
    """The questionnaire cannot be answered now; `reason` says why, for the page shown."""

    def __init__(self, questionnaire: Questionnaire, reason: str):
        self.questionnaire = questionnaire
        self.reason = reason  # "upcoming", "closed" or "invitation"
        super().__init__(reason)


# -- finding the questionnaire --------------------------------------------------------------

def public_questionnaire(consultation: Consultation) -> Questionnaire:
    """The consultation's published questionnaire, whatever its dates; 404 for none or a draft."""
    questionnaire = find_questionnaire(consultation)
    if questionnaire is None or questionnaire.status != "published":
        abort(404)
    return questionnaire


def has_privacy_notice(consultation: Consultation) -> bool:
    return readiness.has_privacy_notice(consultation)


def require_open(questionnaire: Questionnaire, now: datetime) -> None:
    state = questionnaire.state(now)
    if state != "open":
        raise QuestionnaireUnavailable(questionnaire, state)


# -- starting -------------------------------------------------------------------------------

@dataclass
class Start:
    email: str
    profile: Profile
    consents: dict[str, bool]


@dataclass
class StartResult:
    response: Response
    # The email was already known: the link goes to that address and is never shown here.
    known: bool


def find_response(questionnaire: Questionnaire, participant: Participant) -> Response | None:
    return db.session.scalar(select(Response).where(Response.questionnaire_id == questionnaire.id,
                                                    Response.participant_id == participant.id))


def get_or_create_response(questionnaire: Questionnaire, participant: Participant) -> Response:
    """The person's one response. Two tabs (or a double click) starting at once get the same row."""
    response = find_response(questionnaire, participant)
    if response is not None:
        return response
    response = Response(questionnaire_id=questionnaire.id, participant_id=participant.id, status="draft")
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
        return response
    except IntegrityError:
        return find_response(questionnaire, participant)


def start(questionnaire: Questionnaire, item: Start, now: datetime) -> StartResult:
    """Open access: match or create the participant (a known profile only gets its blanks filled),
    record the consents given, make their draft, and email the personal link.

    The link is never shown to whoever typed the address: that would let anyone who knows an
    email address claim it first and later read what its owner writes."""
    require_open(questionnaire, now)
    if questionnaire.access != "open":
        raise QuestionnaireUnavailable(questionnaire, "invitation")
    consultation = questionnaire.consultation
    participant, known = identify_from_form(consultation, item.email, item.profile, item.consents, CONSENT_SOURCE)
    response = get_or_create_response(questionnaire, participant)
    notifications.continue_link(response, now)
    return StartResult(response, known)


def send_my_link(questionnaire: Questionnaire, email: str, now: datetime) -> None:
    """"I lost my link": emails it if this address has a response or an invitation; says nothing
    either way (the page shown is the same, so nobody learns who takes part)."""
    participant = find_participant(questionnaire.consultation, email)
    if participant is None:
        return
    response = find_response(questionnaire, participant)
    if response is None:
        return
    notifications.continue_link(response, now)


# Statements of every autosave, built once: building and keying them again each time costs more than
# running them. One query: every page behind the link needs the person, the questionnaire and its consultation.
_RESPONSE_BY_ID = (select(Response).where(Response.id == bindparam("response_id"))
                   .options(joinedload(Response.participant).undefer(Participant.processing_agreed),
                            joinedload(Response.questionnaire).joinedload(Questionnaire.consultation)))
_NTH_PAGE_ID = (select(QuestionnairePage.id)
                .where(QuestionnairePage.questionnaire_id == bindparam("questionnaire_id"),
                       select(Question.id).where(Question.page_id == QuestionnairePage.id).exists())
                .order_by(QuestionnairePage.position, QuestionnairePage.id)
                .offset(bindparam("pages_before")).limit(1).scalar_subquery())
_PAGE_QUESTIONS = select(Question).where(Question.page_id == _NTH_PAGE_ID).order_by(Question.position, Question.id)
_PAGE_QUESTIONS_AND_ANSWERS = (
    select(Question, Answer)
    .outerjoin(Answer, and_(Answer.question_id == Question.id, Answer.response_id == bindparam("response_id")))
    .where(Question.page_id == _NTH_PAGE_ID).order_by(Question.position, Question.id)
)


def response_from_token(token: str) -> Response:
    """The response a personal link names, or LinkError ("expired" or "invalid")."""
    response_id, version = tokens.read_token(TOKEN_PURPOSE, token)
    response = db.session.scalar(_RESPONSE_BY_ID, {"response_id": response_id})
    if response is None or response.participant.link_version != version:
        raise tokens.LinkError("invalid")
    questionnaire = response.questionnaire
    if questionnaire.status != "published" or not questionnaire.consultation.is_public:
        raise tokens.LinkError("invalid")
    return response


def needs_profile(participant: Participant) -> bool:
    """Profile questions are asked once: someone invited by email alone answers them first."""
    return not (participant.name and participant.region and _agreed_to_processing(participant))


def _agreed_to_processing(participant: Participant) -> bool:
    """The latest processing decision (current_consent's): loaded with the participant behind a
    personal link, read alone otherwise when the history is not loaded. Every autosave asks."""
    if "consents" in participant.__dict__:
        return participant.current_consent("processing")
    return bool(participant.processing_agreed)


def complete_profile(response: Response, profile: Profile, consents: dict[str, bool]) -> None:
    """Through the personal link the person is who the email names: the profile is theirs to set."""
    participant = response.participant
    for name in ("name", "organisation", "region", "preferred_language", "category_id"):
        setattr(participant, name, getattr(profile, name))
    consultation = response.questionnaire.consultation
    record_consents(participant, consents, notice_version=consultation.privacy_notice_version,
                    source=CONSENT_SOURCE)


# -- the pages and their questions ----------------------------------------------------------

@dataclass
class Group:
    """Consecutive questions about the same orientation (a fieldset), or one general question."""

    topic: Topic | None
    questions: list[Question]


def answer_pages(questionnaire: Questionnaire) -> list[QuestionnairePage]:
    """The pages a participant goes through: those holding questions, in order."""
    pages = db.session.scalars(
        select(QuestionnairePage).where(QuestionnairePage.questionnaire_id == questionnaire.id)
        .options(selectinload(QuestionnairePage.questions).selectinload(Question.topic),
                 selectinload(QuestionnairePage.topic))
        .order_by(QuestionnairePage.position, QuestionnairePage.id)
    ).all()
    return [page for page in pages if page.questions]


def page_questions(questionnaire: Questionnaire, number: int) -> list[Question] | None:
    """The questions of the `number`-th page of answer_pages, in order, without loading the other
    pages' questions (what an autosave needs); None when there is no such page."""
    if number < 1:
        return None
    # A page is only counted when it holds questions: no question means no such page.
    questions = list(db.session.scalars(_PAGE_QUESTIONS, {"questionnaire_id": questionnaire.id,
                                                          "pages_before": number - 1}))
    return questions or None


def page_questions_and_answers(response: Response, number: int) -> tuple[list[Question], dict[int, Answer]] | None:
    """page_questions with the response's answers to them ({question id: answer}), in one statement:
    what an autosave reads before it saves. None when there is no such page."""
    if number < 1:
        return None
    rows = db.session.execute(_PAGE_QUESTIONS_AND_ANSWERS, {"questionnaire_id": response.questionnaire_id,
                                                            "pages_before": number - 1,
                                                            "response_id": response.id}).all()
    if not rows:
        return None
    return [question for question, _answer in rows], {answer.question_id: answer for _q, answer in rows if answer}


def ordered_questions(page: QuestionnairePage) -> list[Question]:
    return sorted(page.questions, key=lambda question: (question.position, question.id))


def groups_of(page: QuestionnairePage) -> list[Group]:
    groups: list[Group] = []
    for question in ordered_questions(page):
        if question.topic_id is not None and groups and groups[-1].topic is not None \
                and groups[-1].topic.id == question.topic_id:
            groups[-1].questions.append(question)
        else:
            groups.append(Group(question.topic, [question]))
    return groups


def answers_of(response: Response) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in db.session.scalars(
        select(Answer).where(Answer.response_id == response.id))}


@dataclass
class TopicProgress:
    topic: Topic
    answered: bool


@dataclass
class PageProgress:
    page: QuestionnairePage
    number: int
    topics: list[TopicProgress]
    answered: int  # questions answered on the page
    total: int


@dataclass
class Progress:
    pages: list[PageProgress]
    topics_answered: int
    topics_total: int
    questions_answered: int
    questions_total: int

    @property
    def percent(self) -> int:
        if self.topics_total:
            return round(100 * self.topics_answered / self.topics_total)
        return round(100 * self.questions_answered / self.questions_total) if self.questions_total else 0


def progress(pages: list[QuestionnairePage], answers: dict[int, Answer]) -> Progress:
    result = Progress([], 0, 0, 0, 0)
    for number, page in enumerate(pages, start=1):
        topics, answered = [], 0
        for group in groups_of(page):
            done = any(question.id in answers and not answers[question.id].is_empty for question in group.questions)
            answered += sum(1 for question in group.questions
                            if question.id in answers and not answers[question.id].is_empty)
            if group.topic is not None:
                topics.append(TopicProgress(group.topic, done))
        result.pages.append(PageProgress(page, number, topics, answered, len(page.questions)))
        result.topics_answered += sum(1 for topic in topics if topic.answered)
        result.topics_total += len(topics)
        result.questions_answered += answered
        result.questions_total += len(page.questions)
    return result
