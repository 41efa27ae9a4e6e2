"""An analyst reviews the items proposed for a coded comment in a real Chromium: the proposals are shown
with their reasons, nothing is added until the analyst clicks, and both pages pass axe-core."""
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.items import services
from consult.models import Code, Coding, ItemSupport
from tests.conftest import STAFF_PASSWORD
from tests.factories import consultation_of, topic_of
from tests.items_data import seed

EMAIL = "analyst@example.org"
WAIT_LIST = "Publier une liste d'attente unique et publique au guichet d'accès, région par région."


def _prepare(app, slug):
    with app.app_context():
        found = seed(slug)
        consultation = consultation_of(slug)
        clarify = db.session.scalar(select(Code).where(Code.consultation_id == consultation.id,
                                                       Code.key == "PRECISER"))
        ids = found["comments"]
        wait = services.create_item(consultation, topic_of(consultation, "1.1"), "clarify",
                                    services.Statement(WAIT_LIST, ""), None, [ids["carl"]])
        db.session.add(Coding(comment_id=ids["private"], code_id=clarify.id))
        db.session.commit()
        return wait.id, ids["private"], ids["carl"]


def _supporters(app, item_id):
    with app.app_context():
        return sorted(db.session.scalars(select(ItemSupport.comment_id).where(ItemSupport.item_id == item_id)))


def test_proposed_items_are_reviewed_and_added_only_by_a_click(app, page, live_server, demo, make_staff,
                                                                assert_accessible):
    make_staff(EMAIL, ["analyst"])
    wait, private, carl = _prepare(app, demo)
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")

    here = f"{live_server}/staff/consultations/{demo}/items/for-comment/{private}"
    page.goto(here + "?lang=en")
    expect(page.get_by_text("Proposals only")).to_be_visible()
    expect(page.get_by_text("Shared words:").first).to_be_visible()
    add = page.get_by_role("button", name=f"Add it to item {wait}")
    expect(add).to_be_visible()
    assert_accessible(page)
    # Shown, not applied: the item still has its one supporting comment.
    assert _supporters(app, wait) == [carl]

    add.click()
    expect(page.get_by_text(f"Comment {private} now supports item {wait}.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Add it to item {wait}")).to_have_count(0)
    assert _supporters(app, wait) == sorted([carl, private])
    assert_accessible(page)

    # The item's page proposes the coded comments that could support it, with the same review step.
    page.goto(f"{live_server}/staff/consultations/{demo}/items/{wait}?lang=en")
    expect(page.locator("#proposed-comments")).to_be_visible()
    assert_accessible(page)
