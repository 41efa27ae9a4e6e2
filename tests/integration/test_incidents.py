"""The register of confidentiality incidents: administrators only, every change audited."""
import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, PrivacyIncident
from tests.conftest import csrf_token_from, submit_form
from tests.factories import consultation_of

LIST = "/staff/privacy/incidents"
FIELDS = {
    "consultation_id": "",
    "occurred_on": "2026-03-02",
    "discovered_on": "2026-03-04",
    "description": "Un courriel de rappel a été envoyé avec les adresses des destinataires visibles.",
    "information_concerned": "Adresses courriel",
    "people_affected": "42",
    "measures_taken": "Message d'excuse; envoi en copie cachée vérifié.",
    "authority_notified_on": "",
    "people_notified_on": "2026-03-05",
    "status": "open",
}


def test_an_admin_records_an_incident_and_finds_it_in_the_register(app, client, login, demo):
    login(["admin"])
    empty = client.get(LIST, query_string={"lang": "en"}).get_data(as_text=True)
    assert "No incident has been recorded." in empty
    with app.app_context():
        consultation_id = consultation_of(demo).id
    response = submit_form(client, LIST + "/new", {**FIELDS, "consultation_id": str(consultation_id),
                                                    "risk_of_serious_injury": "y"})
    assert response.status_code == 303 and response.headers["Location"] == LIST
    html = client.get(LIST, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Un courriel de rappel" in html and ">42<" in html and "Incident 1" in html
    with app.app_context():
        incident = db.session.scalar(select(PrivacyIncident))
        assert incident.consultation_id == consultation_id and incident.risk_of_serious_injury
        assert incident.people_affected == 42 and incident.status == "open"
        assert incident.discovered_at.astimezone(incident.discovered_at.tzinfo).date().isoformat() == "2026-03-04"
        assert incident.recorded_by is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy_incident.create"))
        assert event.object_id == str(incident.id) and event.actor_id == incident.recorded_by_id


def test_an_admin_edits_an_incident_and_the_change_is_audited(app, client, login, demo):
    login(["admin"])
    submit_form(client, LIST + "/new", FIELDS)
    with app.app_context():
        incident_id = db.session.scalar(select(PrivacyIncident.id))
    page = f"{LIST}/{incident_id}"
    form = client.get(page).get_data(as_text=True)
    assert 'value="2026-03-04"' in form and "Adresses courriel" in form
    response = submit_form(client, page, {**FIELDS, "status": "closed", "authority_notified_on": "2026-03-06"})
    assert response.status_code == 303
    with app.app_context():
        incident = db.session.get(PrivacyIncident, incident_id)
        assert incident.status == "closed" and incident.authority_notified_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy_incident.update"))
        assert event.detail["changed"] == ["authority_notified_at", "status"]
        assert "courriel" not in str(event.detail), "the audit keeps field names, not the texts"
    unchanged = submit_form(client, page, {**FIELDS, "status": "closed", "authority_notified_on": "2026-03-06"})
    assert unchanged.status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "privacy_incident.update")).all()) == 1


def test_a_refused_incident_keeps_what_was_typed(client, login):
    login(["admin"])
    response = submit_form(client, LIST + "/new?lang=en", {**FIELDS, "description": "", "discovered_on": "2026-03-01",
                                                           "people_affected": "many"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe the incident." in html and "Enter a whole number." in html
    assert "An incident is discovered on or after the day it happened." in html
    assert "Message d&#39;excuse; envoi en copie cachée vérifié." in html


def test_an_unknown_incident_is_404(client, login):
    login(["admin"])
    assert client.get(f"{LIST}/999").status_code == 404


@pytest.mark.parametrize("role", ["organizer", "analyst", "coordinator"])
def test_only_admins_see_or_change_the_register(app, client, login, role):
    with app.app_context():
        db.session.add(PrivacyIncident(description="Secret"))
        db.session.commit()
        incident_id = db.session.scalar(select(PrivacyIncident.id))
    login([role])
    for url in (LIST, LIST + "/new", f"{LIST}/{incident_id}"):
        assert client.get(url).status_code == 403, url
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    assert client.post(LIST + "/new", data={**FIELDS, "csrf_token": token}).status_code == 403
    assert client.post(f"{LIST}/{incident_id}", data={**FIELDS, "csrf_token": token}).status_code == 403
    with app.app_context():
        assert [item.description for item in db.session.scalars(select(PrivacyIncident))] == ["Secret"]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
