"""Saving answers (autosave and the Save buttons, with the text overwritten from another tab kept as a
version), then review and submission with a receipt. One answer per response and question, guarded by
a unique constraint (INSERT ... ON CONFLICT DO NOTHING); the caller commits once."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..channels.questionnaire import sync_response
from ..extensions import db
from ..models import (
    Answer,
    AnswerVersion,
    Question,
    QuestionnairePage,
    Response,
)
from ..new_rows import insert_unless_taken
from . import notifications
from .copies import answer_sections
from .responding import answer_pages, answers_of, ordered_questions, require_open

_ANSWER = select(Answer).where(Answer.response_id == bindparam("response_id"),
                               Answer.question_id == bindparam("question_id"))


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


def _insert_answer(response: Response, question: Question, text: str, choices: list, now: datetime) -> int | None:
    """The new answer's id; None when the row exists already (the unique constraint decides). A new
    answer replaces no change stamp: see change_stamps."""
    return insert_unless_taken(Answer.__table__, {"response_id": response.id, "question_id": question.id,
                                                  "value": text, "choices": choices, "updated_at": now})


def _write(response: Response, question: Question, value, now: datetime, answer: Answer | None) -> bool:
    """Upsert one answer (`answer` is its row, if any); True when it changed. After a submission, each
    change is kept as a version."""
    text = "" if question.is_multiple else value
    choices = list(value) if question.is_multiple else []
    if answer is None:
        if not text.strip() and not choices:
            return False  # nothing to keep
        answer_id = _insert_answer(response, question, text, choices, now)
        if answer_id is not None:
            if response.version >= 1:
                db.session.add(AnswerVersion(answer_id=answer_id, value=text, choices=list(choices), saved_at=now,
                                             response_version=response.version))
            return True
        # Another tab saved this question a moment ago: update its row (last write wins).
        answer = _find_answer(response, question)
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


_RESPONSES = Response.__table__
_NOW = bindparam("now", type_=_RESPONSES.c.updated_at.type)
_STAMP = (update(_RESPONSES).where(_RESPONSES.c.id == bindparam("response_id"))
          .values(updated_at=_NOW, started_at=func.coalesce(_RESPONSES.c.started_at, _NOW)))


def _stamp(response: Response, now: datetime) -> None:
    """When the response last changed (and first did): one UPDATE on the session's connection, without
    a unit-of-work flush of the response (it replaces no change stamp), the loaded row kept in step."""
    db.session.connection().execute(_STAMP, {"response_id": response.id, "now": now})
    set_committed_value(response, "updated_at", now)
    if response.started_at is None:
        set_committed_value(response, "started_at", now)


def save_answers(response: Response, questions: list[Question], form, now: datetime,
                 answers: dict[int, Answer] | None = None) -> SaveResult:
    """Save the answers a page sent that this page changed (their digest differs from the one the page
    was shown with); answers with a problem are not saved and are reported. Idempotent: sending the
    same page twice changes nothing the second time. `answers`: the response's answers to these
    questions, read in this transaction with them (page_questions_and_answers), else each is looked up."""
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
        # One lookup serves both steps.
        answer = answers.get(question.id) if answers is not None else _find_answer(response, question)
        _keep_overwritten(response, question, answer, baseline, now)
        if _write(response, question, value, now, answer):
            result.saved.append(question)
    if result.saved:
        _stamp(response, now)
    db.session.flush()
    if result.saved and response.status == "submitted":
        # A change saved after submitting is part of the response, as a resubmission would be: its comments
        # take the new text (coded ones are marked for re-review, their codes kept).
        sync_response(response)
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
    # Analysis: the submitted long answers become comments.
    sync_response(response)
    notifications.receipt(response, answer_sections(pages, answers, response.participant.preferred_language))
    return SubmitOutcome(True)
