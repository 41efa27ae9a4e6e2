"""The work behind the questionnaire pages: starting, personal links, autosaving answers, progress,
submitting with a receipt, invitations and reminders, and the staff's reading of the responses.

Services flush; the view (or command, or test) commits once. One response per participant and
questionnaire, one answer per response and question: both are guarded by unique constraints, and
the rows are created inside a SAVEPOINT so that a double click or a second tab re-reads the row
the other request made instead of failing or making a second one.
"""
import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import readiness, tokens
from ..extensions import db
from ..i18n import localized
from ..lookups import get_owned_or_404
from ..models import (
    Answer,
    AnswerVersion,
    Consent,
    Consultation,
    Invitation,
    Participant,
    Question,
    Questionnaire,
    QuestionnairePage,
    Response,
    Topic,
)
from ..participants.fields import single_line
from ..participants.services import (
    InvalidEmail,
    Profile,
    find_or_create_participant,
    find_participant,
    identify_from_form,
    normalise_email,
    record_consents,
)
from . import notifications
from .builder import audit, find_questionnaire
from .notifications import TOKEN_PURPOSE, response_token

__all__ = ["response_token"]

CONSENT_SOURCE = "questionnaire"
PER_PAGE = 50
INVITATIONS_PER_PAGE = 100
MAX_INVITATIONS = 2000  # one paste or file at most


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
                   .options(joinedload(Response.participant),
                            joinedload(Response.questionnaire).joinedload(Questionnaire.consultation)))
_PROCESSING_DECISION = (select(Consent.granted)
                        .where(Consent.participant_id == bindparam("participant_id"), Consent.purpose == "processing")
                        .order_by(Consent.at.desc(), Consent.id.desc()).limit(1))
_NTH_PAGE_ID = (select(QuestionnairePage.id)
                .where(QuestionnairePage.questionnaire_id == bindparam("questionnaire_id"),
                       select(Question.id).where(Question.page_id == QuestionnairePage.id).exists())
                .order_by(QuestionnairePage.position, QuestionnairePage.id)
                .offset(bindparam("pages_before")).limit(1).scalar_subquery())
_PAGE_QUESTIONS = select(Question).where(Question.page_id == _NTH_PAGE_ID).order_by(Question.position, Question.id)
_ANSWER = select(Answer).where(Answer.response_id == bindparam("response_id"),
                               Answer.question_id == bindparam("question_id"))


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
    """The latest processing decision (current_consent's), read alone when the history is not loaded:
    every autosave asks."""
    if "consents" in participant.__dict__:
        return participant.current_consent("processing")
    return bool(db.session.scalar(_PROCESSING_DECISION, {"participant_id": participant.id}))


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


# -- saving answers -------------------------------------------------------------------------

def normalise_text(raw: str) -> str:
    """Browsers send line breaks as CRLF; a line break counts as one character, as in maxlength."""
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n")


