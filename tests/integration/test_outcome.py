"""The public outcome page and its publishing: one email per participant who took part and still agrees
to the use of their contributions, in their language, saying what came of each of their comments that
supports a proposed change, never to an erased person, never twice; small groups shown as "fewer than 5";
quotes that follow consent; a decision changed after publishing shows its date; the level of
participation on the consultation page; "your contribution" on My data."""
import html
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.items.decisions import DecisionInput, record_decision
from consult.items.services import Statement, create_item
from consult.mail.delivery import deliver_pending
from consult.models import Consent, ModificationItem, OutboxMessage, Participant
from consult.models.base import utcnow
from consult.outcome import services
from consult.privacy.services import erase, my_data_token
from tests.conftest import submit_form
from tests.factories import consultation_of, make_comment, make_participant, topic_of
from tests.items_data import PRIVATE, QUOTE, seed


@pytest.fixture
def data(app, demo):
    with app.app_context():
        found = seed(demo)
        consultation = consultation_of(demo)
        ids = found["comments"]
        item = create_item(consultation, topic_of(consultation, "1.1"), "clarify",
                           Statement("ÉNONCÉ-FR Une liste d'attente publique", "STATEMENT-EN One public wait list"),
                           None, [ids["quote"], ids["private"], ids["note"], ids["carl"], ids["eve"]])
        record_decision(item, DecisionInput("retained", "RAISON-FR", "REASON-EN", "", "Section 1.1, revised",
                                            "https://example.org/v2"), None, utcnow())
        db.session.commit()
        found["item"] = item.id
        return found


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def outcome_url(data):
    return f"/consultations/{data['slug']}/outcome"


def publish(client, data):
    return submit_form(client, f"/staff/consultations/{data['slug']}/outcome", {},
                       action=f"/staff/consultations/{data['slug']}/outcome/publish")


def test_the_page_is_not_public_before_publishing(app, data, client, login):
    assert client.get(outcome_url(data)).status_code == 404
    staff = login(["coordinator"])
    assert "Preview" in text(staff.get(outcome_url(data), query_string={"lang": "en"}))


def test_publishing_emails_each_participant_once_in_their_language(app, data, login, smtp_server):
    client = login(["coordinator"])
    with app.app_context():
        erase(db.session.get(Participant, data["people"]["eve"]), reason="request")
        # Dan took part, then withdrew the use of his contributions: he is not written to.
        dan = make_participant(consultation_of(data["slug"]), "dan@example.org", name="Dan")
        dan.consents.append(Consent(purpose="processing", granted=True, source="test"))
        dan.consents.append(Consent(purpose="processing", granted=False, source="my-data"))
        db.session.commit()
    response = publish(client, data)
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("outcome-%"))).all()
        # Ana (English), Bob and Carl (French) took part; Carl never agreed to be contacted about future
        # consultations, which is not what this email is; Eve was erased.
        assert sorted(row.to_address for row in rows) == ["ana@example.org", "bob@example.org", "carl@example.org"]
        deliver_pending()
    ana = smtp_server.to("ana@example.org")
    bob = smtp_server.to("bob@example.org")
    assert len(ana) == 1 and len(bob) == 1
    assert ana[0]["Subject"].startswith("What we heard and what was done")
    assert f"/consultations/{data['slug']}/outcome?lang=en" in ana[0].get_body(("plain",)).get_content()
    assert "?lang=fr" in bob[0].get_body(("plain",)).get_content()
    assert not smtp_server.to("eve@example.org") and not smtp_server.to("dan@example.org")

    # Publishing again sends nothing new.
    assert publish(client, data).status_code == 303
    with app.app_context():
        assert deliver_pending().total == 0
    assert len(smtp_server.messages) == 3


