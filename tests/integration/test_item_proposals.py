"""Items proposed for a coded comment, and coded comments proposed on an item's page: shown with their
reasons, never applied until an analyst clicks (a plain form, without JavaScript)."""
import html

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.items import matching, services
from consult.models import AuditEvent, Code, Coding, Comment, ItemSupport
from consult.structure.importer import import_structure
from tests.conftest import csrf_token_from, minimal_document
from tests.factories import consultation_of, make_comment, topic_of
from tests.items_data import seed

pytestmark = pytest.mark.usefixtures("demo")

WAIT_LIST = "Publier une liste d'attente unique et publique au guichet d'accès, région par région."
HOME_CARE = "Financer davantage les soins à domicile des personnes âgées."


@pytest.fixture
def data(app, demo):
    with app.app_context():
        found = seed(demo)
        consultation = consultation_of(demo)
        clarify = db.session.scalar(select(Code).where(Code.consultation_id == consultation.id,
                                                       Code.key == "PRECISER"))
        ids = found["comments"]
        wait = services.create_item(consultation, topic_of(consultation, "1.1"), "clarify",
                                    services.Statement(WAIT_LIST, ""), None, [ids["carl"]])
        home = services.create_item(consultation, topic_of(consultation, "4.2"), "strengthen",
                                    services.Statement(HOME_CARE, ""), None, [])
        # Bob asks the access point to publish its delays; coded, not yet supporting anything.
        db.session.add(Coding(comment_id=ids["private"], code_id=clarify.id))
        home_comment = make_comment(consultation, "Les soins à domicile manquent de financement pour les aînés.",
                                    topic="4.2", channel="forum")
        db.session.add(Coding(comment_id=home_comment.id, code_id=clarify.id))
        db.session.commit()
        return {**found, "wait": wait.id, "home": home.id, "home_comment": home_comment.id}


def base(data):
    return f"/staff/consultations/{data['slug']}/items"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def supporters(app, item_id):
    with app.app_context():
        return sorted(db.session.scalars(select(ItemSupport.comment_id).where(ItemSupport.item_id == item_id)))


def test_a_coded_comment_is_proposed_the_item_that_shares_its_words_with_reasons(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    private = data["comments"]["private"]
    response = client.get(f"{base(data)}/for-comment/{private}")
    assert response.status_code == 200
    page = text_of(response)
    first = page.index(f"Item {data['wait']}")
    assert "Shared words:" in page and "<q>guichet" in page
    # The wait-list item comes first; the home-care item, if proposed at all, after it.
    assert f"Item {data['home']}" not in page or page.index(f"Item {data['home']}") > first
    assert "Proposals only" in page
    # Shown, not applied.
    assert supporters(app, data["wait"]) == [data["comments"]["carl"]]


def test_an_uncoded_comment_gets_no_proposal_and_says_why(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    page = text_of(client.get(f"{base(data)}/for-comment/{data['comments']['quote']}"))
    assert "code this comment first" in page
    assert "Add it to item" not in page


def test_the_click_adds_the_support_and_is_audited_without_javascript(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    private = data["comments"]["private"]
    here = f"{base(data)}/for-comment/{private}"
    token = csrf_token_from(client.get(here).get_data(as_text=True))
    response = client.post(f"{base(data)}/{data['wait']}/support-suggested",
                           data={"csrf_token": token, "comment_id": private, "next": here})
    assert response.status_code == 303 and response.headers["Location"].endswith(here)
    assert supporters(app, data["wait"]) == sorted([data["comments"]["carl"], private])
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(data["wait"])))
        assert "item.support.proposal_accepted" in set(actions)
    page = text_of(client.get(here))
    assert f"Comment {private} now supports item {data['wait']}." in page
    # The item it now supports is no longer proposed.
    assert f"Add it to item {data['wait']}" not in page


def test_a_comment_of_another_consultation_is_refused(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    with app.app_context():
        elsewhere = import_structure(minimal_document(), source="test").consultation
        other = make_comment(elsewhere, "Un guichet d'accès ailleurs.")
        db.session.commit()
        other_id = other.id
    here = f"{base(data)}/for-comment/{data['comments']['private']}"
    token = csrf_token_from(client.get(here).get_data(as_text=True))
    response = client.post(f"{base(data)}/{data['wait']}/support-suggested",
                           data={"csrf_token": token, "comment_id": other_id, "next": here})
    assert response.status_code == 303
    assert other_id not in supporters(app, data["wait"])
    assert client.get(f"{base(data)}/for-comment/{other_id}").status_code == 404


def test_the_item_page_proposes_the_coded_comments_that_could_support_it(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    page = text_of(client.get(f"{base(data)}/{data['home']}"))
    section = page[page.index('id="proposed-comments"'):page.index('id="add-title"')]
    assert f"Add comment {data['home_comment']} to this item" in section
    assert "soins" in section and "Placed on the item's part of the proposal." not in section
    # The supporting comment is not proposed again; an uncoded comment is never proposed.
    wait_page = text_of(client.get(f"{base(data)}/{data['wait']}"))
    wait_section = wait_page[wait_page.index('id="proposed-comments"'):wait_page.index('id="add-title"')]
    assert f"Add comment {data['comments']['carl']} " not in wait_section
    assert f"Add comment {data['comments']['quote']} " not in wait_section
    assert f"Add comment {data['comments']['private']} to this item" in wait_section


def test_matching_weighs_place_and_kind_only_alongside_shared_words(app, data):
    with app.app_context():
        consultation = consultation_of(data["slug"])
        comment = db.session.get(Comment, data["home_comment"])
        proposed = matching.items_for_comment(consultation, comment)
        assert [candidate.item.id for candidate in proposed][:1] == [data["home"]]
        assert proposed[0].words and not proposed[0].same_kind
        unrelated = make_comment(consultation, "Zzz qwerty.", topic="4.2", channel="forum")
        db.session.add(Coding(comment_id=unrelated.id, code_id=db.session.scalar(
            select(Code.id).where(Code.consultation_id == consultation.id, Code.key == "INCLURE"))))
        db.session.flush()
        # Same place and same kind as the home-care item, but no shared word: nothing proposed.
        assert matching.items_for_comment(consultation, unrelated) == []


def test_the_workspace_row_of_a_coded_comment_links_to_its_proposed_items(app, data, login):
    client = login(["analyst"])
    analysis = f"/staff/consultations/{data['slug']}/analysis"
    coded = text_of(client.get(f"{analysis}/comments/{data['comments']['private']}/actions"))
    assert f"/items/for-comment/{data['comments']['private']}" in coded
    uncoded = text_of(client.get(f"{analysis}/comments/{data['comments']['quote']}/actions"))
    assert "/items/for-comment/" not in uncoded