def fingerprint(value) -> str:
    """A short digest of an answer as a page showed it: the page sends it back with the answer, so that
    only the answers changed in that page are written (another tab's answers are left alone)."""
    text = "\x1f".join(sorted(value)) if isinstance(value, list) else normalise_text(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stored_value(question: Question, answer: Answer | None):
    if answer is None:
        return [] if question.is_multiple else ""
    return list(answer.choices or []) if question.is_multiple else answer.value


@dataclass
class AnswerError:
    code: str  # "too_long" or "invalid_choice"
    length: int = 0


@dataclass
class SaveResult:
    saved: list[Question] = field(default_factory=list)
    errors: dict[int, AnswerError] = field(default_factory=dict)
    # What was sent for each question of the page, to show it again when a problem is reported.
    values: dict[int, object] = field(default_factory=dict)


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def baseline_name(question: Question) -> str:
    return f"b-{question.id}"


def read_answer(question: Question, form) -> tuple[bool, object, AnswerError | None]:
    """(sent, value, error) for one question of a posted page."""
    name = field_name(question)
    if question.is_multiple:
        if baseline_name(question) not in form and name not in form:
            return False, [], None
        chosen = [value for value in form.getlist(name) if value]
        if any(value not in question.option_values for value in chosen):
            return True, chosen, AnswerError("invalid_choice")
        return True, [value for value in question.option_values if value in chosen], None
    if name not in form and baseline_name(question) not in form:
        return False, "", None
    raw = form.get(name, "")
    if question.is_text:
        value = normalise_text(raw)
        if len(value) > question.max_length:
            return True, value, AnswerError("too_long", len(value))
        return True, value, None
    if raw and raw not in question.option_values:
        return True, raw, AnswerError("invalid_choice")
    return True, raw, None


def typed_values(questions: list[Question], form) -> dict[int, object]:
    """What a posted page holds for each of its questions, to show it again as typed."""
    values = {}
    for question in questions:
        sent, value, _error = read_answer(question, form)
        if sent:
            values[question.id] = value
    return values


def _find_answer(response: Response, question: Question) -> Answer | None:
    return db.session.scalar(_ANSWER, {"response_id": response.id, "question_id": question.id})


def _write(response: Response, question: Question, value, now: datetime, answer: Answer | None) -> bool:
    """Upsert one answer (`answer` is its row, if any); True when it changed. After a submission, each
    change is kept as a version."""
    text = "" if question.is_multiple else value
    choices = list(value) if question.is_multiple else []
    if answer is None:
        if not text.strip() and not choices:
            return False  # nothing to keep
        answer = Answer(response_id=response.id, question_id=question.id, value=text, choices=choices,
                        updated_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(answer)
                db.session.flush()
        except IntegrityError:
            # Another tab saved this question a moment ago: update its row (last write wins).
            answer = _find_answer(response, question)
        else:
            _keep_version(response, answer, now)
            return True
    if answer.value == text and list(answer.choices or []) == choices:
        return False
    answer.value, answer.choices, answer.updated_at = text, choices, now
    _keep_version(response, answer, now)
    return True


def _keep_overwritten(response: Response, question: Question, answer: Answer | None, baseline: str | None,
                      now: datetime) -> None:
    """The same question changed in two tabs: the text this page did not see is about to be replaced.
    It is kept as a version, so that no text is ever lost (the newest write is the answer)."""
    if baseline is None:
        return
    if answer is None or baseline == fingerprint(stored_value(question, answer)) or answer.is_empty:
        return
    if response.version < 1:  # after a submission every change is kept anyway
        db.session.add(AnswerVersion(answer=answer, value=answer.value, choices=list(answer.choices or []),
                                     saved_at=now, response_version=response.version))


def _keep_version(response: Response, answer: Answer, now: datetime) -> None:
    if response.version >= 1:
        db.session.add(AnswerVersion(answer=answer, value=answer.value, choices=list(answer.choices or []),
                                     saved_at=now, response_version=response.version))


def save_answers(response: Response, questions: list[Question], form, now: datetime) -> SaveResult:
    """Save the answers a page sent that this page changed (their digest differs from the one the page
    was shown with); answers with a problem are not saved and are reported. Idempotent: sending the
    same page twice changes nothing the second time."""
    require_open(response.questionnaire, now)
    result = SaveResult()
    for question in questions:
        sent, value, error = read_answer(question, form)
        if not sent:
            continue
        result.values[question.id] = value
        if error is not None:
            result.errors[question.id] = error
            continue
        baseline = form.get(baseline_name(question))
        if baseline is not None and baseline == fingerprint(value):
            continue  # not changed in this page: another tab's newer text stays
        answer = _find_answer(response, question)  # one lookup serves both steps
        _keep_overwritten(response, question, answer, baseline, now)
        if _write(response, question, value, now, answer):
            result.saved.append(question)
    if result.saved:
        response.updated_at = now
        response.started_at = response.started_at or now
    db.session.flush()
    return result


# -- review and submission ------------------------------------------------------------------

def missing_required(pages: list[QuestionnairePage], answers: dict[int, Answer]) -> list[tuple[int, Question]]:
    """(page number, question) for every required question without an answer."""
    return [(number, question) for number, page in enumerate(pages, start=1) for question in ordered_questions(page)
            if question.required and (question.id not in answers or answers[question.id].is_empty)]


def changed_since_submission(response: Response) -> bool:
    return response.submitted_at is not None and response.updated_at > response.submitted_at


@dataclass
class SubmitOutcome:
    submitted: bool  # False: already submitted (a double click) or required answers missing
    missing: list[tuple[int, Question]] = field(default_factory=list)


def _latest_versions(answers) -> dict[int, AnswerVersion]:
    """{answer id: its latest version}, in one query whatever the number of answers."""
    ids = [answer.id for answer in answers]
    if not ids:
        return {}
    latest = (select(func.max(AnswerVersion.id)).where(AnswerVersion.answer_id.in_(ids))
              .group_by(AnswerVersion.answer_id))
    return {version.answer_id: version for version in db.session.scalars(
        select(AnswerVersion).where(AnswerVersion.id.in_(latest)))}


def submit(response: Response, seen_version: int, now: datetime) -> SubmitOutcome:
    """Submit (or submit again after changes): a new version, a receipt email with a copy of the answers.
    The update is conditional on the version the review page showed, so a double submit counts once."""
    require_open(response.questionnaire, now)
    pages = answer_pages(response.questionnaire)
    answers = answers_of(response)
    missing = missing_required(pages, answers)
    if missing:
        return SubmitOutcome(False, missing)
    if response.status == "submitted" and not changed_since_submission(response):
        return SubmitOutcome(False)
    claimed = db.session.execute(
        update(Response).where(Response.id == response.id, Response.version == seen_version)
        .values(status="submitted", version=Response.version + 1, submitted_at=now, updated_at=now,
                started_at=func.coalesce(Response.started_at, now))
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.refresh(response)
    if not claimed:
        return SubmitOutcome(False)
    latest_versions = _latest_versions(answers.values())
    for answer in answers.values():
        latest = latest_versions.get(answer.id)
        if latest is None or latest.value != answer.value or list(latest.choices or []) != list(answer.choices or []):
            db.session.add(AnswerVersion(answer_id=answer.id, value=answer.value, choices=list(answer.choices or []),
                                         saved_at=now, response_version=response.version))
    db.session.flush()
    # Analysis: the submitted long answers become comments (imported here: analysis imports this package).
    from ..analysis.derivation import sync_response
    sync_response(response)
    notifications.receipt(response, answer_sections(pages, answers, response.participant.preferred_language))
    return SubmitOutcome(True)


# -- a copy of the answers (review page, receipt, staff) ------------------------------------

@dataclass
class CopyItem:
    question: Question
    label: object  # Localized
    text: str  # the answer as text ("" when not answered)


@dataclass
class CopyGroup:
    topic: Topic | None
    title: object  # Localized, or "" for a general question
    items: list[CopyItem]


@dataclass
class CopySection:
    number: int
    page: QuestionnairePage
    title: object
    groups: list[CopyGroup]

    @property
    def answered(self) -> bool:
        return any(item.text for group in self.groups for item in group.items)


def answer_text(question: Question, answer: Answer | None, lang: str | None = None) -> str:
    if answer is None or answer.is_empty:
        return ""
    if question.is_text:
        return answer.value.strip()
    labels = {option["value"]: answer_text_of_option(option, lang) for option in question.options or []}
    if question.is_multiple:
        return "; ".join(labels.get(value, value) for value in answer.choices or [])
    return labels.get(answer.value, answer.value)


def answer_text_of_option(option: dict, lang: str | None = None) -> str:
    return localized(_Option(option), "label", lang).text


class _Option:
    """An option dict read like a model, for `localized`."""

    def __init__(self, option: dict):
        self.label_fr = option.get("label_fr", "")
        self.label_en = option.get("label_en", "")


def answer_sections(pages: list[QuestionnairePage], answers: dict[int, Answer],
                    lang: str | None = None) -> list[CopySection]:
    sections = []
    for number, page in enumerate(pages, start=1):
        groups = []
        for group in groups_of(page):
            title = topic_title(group.topic, lang) if group.topic is not None else ""
            items = [CopyItem(question, localized(question, "label", lang),
                              answer_text(question, answers.get(question.id), lang)) for question in group.questions]
            groups.append(CopyGroup(group.topic, title, items))
        sections.append(CopySection(number, page, localized(page, "title", lang), groups))
    return sections


def topic_title(topic: Topic, lang: str | None = None):
    return localized(topic, "title", lang)


# -- invitations ----------------------------------------------------------------------------

@dataclass
class EmailList:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (email, name), each email once
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, line)
    repeated: int = 0


def parse_email_list(text: str) -> EmailList:
    """One person a line: an email, optionally with a name ("ana@example.org, Ana Tremblay" or a CSV
    with a header). Lines without a valid email are reported with their number."""
    result, seen = EmailList(), set()
    reader = csv.reader(io.StringIO(normalise_text(text)), delimiter=_delimiter(text))
    for number, cells in enumerate(reader, start=1):
        cells = [cell.strip() for cell in cells if cell.strip()]
        if not cells:
            continue
        address = next((cell for cell in cells if "@" in cell), None)
        if address is None and number == 1 and len(result.entries) == 0:
            continue  # a CSV header ("email,name")
        try:
            email = normalise_email((address or "").strip("<>\"' "))
        except InvalidEmail:
            result.invalid.append((number, ", ".join(cells)[:200]))
            continue
        if email in seen:
            result.repeated += 1
            continue
        seen.add(email)
        name = next((cell for cell in cells if cell != address), "")
        result.entries.append((email, name[:200]))
    return result


def _delimiter(text: str) -> str:
    first = (text or "").split("\n", 1)[0]
    return max((";", "\t", ","), key=first.count) if any(sep in first for sep in ";\t,") else ","


@dataclass
class InviteReport:
    invited: int = 0
    already: int = 0
    # Addresses beyond MAX_INVITATIONS in one go: not invited, and said so.
    left_over: int = 0


def invite(questionnaire: Questionnaire, entries: list[tuple[str, str]], language: str, actor_id: int | None,
           now: datetime) -> InviteReport:
    """Invite each address once: a participant (the same person as in the forums), their response and an
    invitation email with their personal link, queued in the outbox. Inviting again sends nothing new."""
    report = InviteReport()
    consultation = questionnaire.consultation
    report.left_over = max(len(entries) - MAX_INVITATIONS, 0)
    for email, name in entries[:MAX_INVITATIONS]:
        participant = find_participant(consultation, email)
        if participant is None:
            participant = find_or_create_participant(
                consultation, email, Profile(name=single_line(name), preferred_language=language))
        item = db.session.scalar(select(Invitation).where(Invitation.questionnaire_id == questionnaire.id,
                                                          Invitation.participant_id == participant.id))
        if item is not None:
            report.already += 1
            continue
        item = Invitation(questionnaire_id=questionnaire.id, participant_id=participant.id, sent_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(item)
                db.session.flush()
        except IntegrityError:
            report.already += 1
            continue
        response = get_or_create_response(questionnaire, participant)
        notifications.invitation(item, response)
        report.invited += 1
    db.session.flush()
    audit(actor_id, "questionnaire.invited", "questionnaire", questionnaire.id, consultation.id,
          invited=report.invited, already=report.already)
    return report


INVITATION_STATUSES = ("sent", "started", "submitted")


def invitation_status(response: Response | None) -> str:
    if response is not None and response.submitted_at is not None:
        return "submitted"
    if response is not None and response.started_at is not None:
        return "started"
    return "sent"


@dataclass
class InvitationRow:
    invitation: Invitation
    participant: Participant
    response: Response | None
    status: str


@dataclass
class InvitationListing:
    rows: list[InvitationRow]
    counts: dict[str, int]
    page: int
    pages: int
    total: int


def list_invitations(questionnaire: Questionnaire, page: int = 1) -> InvitationListing:
    query = (select(Invitation, Participant, Response).join(Participant, Invitation.participant_id == Participant.id)
             .outerjoin(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                        & (Response.participant_id == Invitation.participant_id))
             .where(Invitation.questionnaire_id == questionnaire.id).order_by(Participant.email))
    total = db.session.scalar(select(func.count()).select_from(Invitation)
                              .where(Invitation.questionnaire_id == questionnaire.id)) or 0
    pages = max((total + INVITATIONS_PER_PAGE - 1) // INVITATIONS_PER_PAGE, 1)
    page = min(max(page, 1), pages)
    rows = [InvitationRow(item, participant, response, invitation_status(response)) for item, participant, response
            in db.session.execute(query.limit(INVITATIONS_PER_PAGE).offset((page - 1) * INVITATIONS_PER_PAGE))]
    counts = dict.fromkeys(INVITATION_STATUSES, 0)
    for submitted_at, started_at in db.session.execute(
            select(Response.submitted_at, Response.started_at).select_from(Invitation)
            .outerjoin(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                       & (Response.participant_id == Invitation.participant_id))
            .where(Invitation.questionnaire_id == questionnaire.id)):
        counts["submitted" if submitted_at else "started" if started_at else "sent"] += 1
    return InvitationListing(rows, counts, page, pages, total)


def remind(questionnaire: Questionnaire, actor_id: int | None, now: datetime) -> int:
    """Remind everyone invited who has not submitted: at most once a day per person, however often
    the button is pressed (the outbox refuses the second message of the day)."""
    day = now.astimezone(questionnaire.consultation.tz).date().isoformat()
    count = 0
    for item, response in db.session.execute(
            select(Invitation, Response).join(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                                              & (Response.participant_id == Invitation.participant_id))
            .where(Invitation.questionnaire_id == questionnaire.id, Response.submitted_at.is_(None))):
        if notifications.reminder(item, response, day) is not None:
            item.reminded_at = now
            item.reminders += 1
            count += 1
    db.session.flush()
    audit(actor_id, "questionnaire.reminded", "questionnaire", questionnaire.id, questionnaire.consultation_id,
          reminded=count)
    return count


# -- staff: the responses -------------------------------------------------------------------

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
