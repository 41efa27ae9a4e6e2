"""An analyst reviews orientation suggestions in a real Chromium: from the keyboard with JavaScript
(J/K to move, 1/2/3 to accept, keys ignored in a field, the result announced), and with plain forms
without it."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.models import Comment
from consult.suggestions import service
from tests.conftest import STAFF_PASSWORD
from tests.factories import consultation_of, make_comment, topic_of

SLUG = "politique-premiere-ligne-2025"
EMAIL = "analyst@example.org"
QUEUE = f"/staff/consultations/{SLUG}/analysis/suggestions"
TEXTS = [
    ("Le paiement à l'acte pousse à multiplier les visites courtes ; une capitation ajustée serait plus juste.",
     "fr"),
    ("Electronic medical records in clinics cannot exchange data with hospital systems.", "en"),
    ("Les proches aidants devraient être reconnus comme membres de l'équipe de soins.", "fr"),
]


def _prepare(app):
    with app.app_context():
        consultation = consultation_of(SLUG)
        ids = [make_comment(consultation, text, channel="submission", language=language).id
               for text, language in TEXTS]
        service.compute(consultation)
        db.session.commit()
        return ids


def _sign_in(page, live_server):
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")


def _first_choice(app, comment_id):
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.suggestions[0].topic.code


def test_accepting_a_suggestion_with_the_keyboard(app, page, live_server, demo, make_staff, assert_accessible):
    make_staff(EMAIL, ["analyst"])
    _prepare(app)
    _sign_in(page, live_server)
    page.goto(live_server + QUEUE + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested places")
    expect(page.get_by_text("3 comments wait for review")).to_be_visible()
    assert_accessible(page)

    items = page.locator("[data-suggestion-item]")
    # A suggestion waiting for the server keeps its text readable.
    items.nth(0).evaluate("item => item.classList.add('is-busy')")
    assert_accessible(page)
    items.nth(0).evaluate("item => item.classList.remove('is-busy')")
    first_id = int(items.nth(0).get_attribute("id").split("-")[1])
    second_id = int(items.nth(1).get_attribute("id").split("-")[1])
    expected = _first_choice(app, first_id)

    page.keyboard.press("?")
    expect(page.locator("#suggestion-shortcuts")).to_have_attribute("open", "")
    page.keyboard.press("?")
    page.keyboard.press("j")
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(items.nth(0)).to_be_focused()

    page.keyboard.press("1")
    done = page.locator(f"#suggestion-{first_id}")
    expect(done).to_contain_text(f"Comment {first_id} is placed on {expected}")
    expect(page.locator("#suggestions-live")).to_contain_text(f"Comment {first_id} is placed on {expected}")
    # The focus moved on to the next comment, ready for the next key.
    expect(page.locator(f"#suggestion-{second_id}")).to_be_focused()
    assert_accessible(page)

    # Keys typed while choosing in a list do nothing.
    select_box = page.locator(f"#other-{second_id}")
    select_box.focus()
    page.keyboard.press("1")
    expect(page.locator(f"#suggestion-{second_id} [data-accept-rank='1']")).to_be_visible()

    with app.app_context():
        placed = db.session.get(Comment, first_id)
        assert placed.topic.code == expected and placed.topic_confirmed and placed.suggestion_reviewed
        # The key accepts the suggested theme too: htmx sends the pressed button's value.
        theme = placed.suggestions[0].theme_id
        assert [coding.code.theme_id for coding in placed.codings] == ([theme] if theme else [])
        assert not db.session.get(Comment, second_id).topic_confirmed

    page.reload()
    expect(page.get_by_text("2 comments wait for review")).to_be_visible()
    expect(page.locator(f"#suggestion-{first_id}")).to_have_count(0)


def test_accepting_without_javascript(app, page_without_js, live_server, demo, make_staff):
    page = page_without_js
    make_staff(EMAIL, ["analyst"])
    ids = _prepare(app)
    _sign_in(page, live_server)
    page.goto(live_server + QUEUE + "?lang=en")
    item = page.locator(f"#suggestion-{ids[1]}")
    expected = _first_choice(app, ids[1])
    item.get_by_role("button", name=re.compile(r"Accept suggestion 1")).click()
    expect(page).to_have_url(re.compile(re.escape(QUEUE)))
    expect(page.get_by_role("status").filter(has_text=f"Comment {ids[1]} is placed on {expected}")).to_be_visible()
    expect(page.locator(f"#suggestion-{ids[1]}")).to_have_count(0)

    # Another place, chosen from the list.
    other = page.locator(f"#suggestion-{ids[0]}")
    with app.app_context():
        section = str(topic_of(consultation_of(SLUG), "G").id)
    other.get_by_label("Another place").select_option(value=section)
    other.get_by_role("button", name="Place here").click()
    expect(page.get_by_role("status").filter(has_text=f"Comment {ids[0]} is placed on G")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.id == ids[0])).topic.code == "G"
