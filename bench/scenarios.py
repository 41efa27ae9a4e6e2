"""The measured paths: what a person's browser sends on each, prepared before the load starts.

Each path is checked once by hand (its expected status) before wrk replays it, so that a path that
answers with a validation error, a redirect to a sign-in page or a 404 is reported, not timed."""
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, url_for
from sqlalchemy import select

from consult.extensions import db
from consult.models import Answer, Question, Questionnaire, Topic
from consult.questionnaires.notifications import TOKEN_PURPOSE
from consult.questionnaires.responding import page_questions
from consult.questionnaires.saving import fingerprint, stored_value
from consult.tokens import make_token

from . import datagen
from .client import Browser
from .load import Request

ORIENTATION = "1.1"
# Words people search for in the analysis workspace (accents and case are ignored by the search).
SEARCH_TERMS = ("équipes", "accès", "prévention", "infirmières", "financement", "communauté", "données",
                "proximité", "gouvernance", "santé mentale", "access", "care", "equity", "première ligne")
TYPED = ("Je précise ma pensée sur ce point.", "Il faudrait aussi parler des régions éloignées.",
         "We should add the community organisations.", "À revoir avec les équipes sur le terrain.")


@dataclass
class Prepared:
    requests: list[Request]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    app: Flask
    demo: datagen.Demo
    base: str
    work: Path
    autosave_drafts: list[int] = field(default_factory=list)
    submit_drafts: list[int] = field(default_factory=list)
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    staff: Browser | None = None

    def staff_browser(self) -> Browser:
        if self.staff is None:
            self.staff = Browser(self.base)
            self.staff.sign_in(datagen.STAFF_EMAIL, datagen.STAFF_PASSWORD)
        return self.staff

    def url(self, endpoint: str, **values) -> str | None:
        """The path of an endpoint, or None while the application does not have it."""
        if endpoint not in self.app.view_functions:
            return None
        with self.app.test_request_context():
            return url_for(endpoint, **values)


@dataclass
class Scenario:
    key: str
    label: str
    method: str
    expected: set[int]
    once: bool  # each request is a different person or response
    prepare: Callable[[Context, int], Prepared | None]


def _check(browser: Browser, request: Request, expected: set[int], headers: dict | None = None) -> None:
    answer = browser.request(request.method, request.path, request.form, headers)
    if answer.status not in expected:
        raise RuntimeError(f"{request.method} {request.path} answered {answer.status}, expected {sorted(expected)}: "
                           f"{answer.body[:300]}")


# -- public ----------------------------------------------------------------------------------------

def public_page(context: Context, _count: int) -> Prepared:
    path = f"/consultations/{context.demo.slug}/proposal/{ORIENTATION}"
    _check(Browser(context.base), Request("GET", path), {200})
    return Prepared([Request("GET", path)])


def _signup(forum_id: Callable[[datagen.Demo], int]):
    def prepare(context: Context, count: int) -> Prepared:
        path = f"/consultations/{context.demo.slug}/forums/{forum_id(context.demo)}/signup"
        browser = Browser(context.base)
        form = browser.form(path)
        template = dict(form.fields)
        template.update({"organisation": "Bench", "region": "QC", "preferred_language": "fr",
                         "category": next(value for value in form.options.get("category", ["", ""]) if value)})
        for box in form.checkboxes:
            if box in ("consent_processing", "consent_recording", "consent_quotation"):
                template[box] = "y"
        requests = []
        for _ in range(count + 1):
            number = next(context.serial)
            requests.append(Request("POST", path, {**template, "name": f"Signup {number}",
                                                   "email": f"signup{number}@bench.example.org"}))
        _check(browser, requests.pop(), {303})
        return Prepared(requests, {"Cookie": browser.cookie_header})

    return prepare


# -- questionnaire ---------------------------------------------------------------------------------

def _token(response_id: int) -> str:
    return make_token(TOKEN_PURPOSE, response_id, 1)


def _orientation_page(demo: datagen.Demo) -> int:
    """The first page about orientations: the one most people reach."""
    return next(page for _id, _topic, _prompt, page, placed in demo.text_questions if placed)


def _page_questions(demo: datagen.Demo, number: int) -> list[Question]:
    return page_questions(db.session.get(Questionnaire, demo.questionnaire_id), number)


def _page_fields(questions: list[Question], answers: dict[int, Answer]) -> dict[str, str]:
    """What the answering page's form sends: each field with what is saved, and its digest."""
    fields = {}
    for question in questions:
        value = stored_value(question, answers.get(question.id))
        # Choice questions have a checked "No answer" option: a value is always sent.
        fields[f"q-{question.id}"] = value
        fields[f"b-{question.id}"] = fingerprint(value)
    return fields


