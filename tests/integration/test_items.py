"""Modification items: built from the workspace's selection (a plain form), supported by comments of
several channels, counted, quoted only with consent, edited, merged, split, ordered, audited; and the
decision on each."""
import html
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Consent, ItemSupport, ModificationItem, Participant
from consult.models.base import utcnow
from consult.privacy.services import erase
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.items_data import ERASED, NOTE, PRIVATE, QUOTE, seed

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def data(app, demo):
    with app.app_context():
        return seed(demo)


def base(data):
    return f"/staff/consultations/{data['slug']}"


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def topic_id(app, data, code="1.1"):
    from tests.factories import consultation_of, topic_of

    with app.app_context():
        return topic_of(consultation_of(data["slug"]), code).id


def new_item(client, app, data, comments, statement="Publish one public wait list.", kind="clarify", code="1.1"):
    response = submit_form(client, f"{base(data)}/items/new",
                           {"topic_id": topic_id(app, data, code), "kind": kind, "statement_fr": statement,
                            "statement_en": statement, "comments": ", ".join(str(c) for c in comments)})
    assert response.status_code == 303, page_text(response)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_selected_comments_of_the_workspace_go_to_a_new_item_then_to_an_existing_one(app, data, login):
    client = login(["analyst"])
    ids = data["comments"]
    topic = client.get(f"{base(data)}/analysis/topics/{topic_id(app, data)}")
    page = page_text(topic)
    # A checkbox per comment, tied to the one "add to item" form: no JavaScript needed.
    assert page.count('form="add-to-item-form"') >= 5
    assert 'id="add-to-item-form"' in page
    token = csrf_token_from(page)
    response = client.post(f"{base(data)}/analysis/add-to-item",
                           data={"csrf_token": token, "item": "", "comment_ids": [ids["quote"], ids["note"]],
                                 "next": f"{base(data)}/analysis/"})
    assert response.status_code == 303
    assert "/items/new?comments=" in response.headers["Location"]
    form = page_text(client.get(response.headers["Location"]))
    assert f'value="{ids["quote"]}, {ids["note"]}"' in form or f"{ids['note']}, {ids['quote']}" in form
    item_id = new_item(client, app, data, [ids["quote"], ids["note"]])
    # The workspace now offers the item by its number, its part of the proposal and its statement.
    offered = page_text(client.get(f"{base(data)}/analysis/topics/{topic_id(app, data)}"))
    assert re.search(rf'<option value="{item_id}">\w+ {item_id} · 1\.1 · Publish one public wait list\.</option>',
                     offered)
    response = client.post(f"{base(data)}/analysis/add-to-item",
                           data={"csrf_token": token, "item": str(item_id),
                                 "comment_ids": [ids["private"], ids["quote"]], "next": f"{base(data)}/analysis/"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/analysis/")
    with app.app_context():
        supports = db.session.scalars(select(ItemSupport.comment_id).where(ItemSupport.item_id == item_id)).all()
        assert sorted(supports) == sorted([ids["quote"], ids["note"], ids["private"]])
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(item_id))).all()
        assert "item.create" in actions and "item.support.add" in actions


