"""The English-only demo consultation names its levels "key elements / sub-headings", asks its own
questions and codes with its own codes: no page of it, public or staff, in either interface language,
speaks of the reference consultation's axes, orientations or PRÉCISER."""
import re
from collections import deque
from datetime import datetime, timezone
from urllib.parse import urldefrag, urlsplit

import pytest

from consult.channels.questionnaire import sync_response
from consult.extensions import db
from consult.models import Answer, Consent, Question, Response
from consult.questionnaires.builder import find_questionnaire
from consult.questionnaires.notifications import response_token
from tests.conftest import SEEDED_DEMO
from tests.factories import consultation_of, make_participant

SLUG = "caregivers-interview-study"
FORBIDDEN = re.compile(r"\b([Aa]xis|[Aa]xes|[Aa]xe|[Oo]rientations?|ORIENTATIONS?|AX[EI]S?|PR[ÉE]CISER)\b")
LINK = re.compile(r'\shref="([^"]+)"')
# Leaving the consultation, signing out, downloads the crawl has no use reading as pages.
SKIP = re.compile(r"/staff/logout|/static/|\.docx|/comments\.(csv|xlsx|json)|/participation\.csv|/export$")


def _visible_text(html: str) -> str:
    """What a person reads: text and the attributes read aloud, not ids, classes or addresses."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    spoken = " ".join(re.findall(r'\s(?:aria-label|title|alt|placeholder)="([^"]*)"', html))
    # A value shows only in a text box or a button; a radio's, a checkbox's or a hidden field's is data.
    for tag in re.findall(r"<input\b[^>]*>", html):
        kind = re.search(r'\stype="([^"]*)"', tag)
        if (kind.group(1) if kind else "text") in ("text", "submit", "button", "search"):
            spoken += " " + " ".join(re.findall(r'\svalue="([^"]*)"', tag))
    return re.sub(r"<[^>]+>", " ", html) + " " + spoken


@pytest.fixture
def english_demo(app, seed_demo):
    result = seed_demo("--no-staff")
    assert result.exit_code == 0, result.output
    with app.app_context():
        consultation = consultation_of(SLUG)
        questionnaire = find_questionnaire(consultation)
        participant = make_participant(consultation, "reader@example.org", name="Reader", language="en",
                                       category="caregiver", quotation=True)
        participant.consents.append(Consent(purpose="processing", granted=True, source="test"))
        response = Response(questionnaire_id=questionnaire.id, participant=participant, status="submitted",
                            submitted_at=datetime.now(timezone.utc))
        db.session.add(response)
        db.session.flush()
        question = db.session.scalars(db.select(Question).where(Question.prompt == "rings-true")
                                      .join(Question.page).where(Question.page.has(questionnaire_id=questionnaire.id))
                                      ).first()
        db.session.add(Answer(response_id=response.id, question_id=question.id,
                              value="Being asked what I could take on made all the difference for my mother."))
        db.session.flush()
        sync_response(response)
        db.session.commit()
        token = response_token(response)
    return token


def _crawl(client, starts, lang, token):
    seen, queue, found = set(), deque(starts), []
    while queue:
        url = queue.popleft()
        if url in seen or len(seen) > 150:
            continue
        seen.add(url)
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
        assert response.status_code < 400, f"{url} answered {response.status_code}"
        if response.status_code in (301, 302, 303):
            queue.append(urlsplit(response.headers["Location"]).path)
            continue
        if not response.mimetype.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        for word in FORBIDDEN.findall(_visible_text(html)):
            found.append((url, word))
        for href in LINK.findall(html):
            target = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(target)
            if parts.netloc or SKIP.search(parts.path) or not parts.path:
                continue
            if SLUG in parts.path or parts.path.startswith(f"/questionnaire/{token}/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query and "lang=" not in parts.query else ""))
    return seen, found


@pytest.mark.parametrize("lang", ["en", "fr"])
@SEEDED_DEMO
def test_no_page_of_the_english_demo_speaks_of_axes_or_orientations(english_demo, login, lang):
    client = login(["admin", "coordinator", "analyst", "organizer"])
    token = english_demo
    starts = [f"/consultations/{SLUG}", f"/staff/consultations/{SLUG}/", f"/staff/consultations/{SLUG}/vocabulary/",
              f"/questionnaire/{token}/"]
    seen, found = _crawl(client, starts, lang, token)
    assert f"/questionnaire/{token}/pages/1" in seen
    assert len(seen) > 25, sorted(seen)
    assert not found, found
