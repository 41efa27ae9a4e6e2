"""The staff pages no other browser test walks through pass axe-core, in French and in English: a
code's page, one comment's suggestions, the privacy notice and retention, the incident register, the
consultation's words, the evaluation results, questions and settings, the glossary editor and a topic's
editor with its readability indicator."""
import pytest
from playwright.sync_api import expect

from tests.browser.demo_data import SLUG
from tests.conftest import STAFF_PASSWORD

EMAIL = "admin-a11y@example.org"


@pytest.fixture
def pages(app, demo):
    from consult.analysis.codebook import ensure_codebook
    from consult.extensions import db
    from consult.models import Code, PrivacyIncident
    from consult.suggestions import service
    from tests.factories import consultation_of, make_comment, make_participant

    with app.app_context():
        consultation = consultation_of(demo)
        ensure_codebook(consultation)
        person = make_participant(consultation, "p@example.org", region="AB", category="clinician")
        comment = make_comment(consultation, "Il faut des équipes interprofessionnelles près des gens, "
                               "avec un médecin de famille pour chacun.", channel="submission", participant=person)
        service.suggest_one(comment, None)
        incident = PrivacyIncident(consultation_id=consultation.id, description="Courriel envoyé au mauvais groupe.")
        db.session.add(incident)
        db.session.commit()
        code_id = db.session.query(Code.id).filter_by(consultation_id=consultation.id, key="PRECISER").scalar()
        base = f"/staff/consultations/{SLUG}"
        return [f"{base}/analysis/codebook/{code_id}", f"{base}/analysis/suggestions/{comment.id}",
                f"{base}/privacy", "/staff/privacy/incidents", "/staff/privacy/incidents/new",
                f"/staff/privacy/incidents/{incident.id}", f"{base}/vocabulary/",
                f"{base}/evaluation/", f"{base}/evaluation/items", f"{base}/evaluation/items/new",
                f"{base}/engagement-settings", f"{base}/glossary/", f"{base}/glossary/new", f"{base}/topics/1.1/edit"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_remaining_staff_pages_are_accessible(page, live_server, make_staff, pages, assert_accessible, lang):
    make_staff(EMAIL, ["admin", "analyst", "coordinator"])
    page.goto(live_server + "/staff/login?lang=fr")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")
    for path in pages:
        response = page.goto(f"{live_server}{path}?lang={lang}")
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page)