def test_an_item_page_counts_support_by_channel_track_and_category_and_quotes_only_with_consent(app, data, login):
    client = login(["analyst"])
    ids = data["comments"]
    item_id = new_item(client, app, data, [ids["quote"], ids["private"], ids["note"], ids["carl"]])
    page = page_text(client.get(f"{base(data)}/items/{item_id}", query_string={"lang": "en"}))
    by_channel = re.search(r"<caption>Support by channel</caption>.*?</table>", page, re.S)[0]
    assert dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', by_channel)) == {
        "Forum": "1", "Questionnaire": "2", "Written submission": "1"}
    by_category = re.search(r"<caption>Support by participant category</caption>.*?</table>", page, re.S)[0]
    assert '<td class="num">2</td>' in by_category  # two clinicians
    assert "4 supporting comments" in page
    quotes = re.findall(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", page, re.S)
    assert QUOTE in quotes[0] and all("PRIVATE-BOB" not in quote and "NOTE-FORUM" not in quote for quote in quotes)
    # Staff see pseudonyms, never names.
    assert "Ana" not in re.sub(r"Analys\w+", "", page)
    with app.app_context():
        ana = db.session.get(Participant, data["people"]["ana"])
        ana.consents.append(Consent(purpose="quotation", granted=False, source="my-data"))
        db.session.commit()
    page = page_text(client.get(f"{base(data)}/items/{item_id}", query_string={"lang": "en"}))
    assert "<blockquote" not in page.split('id="supporting-comments"')[0] or QUOTE not in \
        "".join(re.findall(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", page, re.S))


def test_an_erased_participant_counts_anonymously_and_never_shows_under_a_pseudonym(app, data, login):
    client = login(["analyst"])
    ids = data["comments"]
    item_id = new_item(client, app, data, [ids["eve"], ids["carl"]])
    with app.app_context():
        eve = db.session.get(Participant, data["people"]["eve"])
        pseudonym = eve.pseudonym
        erase(eve, reason="request")
        db.session.commit()
    page = page_text(client.get(f"{base(data)}/items/{item_id}", query_string={"lang": "en"}))
    assert "2 supporting comments" in page
    assert pseudonym not in page
    assert "Anonymous participant" in page
    assert ERASED not in "".join(re.findall(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", page, re.S))


@pytest.mark.parametrize("fields, message", [
    ({"statement_fr": "", "statement_en": ""}, "Write the statement of the item."),
    ({"kind": "invented"}, "Not a valid choice"),
    ({"comments": "12, abc"}, "Comment numbers are whole numbers"),
    ({"comments": "999999"}, "Comment 999999 is not a comment of this consultation."),
])
def test_a_refused_item_keeps_what_was_typed(app, data, login, fields, message):
    client = login(["analyst"])
    client.get("/?lang=en")
    values = {"topic_id": topic_id(app, data), "kind": "clarify", "statement_fr": "Mon énoncé gardé",
              "statement_en": "", "comments": ""}
    values.update(fields)
    response = submit_form(client, f"{base(data)}/items/new", values)
    assert response.status_code == 422
    page = page_text(response)
    assert message in page
    if values["statement_fr"]:
        assert "Mon énoncé gardé" in page
    with app.app_context():
        assert db.session.scalar(select(ModificationItem.id)) is None


def test_comments_of_another_consultation_cannot_be_added(app, data, login):
    from consult.structure.importer import import_structure
    from tests.conftest import minimal_document
    from tests.factories import consultation_of, make_comment

    with app.app_context():
        import_structure(minimal_document(), source="test")
        foreign = make_comment(consultation_of("mini"), "Un commentaire d'une autre consultation, à refuser.",
                               topic="1.1").id
        db.session.commit()
    client = login(["analyst"])
    client.get("/?lang=en")
    item_id = new_item(client, app, data, [data["comments"]["carl"]])
    response = submit_form(client, f"{base(data)}/items/{item_id}", {"comments": str(foreign)},
                           action=f"{base(data)}/items/{item_id}/comments")
    assert response.status_code == 422
    assert f"Comment {foreign} is not a comment of this consultation." in page_text(response)
    # Comments already there: said so, rather than "0 comments added".
    carl = data["comments"]["carl"]
    response = submit_form(client, f"{base(data)}/items/{item_id}", {"comments": str(carl)},
                           action=f"{base(data)}/items/{item_id}/comments")
    assert response.status_code == 303
    page = page_text(client.get(response.headers["Location"]))
    assert f"The chosen comments already support item {item_id}: nothing was added." in page


def test_merge_split_and_order_are_audited(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    ids = data["comments"]
    first = new_item(client, app, data, [ids["quote"], ids["note"]], "First")
    second = new_item(client, app, data, [ids["carl"], ids["note"]], "Second")
    response = submit_form(client, f"{base(data)}/items/{second}", {"into": first},
                           action=f"{base(data)}/items/{second}/merge")
    assert response.status_code == 303
    # The merged item's page sends to the one kept, and does not ask for comments it can no longer take.
    merged_page = page_text(client.get(f"{base(data)}/items/{second}"))
    assert f"This item was merged into item {first}." in merged_page
    assert "An item with no supporting comment cannot be published" not in merged_page
    with app.app_context():
        merged = db.session.get(ModificationItem, second)
        kept = db.session.get(ModificationItem, first)
        assert merged.status == "merged" and merged.merged_into_id == first
        assert sorted(s.comment_id for s in kept.supports) == sorted([ids["quote"], ids["note"], ids["carl"]])
    response = submit_form(client, f"{base(data)}/items/{first}",
                           {"split-comment_ids": [ids["carl"]], "split-statement_fr": "Troisième",
                            "split-statement_en": "Third"}, action=f"{base(data)}/items/{first}/split")
    assert response.status_code == 303, page_text(response)
    third = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert [s.comment_id for s in db.session.get(ModificationItem, third).supports] == [ids["carl"]]
        assert ids["carl"] not in [s.comment_id for s in db.session.get(ModificationItem, first).supports]
    # Split refuses to take every comment.
    response = submit_form(client, f"{base(data)}/items/{third}",
                           {"split-comment_ids": [ids["carl"]], "split-statement_fr": "x"},
                           action=f"{base(data)}/items/{third}/split")
    assert response.status_code == 422 and "Leave at least one comment" in page_text(response)
    assert f'value="{ids["carl"]}" form="split-form" checked>' in page_text(response)  # still ticked
    listing = page_text(client.get(f"{base(data)}/items/", query_string={"lang": "en"}))
    assert listing.index(f"Item {first}<") < listing.index(f"Item {third}<")
    response = submit_form(client, f"{base(data)}/items/", {"direction": "up", "next": f"{base(data)}/items/"},
                           action=f"{base(data)}/items/{third}/move")
    assert response.status_code == 303
    listing = page_text(client.get(f"{base(data)}/items/", query_string={"lang": "en"}))
    assert listing.index(f"Item {third}<") < listing.index(f"Item {first}<")
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)
                                         .where(AuditEvent.object_type == "modification_item")))
        assert {"item.create", "item.merge", "item.split", "item.move"} <= actions


def test_a_coordinator_records_a_decision_shown_in_french_and_english(app, data, login):
    client = login(["coordinator"])
    item_id = new_item(client, app, data, [data["comments"]["carl"]])
    response = submit_form(client, f"{base(data)}/items/{item_id}",
                           {"response": "partly", "reason_fr": "Raison FR", "reason_en": "Reason EN",
                            "landing_url": "https://example.org/policy-v2#1.1"},
                           action=f"{base(data)}/items/{item_id}/decision")
    assert response.status_code == 303
    assert "Retenue en partie" in page_text(client.get(f"{base(data)}/items/{item_id}", query_string={"lang": "fr"}))
    english = page_text(client.get(f"{base(data)}/items/{item_id}", query_string={"lang": "en"}))
    assert "Partly retained" in english and "Reason EN" in english


@pytest.mark.parametrize("fields, message", [
    ({"response": ""}, "Choose the response."),
    ({"response": "maybe"}, "Not a valid choice"),
    ({"response": "retained", "landing_url": "javascript:alert(1)"}, "Give a whole address"),
])
def test_a_refused_decision_answers_422(app, data, login, fields, message):
    client = login(["coordinator"])
    client.get("/?lang=en")
    item_id = new_item(client, app, data, [data["comments"]["carl"]])
    response = submit_form(client, f"{base(data)}/items/{item_id}", {"reason_en": "Kept reason", **fields},
                           action=f"{base(data)}/items/{item_id}/decision")
    assert response.status_code == 422
    assert message in page_text(response) and "Kept reason" in page_text(response)
    assert page_text(response).count(message) == 2  # once beside the field, once in the summary


def test_an_analyst_builds_items_but_does_not_decide(app, data, login):
    client = login(["analyst"])
    item_id = new_item(client, app, data, [data["comments"]["carl"]])
    page = client.get(f"{base(data)}/items/{item_id}")
    response = client.post(f"{base(data)}/items/{item_id}/decision",
                           data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "response": "retained"})
    assert response.status_code == 403


def test_an_organizer_cannot_build_items(app, data, login):
    client = login(["organizer"])
    assert client.get(f"{base(data)}/items/new").status_code == 403
    assert client.get(f"{base(data)}/items/").status_code == 403


def test_the_report_draft_lists_items_with_their_support(app, data, login):
    client = login(["coordinator"])
    ids = data["comments"]
    new_item(client, app, data, [ids["quote"], ids["note"], ids["carl"]], "ITEM-ONE a single public wait list")
    new_item(client, app, data, [], "ITEM-EMPTY without support")
    page = page_text(client.get(f"{base(data)}/reports/draft", query_string={"lang": "en"}))
    table = re.search(r'<table class="data-table report-items report-items-clarify">.*?</table>', page, re.S)[0]
    assert "ITEM-ONE a single public wait list" in table
    assert "Forum 1, Questionnaire 2" in table
    assert "ITEM-EMPTY" not in page
    assert NOTE not in table and PRIVATE not in table
    _ = utcnow


def test_adding_nothing_to_an_item_says_so_and_changes_nothing(app, data, login):
    client = login(["analyst"])
    client.get("/?lang=en")
    item_id = new_item(client, app, data, [data["comments"]["carl"]])
    page = client.get(f"{base(data)}/analysis/comments")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"{base(data)}/analysis/add-to-item", data={"csrf_token": token, "item": str(item_id),
                                                                       "next": f"{base(data)}/analysis/comments"},
                           follow_redirects=True)
    assert "Select at least one comment, then choose the item." in page_text(response)
    response = client.post(f"{base(data)}/analysis/add-to-item",
                           data={"csrf_token": token, "item": "999999", "comment_ids": [data["comments"]["quote"]],
                                 "next": "https://evil.example/"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{base(data)}/analysis/"  # never an outside address
    with app.app_context():
        assert [s.comment_id for s in db.session.get(ModificationItem, item_id).supports] == [data["comments"]["carl"]]


def test_the_selection_keys_cannot_become_code_shortcuts(app, demo):
    from consult.analysis.codebook import shortcut_problem
    from tests.factories import consultation_of

    with app.test_request_context("/?lang=en"):
        consultation = consultation_of(demo)
        assert shortcut_problem(consultation, "x") is not None
        assert shortcut_problem(consultation, "i") is not None


def test_once_its_decision_is_published_only_a_decider_reshapes_an_item(app, data, login, make_staff):
    from consult.items.decisions import DecisionInput, record_decision
    from consult.outcome.services import publish
    from tests.factories import consultation_of

    analyst = login(["analyst"])
    analyst.get("/?lang=en")
    ids = data["comments"]
    first = new_item(analyst, app, data, [ids["quote"], ids["note"]], "First")
    second = new_item(analyst, app, data, [ids["carl"], ids["private"]], "Second")
    with app.app_context():
        record_decision(db.session.get(ModificationItem, first), DecisionInput("retained"), None, utcnow())
        publish(consultation_of(data["slug"]), None, utcnow())
        db.session.commit()
    page = page_text(analyst.get(f"{base(data)}/items/{first}"))
    assert "only someone who records decisions can merge it" in page
    assert "Take out of this item" not in page and "Split into a new item" not in page
    refusals = [
        ({"into": second}, "merge"),
        ({"split-comment_ids": [ids["note"]], "split-statement_fr": "x", "split-statement_en": "x"}, "split"),
        ({}, f"comments/{ids['note']}/remove"),
    ]
    for fields, action in refusals:
        response = submit_form(analyst, f"{base(data)}/items/{first}", fields,
                               action=f"{base(data)}/items/{first}/{action}")
        assert response.status_code == 422, action
        assert "The decision on this item is published" in page_text(response), action
    with app.app_context():
        item = db.session.get(ModificationItem, first)
        assert item.status == "active" and sorted(s.comment_id for s in item.supports) == sorted(
            [ids["quote"], ids["note"]])
    # An item without a decision is still the analysts' to reshape.
    response = submit_form(analyst, f"{base(data)}/items/{second}", {},
                           action=f"{base(data)}/items/{second}/comments/{ids['private']}/remove")
    assert response.status_code == 303
    # A coordinator may, warned that the public page changes.
    make_staff("coordinator@example.org", ["coordinator"])
    coordinator = app.test_client()
    coordinator.get("/?lang=en")
    assert submit_form(coordinator, "/staff/login", {"email": "coordinator@example.org",
                                                     "password": STAFF_PASSWORD}).status_code == 303
    assert "changes the public outcome page at once" in page_text(coordinator.get(f"{base(data)}/items/{first}"))
    response = submit_form(coordinator, f"{base(data)}/items/{first}", {},
                           action=f"{base(data)}/items/{first}/comments/{ids['note']}/remove")
    assert response.status_code == 303


def test_a_new_item_from_selected_comments_starts_on_the_part_most_of_them_are_on(app, data, login):
    from tests.factories import consultation_of, make_comment

    with app.app_context():
        consultation = consultation_of(data["slug"])
        elsewhere = [make_comment(consultation, f"Sur la 4.2, numéro {number}.", topic="4.2").id for number in (1, 2)]
        db.session.commit()
    client = login(["analyst"])
    chosen = ",".join(str(number) for number in [data["comments"]["quote"], *elsewhere])
    form = page_text(client.get(f"{base(data)}/items/new", query_string={"comments": chosen}))
    assert re.search(rf'<option selected value="{topic_id(app, data, "4.2")}">', form) or \
        re.search(rf'<option value="{topic_id(app, data, "4.2")}" selected>', form), form[:3000]
