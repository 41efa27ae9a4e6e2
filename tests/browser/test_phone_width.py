"""On a 375 px phone every public page fits the screen (the synoptic table too: no sideways scrolling),
the site's icon loads (no 404 in the console), and in both languages."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from consult.demo.forums import add_demo_forums
from consult.extensions import db
from consult.forums import registration as seats
from consult.models import Forum
from consult.questionnaires.builder import ensure_demo_questionnaire
from consult.tokens import make_token
from tests.factories import consultation_of, make_participant

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def public_pages(app, demo):
    now = datetime.now(timezone.utc)
    with app.app_context():
        consultation = consultation_of(demo)
        add_demo_forums(consultation, now.astimezone(consultation.tz).date())
        ensure_demo_questionnaire(consultation, now)
        forum = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id)
                                   .order_by(Forum.starts_at)).first()
        person = make_participant(consultation, "ana@example.org", region="QC", category="clinician")
        item = seats.register(forum, person).registration
        token = make_token("registration", item.id, person.link_version)
        db.session.commit()
        base = f"/consultations/{demo}"
        return ["/", f"{base}/", f"{base}/proposal/", f"{base}/proposal/G", f"{base}/proposal/1.1",
                f"{base}/synoptic", f"{base}/forums/", f"{base}/forums/{forum.id}/signup", f"{base}/questionnaire/",
                f"{base}/submissions/new", f"{base}/my-data", f"/registrations/{token}", "/staff/login"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_fit_a_phone_and_find_their_icon(browser, live_server, public_pages, lang):
    context = browser.new_context(locale="fr-CA", viewport=PHONE)
    page = context.new_page()
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    too_wide = {}
    for path in public_pages:
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
        page.wait_for_load_state("networkidle")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            too_wide[path] = widths
    context.close()
    assert not too_wide, f"pages wider than a {PHONE['width']} px phone: {too_wide}"
    assert not missing, f"requests that failed: {missing}"