def test_the_email_says_what_came_of_each_comment_that_supports_a_change(app, data, login, smtp_server):
    with app.app_context():
        consultation = consultation_of(data["slug"])
        ana = db.session.get(Participant, data["people"]["ana"])
        other = make_comment(consultation, "ANA-TWO " + "long words " * 30, topic="2.1", participant=ana,
                             language="en")
        db.session.flush()
        create_item(consultation, topic_of(consultation, "2.1"), "strengthen",
                    Statement("ÉNONCÉ-FR Deux", "STATEMENT-EN Two"), None, [other.id])
        db.session.commit()
    assert publish(login(["coordinator"]), data).status_code == 303
    with app.app_context():
        deliver_pending()
    [english] = smtp_server.to("ana@example.org")
    body = english.get_body(("plain",)).get_content()
    assert "What came of your comments:" in body
    assert QUOTE[:40] in body and "STATEMENT-EN One public wait list" in body and "Decision: Retained." in body
    # A long comment is quoted in part; an item without a decision says so.
    assert "“ANA-TWO long words" in body and "…”" in body and "long words " * 30 not in body
    assert "STATEMENT-EN Two" in body and "No decision has been taken on it yet." in body
    assert body.index("STATEMENT-EN One") < body.index("STATEMENT-EN Two")
    [french] = smtp_server.to("carl@example.org")
    body = french.get_body(("plain",)).get_content()
    assert "Ce qu'il est advenu de votre commentaire\u00a0:" in body
    assert "«\u00a0CARL Il faudrait un guichet unique" in body and "ÉNONCÉ-FR Une liste d'attente publique" in body
    assert "Décision\u00a0: Retenue." in body
    assert "vous avez participé à cette consultation" in body


def test_a_person_erased_after_publishing_never_gets_the_email(app, data, login, smtp_server):
    assert publish(login(["coordinator"]), data).status_code == 303
    with app.app_context():
        erase(db.session.get(Participant, data["people"]["bob"]), reason="request")
        db.session.commit()
        deliver_pending()
    assert not smtp_server.to("bob@example.org")
    assert len(smtp_server.to("ana@example.org")) == 1


def test_an_item_without_support_cannot_be_published(app, data, login):
    with app.app_context():
        consultation = consultation_of(data["slug"])
        create_item(consultation, topic_of(consultation, "4.2"), "strengthen", Statement("Vide", "Empty"), None)
        db.session.commit()
    client = login(["coordinator"])
    client.get("/?lang=en")
    response = publish(client, data)
    assert response.status_code == 422
    assert "has no supporting comment" in text(response)
    with app.app_context():
        assert services.outcome_of(consultation_of(data["slug"])) is None
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_the_outcome_page_shows_items_decisions_quotes_and_fewer_than_5(app, data, login, client):
    publish(login(["coordinator"]), data)
    page = text(client.get(outcome_url(data), query_string={"lang": "en"}))
    assert "STATEMENT-EN One public wait list" in page
    assert "Retained" in page and "REASON-EN" in page and "Section 1.1, revised" in page
    assert QUOTE in page and PRIVATE not in page
    # The way back to the consultation.
    assert f'href="/consultations/{data["slug"]}/"' in page
    who = re.search(r'id="who-title".*?</section>', page, re.S)[0]
    assert "fewer than 5" in who
    assert not re.search(r'<td class="num">[1-4]</td>', who)
    french = text(client.get(outcome_url(data), query_string={"lang": "fr"}))
    assert "Retenue" in french and "RAISON-FR" in french and "ÉNONCÉ-FR" in french
    # French puts a no-break space before a colon, in the items' headings and the ways of taking part.
    headings = re.findall(r'<h4 id="item-\d+-title">(.*?)</h4>', french, re.S)
    assert headings and all("\u00a0: <span" in heading for heading in headings), headings
    ways = re.search(r'id="how-title".*?</ul>', french, re.S)[0]
    assert re.search(r"\u00a0: du \d", ways) and not re.search(r"\w: ", ways), ways


def test_a_withdrawn_quotation_consent_leaves_the_outcome_page_at_once(app, data, login, client):
    publish(login(["coordinator"]), data)
    assert QUOTE in text(client.get(outcome_url(data), query_string={"lang": "en"}))
    with app.app_context():
        ana = db.session.get(Participant, data["people"]["ana"])
        ana.consents.append(Consent(purpose="quotation", granted=False, source="my-data"))
        db.session.commit()
    assert QUOTE not in text(client.get(outcome_url(data), query_string={"lang": "en"}))


def test_a_decision_changed_after_publishing_shows_its_date(app, data, login, client):
    staff = login(["coordinator"])
    publish(staff, data)
    assert "Changed on" not in text(client.get(outcome_url(data), query_string={"lang": "en"}))
    response = submit_form(staff, f"/staff/consultations/{data['slug']}/items/{data['item']}",
                           {"response": "under_study", "reason_en": "Needs costing", "reason_fr": "À chiffrer"},
                           action=f"/staff/consultations/{data['slug']}/items/{data['item']}/decision")
    assert response.status_code == 303
    page = text(client.get(outcome_url(data), query_string={"lang": "en"}))
    assert "Under study" in page and "Changed on" in page