def autosave(context: Context, count: int) -> Prepared:
    """Someone typing on the first orientation page: the whole form is sent (htmx includes it), with
    one answer changed. Each request changes another answer of another response, so every one writes."""
    number = _orientation_page(context.demo)
    drafts = context.autosave_drafts
    with context.app.app_context():
        questions = _page_questions(context.demo, number)
        text_questions = [question for question in questions if question.is_text]
        saved: dict[int, dict[int, Answer]] = {response_id: {} for response_id in drafts}
        for answer in db.session.scalars(select(Answer).where(Answer.response_id.in_(drafts),
                                                              Answer.question_id.in_([q.id for q in questions]))):
            saved[answer.response_id][answer.question_id] = answer
        forms = {response_id: _page_fields(questions, saved[response_id]) for response_id in drafts}
        tokens = {response_id: _token(response_id) for response_id in drafts}
        db.session.remove()
    browser = Browser(context.base)
    first = drafts[0]
    page_form = browser.form(f"/questionnaire/{tokens[first]}/pages/{number}")
    sent = {name: value for name, value in page_form.fields.items() if name != "csrf_token"}
    if sent != forms[first]:
        differing = sorted(set(sent.items()) ^ set(forms[first].items()))[:4]
        raise RuntimeError(f"the answering page's form differs from what the benchmark would send: {differing}")
    rng = random.Random(3)
    requests = []
    for question, response_id in itertools.islice(itertools.product(text_questions, drafts), count + 1):
        fields = forms[response_id]
        typed = (fields[f"q-{question.id}"] + " " + rng.choice(TYPED)).strip()
        requests.append(Request("POST", f"/questionnaire/{tokens[response_id]}/pages/{number}/autosave",
                                {"csrf_token": page_form.csrf_token, **fields, f"q-{question.id}": typed}))
    headers = {"HX-Request": "true", "X-CSRFToken": page_form.csrf_token}
    _check(browser, requests.pop(0), {200}, headers)
    return Prepared(requests, {**headers, "Cookie": browser.cookie_header})


def submit(context: Context, count: int) -> Prepared:
    """Sending the questionnaire from its review page: each request a different draft response."""
    drafts = context.submit_drafts[:count + 1]
    with context.app.app_context():
        tokens = [_token(response_id) for response_id in drafts]
    browser = Browser(context.base)
    form = browser.form(f"/questionnaire/{tokens[0]}/review")
    requests = [Request("POST", f"/questionnaire/{token}/submit", {"csrf_token": form.csrf_token, "version": "0"})
                for token in tokens]
    _check(browser, requests.pop(0), {303})
    return Prepared(requests, {"Cookie": browser.cookie_header})


# -- analysis (staff) ------------------------------------------------------------------------------

def _orientation_id(context: Context) -> int:
    with context.app.app_context():
        topic_id = db.session.scalar(select(Topic.id).where(Topic.consultation_id == context.demo.consultation_id,
                                                            Topic.code == ORIENTATION))
        db.session.remove()
    return topic_id


def analysis_topic(context: Context, _count: int) -> Prepared | None:
    path = context.url("analysis.topic", slug=context.demo.slug, topic_id=_orientation_id(context))
    if path is None:
        return None
    browser = context.staff_browser()
    _check(browser, Request("GET", path), {200})
    return Prepared([Request("GET", path)], {"Cookie": browser.cookie_header})


def analysis_search(context: Context, _count: int) -> Prepared | None:
    paths = [context.url("analysis.comments", slug=context.demo.slug, q=term) for term in SEARCH_TERMS]
    if None in paths:
        return None
    browser = context.staff_browser()
    _check(browser, Request("GET", paths[0]), {200})
    return Prepared([Request("GET", path) for path in paths], {"Cookie": browser.cookie_header})


SCENARIOS = [
    Scenario("public_page", "Public orientation page", "GET", {200}, False, public_page),
    Scenario("signup_seat", "Forum sign-up (seat)", "POST", {303}, True,
             _signup(lambda demo: demo.large_forum_id)),
    Scenario("signup_waitlist", "Forum sign-up (waitlist)", "POST", {303}, True,
             _signup(lambda demo: demo.waitlist_forum_id)),
    Scenario("autosave", "Questionnaire autosave", "POST", {200}, True, autosave),
    Scenario("submit", "Questionnaire submit", "POST", {303}, True, submit),
    Scenario("analysis_topic", "Analysis: orientation view", "GET", {200}, False, analysis_topic),
    Scenario("analysis_search", "Analysis: search", "GET", {200}, False, analysis_search),
]
BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}