def test_a_first_decision_recorded_after_publishing_is_not_shown_as_a_change(app, data, login, client):
    with app.app_context():
        consultation = consultation_of(data["slug"])
        later = create_item(consultation, topic_of(consultation, "1.1"), "strengthen",
                            Statement("ÉNONCÉ-FR Plus tard", "STATEMENT-EN Later"), None, [data["comments"]["carl"]])
        db.session.commit()
        later_id = later.id
    staff = login(["coordinator"])
    publish(staff, data)
    response = submit_form(staff, f"/staff/consultations/{data['slug']}/items/{later_id}",
                           {"response": "not_retained", "reason_en": "Out of scope", "reason_fr": "Hors champ"},
                           action=f"/staff/consultations/{data['slug']}/items/{later_id}/decision")
    assert response.status_code == 303
    page = text(client.get(outcome_url(data), query_string={"lang": "en"}))
    assert "Out of scope" in page and "Changed on" not in page


def test_an_item_made_after_publishing_waits_for_its_decision_before_it_is_public(app, data, login, client):
    staff = login(["coordinator"])
    publish(staff, data)
    with app.app_context():
        consultation = consultation_of(data["slug"])
        later = create_item(consultation, topic_of(consultation, "1.1"), "strengthen",
                            Statement("ÉNONCÉ-FR En cours", "STATEMENT-EN Work in progress"), None,
                            [data["comments"]["carl"]])
        db.session.commit()
        later_id = later.id
    page = text(client.get(outcome_url(data), query_string={"lang": "en"}))
    assert "STATEMENT-EN One public wait list" in page and "Work in progress" not in page
    manage = text(staff.get(f"/staff/consultations/{data['slug']}/outcome", query_string={"lang": "en"}))
    assert "1 item made since publishing is not on the public page until a decision is recorded on it:" in manage
    assert f"Item {later_id}" in manage
    response = submit_form(staff, f"/staff/consultations/{data['slug']}/items/{later_id}",
                           {"response": "under_study", "reason_en": "Costing", "reason_fr": "Chiffrage"},
                           action=f"/staff/consultations/{data['slug']}/items/{later_id}/decision")
    assert response.status_code == 303
    assert "Work in progress" in text(client.get(outcome_url(data), query_string={"lang": "en"}))


def test_the_level_of_participation_is_said_on_the_consultation_and_outcome_pages(app, data, login, client):
    visitor = app.test_client()
    # Kept for visitors before the level is stated: the change must reach them.
    before = text(visitor.get(f"/consultations/{data['slug']}/", headers={"Accept-Language": "en"}))
    assert "Level of participation" not in before
    staff = login(["coordinator"])
    response = submit_form(staff, f"/staff/consultations/{data['slug']}/outcome",
                           {"participation_level": "consultation", "level_label_en": "Consultation of experts",
                            "could_influence_en": "CAN-EN the wording of the orientations",
                            "could_not_influence_en": "CANNOT-EN the budget", "could_influence_fr": "PEUT-FR"},
                           action=f"/staff/consultations/{data['slug']}/outcome/level")
    assert response.status_code == 303
    page = text(visitor.get(f"/consultations/{data['slug']}/", headers={"Accept-Language": "en"}))
    assert "Level of participation: Consultation of experts." in page
    assert "CAN-EN the wording" in page and "CANNOT-EN the budget" in page
    publish(staff, data)
    outcome = text(client.get(outcome_url(data), query_string={"lang": "en"}))
    assert "Consultation of experts" in outcome and "CANNOT-EN the budget" in outcome
    response = submit_form(staff, f"/staff/consultations/{data['slug']}/outcome", {"participation_level": "mob"},
                           action=f"/staff/consultations/{data['slug']}/outcome/level")
    assert response.status_code == 422


def test_my_data_shows_the_items_a_comment_supports_and_their_published_decision(app, data, login, client):
    with app.test_request_context():
        token = my_data_token(db.session.get(Participant, data["people"]["carl"]))
    page = text(client.get(f"/my-data/{token}", query_string={"lang": "en"}))
    assert "STATEMENT-EN One public wait list" in page
    assert "No decision published yet." in page and "REASON-EN" not in page
    publish(login(["coordinator"]), data)
    page = text(client.get(f"/my-data/{token}", query_string={"lang": "en"}))
    assert "Decision: Retained." in page and "REASON-EN" in page


def test_an_analyst_cannot_publish(app, data, login):
    client = login(["analyst"])
    assert client.get(f"/staff/consultations/{data['slug']}/outcome").status_code == 403
    with app.app_context():
        assert db.session.get(ModificationItem, data["item"]) is not None
