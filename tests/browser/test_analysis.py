"""Two analysts and a coordinator in a real Chromium: the first codes comments of orientation 1.1
filtered to the Canadian track with the keyboard, a second analyst codes the same comments blind
(disagreeing once), and the coordinator sees that disagreement on the agreement page. axe-core
checks every page visited."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.models import Coding, StaffUser
from tests.browser.staff_session import sign_in
from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD
from tests.factories import consultation_of, make_comment, make_participant, topic_of

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/analysis"
CANADIAN = ["Rural teams in Alberta need nurse practitioners.",
            "Evidence from Ontario shows that team-based care works.",
            "Please include pharmacists in the primary care teams."]
QUEBEC = ["Les équipes de soins manquent de temps.", "Il faut plus de médecins de famille."]


@pytest.fixture
def comments(app, demo, make_staff):
    make_staff("analyst@example.org", ["analyst"])
    make_staff("second@example.org", ["analyst"])
    make_staff("coordinator@example.org", ["coordinator"])
    with app.app_context():
        consultation = consultation_of(demo)
        alberta = make_participant(consultation, "ab@example.org", region="AB", category="professor", language="en")
        quebec = make_participant(consultation, "qc@example.org", region="QC", category="clinician")
        for text in QUEBEC:
            make_comment(consultation, text, topic="1.1", track="qc", participant=quebec)
        for text in CANADIAN:
            make_comment(consultation, text, topic="1.1", track="ca", participant=alberta, language="en")
        topic_id = topic_of(consultation, "1.1").id
        db.session.commit()
    return topic_id


def row_of(page, text):
    return page.locator("article.comment", has_text=text)


def press_on(page, text, key):
    """Press a code's key with the focus on the comment, and wait for the row htmx swaps in."""
    expect(row_of(page, text)).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "POST" and "/codes" in r.url) as answered:
        page.keyboard.press(key)
    assert answered.value.status == 200
    page.wait_for_function("() => !document.querySelector('.comment.is-busy')")
    expect(row_of(page, text)).to_be_focused()  # the new row has the focus back


def test_two_coders_and_their_disagreement(browser, live_server, app, comments, assert_accessible):
    topic_id = comments

    # -- the analyst: workspace, codebook, orientation 1.1 filtered to the Canadian track ----------------
    page = sign_in(browser, live_server, "analyst@example.org")
    page.goto(f"{live_server}{BASE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analysis")
    assert_accessible(page)
    page.get_by_role("link", name="Codebook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codebook")
    expect(page.get_by_role("row", name=re.compile("PRECISER"))).to_contain_text("Clarify")
    assert_accessible(page)

    page.goto(f"{live_server}{BASE}/")
    page.locator(f'a[href^="{BASE}/topics/{topic_id}"]').first.click()
    expect(page).to_have_url(re.compile(rf"/analysis/topics/{topic_id}"))
    for text in CANADIAN + QUEBEC:
        expect(row_of(page, text)).to_be_visible()
    page.get_by_label("Track").select_option(label="Canadian track")
    expect(row_of(page, QUEBEC[0])).to_have_count(0)
    expect(page).to_have_url(re.compile(r"track=ca"))
    for text in CANADIAN:
        expect(row_of(page, text)).to_be_visible()
    assert_accessible(page)
    # A row waiting for the server keeps its text readable (dimming it failed the contrast).
    row_of(page, CANADIAN[0]).evaluate("row => row.classList.add('is-busy')")
    assert_accessible(page)
    row_of(page, CANADIAN[0]).evaluate("row => row.classList.remove('is-busy')")

    # -- coding with the keyboard: J moves from comment to comment, a code's key toggles it ---------------
    order = [page.locator("article.comment").nth(index).get_attribute("data-comment-id") for index in range(3)]
    texts = [row_of(page, text).get_attribute("data-comment-id") for text in CANADIAN]
    by_position = [CANADIAN[texts.index(comment_id)] for comment_id in order]
    wanted = {by_position[0]: ["1"], by_position[1]: ["1", "3"], by_position[2]: ["2"]}
    page.locator("body").click(position={"x": 1, "y": 1})
    for text in by_position:
        page.keyboard.press("j")
        for key in wanted[text]:
            press_on(page, text, key)
    # Pressing a key twice takes the code off again; the result is announced.
    press_on(page, by_position[2], "4")
    expect(page.locator("#analysis-live")).to_contain_text("applied")
    press_on(page, by_position[2], "4")
    expect(page.locator("#analysis-live")).to_contain_text("removed")
    page.keyboard.press("k")
    expect(row_of(page, by_position[1])).to_be_focused()

    first = row_of(page, by_position[0])
    expect(first.get_by_role("button", name=re.compile("Clarify"))).to_have_attribute("aria-pressed", "true")
    expect(first.get_by_role("button", name=re.compile("Change"))).to_have_attribute("aria-pressed", "false")
    expect(row_of(page, by_position[1]).locator(".comment-codes")).to_have_text("Clarify, Include")
    expect(row_of(page, by_position[2]).locator(".comment-codes")).to_have_text("Change")
    with app.app_context():
        assert db.session.query(Coding).filter_by(blind=False).count() == 4
    # The filter is still there after the swaps.
    expect(page).to_have_url(re.compile(r"track=ca"))
    assert_accessible(page)

    # -- the memo of orientation 1.1 ------------------------------------------------------------------
    page.goto(f"{live_server}{BASE}/topics/{topic_id}/memo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.1")
    page.get_by_label("What we heard, in French").fill("Les experts demandent des équipes élargies.")
    page.get_by_label("What we heard, in English").fill("Experts ask for broader teams.")
    page.get_by_role("button", name="Save the memo").click()
    expect(page.get_by_role("status").filter(has_text="The memo was saved.")).to_be_visible()
    expect(page.get_by_label("What we heard, in English")).to_have_value("Experts ask for broader teams.")
    assert_accessible(page)
    page.context.close()

    # -- the coordinator gives the three coded comments to the second analyst ------------------------------
    coordinator = sign_in(browser, live_server, "coordinator@example.org")
    coordinator.goto(f"{live_server}{BASE}/agreement")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Agreement between coders")
    assert_accessible(coordinator)
    coordinator.get_by_label("Second coder", exact=True).select_option(label="second@example.org")
    coordinator.get_by_label("Comments on").select_option(value=str(topic_id))
    coordinator.get_by_label("Number of comments").fill("3")
    coordinator.get_by_role("button", name="Give the sample").click()
    expect(coordinator.get_by_role("status").filter(has_text="3 comments were given")).to_be_visible()

    # -- the second analyst codes them blind, disagreeing on one ---------------------------------------------
    second = sign_in(browser, live_server, "second@example.org")
    second.goto(f"{live_server}{BASE}/second-coding")
    expect(second.get_by_role("heading", level=1)).to_have_text("Second coding")
    for text in CANADIAN:
        expect(row_of(second, text)).to_be_visible()
        expect(row_of(second, text).locator("[aria-pressed=true]")).to_have_count(0)  # blind: no main codes
    expect(second.locator(".comment-codes")).to_have_count(0)
    assert_accessible(second)
    second.keyboard.press("?")
    expect(second.get_by_role("table", name="Keyboard shortcuts")).to_be_visible()
    expect(second.get_by_role("row", name=re.compile("Apply or remove “Clarify”"))).to_be_visible()
    second.keyboard.press("?")
    blind_order = [second.locator("article.comment").nth(index).get_attribute("data-comment-id") for index in range(3)]
    blind_texts = [CANADIAN[texts.index(comment_id)] for comment_id in blind_order]
    # Same codes as the analyst, except on the comment the analyst coded "Change": "Include" instead.
    blind_keys = {by_position[0]: ["1"], by_position[1]: ["1", "3"], by_position[2]: ["3"]}
    second.locator("body").click(position={"x": 1, "y": 1})
    for text in blind_texts:
        second.keyboard.press("j")
        for key in blind_keys[text]:
            press_on(second, text, key)
        row = row_of(second, text)
        with second.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/done")):
            row.get_by_role("button", name=re.compile("Done with this comment")).click()
        expect(row_of(second, text).locator(".badge")).to_have_text("Done")
        expect(row_of(second, text)).to_be_focused()
    expect(second.locator(".progress-text")).to_have_text("3 of 3 comments done.")
    assert_accessible(second)
    with app.app_context():
        analyst = db.session.scalar(select(StaffUser).where(StaffUser.email == "second@example.org"))
        assert db.session.query(Coding).filter_by(blind=True, coder_id=analyst.id).count() == 4

    # -- the coordinator sees the one disagreement ----------------------------------------------------------
    coordinator.reload()
    expect(coordinator.get_by_role("heading", name="1 disagreement to settle")).to_be_visible()
    disagreement = coordinator.locator(".disagreement")
    expect(disagreement).to_have_count(1)
    expect(disagreement).to_contain_text(by_position[2])
    expect(disagreement.locator("dd").nth(0)).to_have_text("Change")
    expect(disagreement.locator("dd").nth(1)).to_have_text("Include")
    figures = coordinator.get_by_role("table", name=re.compile("Agreement per code"))
    expect(figures.get_by_role("row", name=re.compile("Clarify"))).to_contain_text("100 %")
    # Clarify, Include and Change over three comments: both 3, main only 1, second only 1, neither 4
    # → 7 / 9 = 77.8 %; κ = (63/81 − 41/81) / (1 − 41/81) = 0.55.
    expect(figures.get_by_role("row", name=re.compile("Overall"))).to_contain_text("77.8 %")
    expect(figures.get_by_role("row", name=re.compile("Overall"))).to_contain_text("0.55")
    assert_accessible(coordinator)

    coordinator.get_by_role("button", name=re.compile("Adopt the second coder's codes")).click()
    expect(coordinator.get_by_role("heading", name="0 disagreements to settle")).to_be_visible()
    coordinator.context.close()
    second.context.close()


def test_coding_without_javascript_comes_back_to_the_filtered_list(browser, live_server, comments):
    context = browser.new_context(locale="fr-CA", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill("analyst@example.org")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}{BASE}/codebook")  # opening the codebook seeds it
    listing = f"{live_server}{BASE}/topics/{comments}?track=ca"
    page.goto(listing)
    row = row_of(page, CANADIAN[1])
    comment_id = row.get_attribute("data-comment-id")
    row.get_by_role("button", name=re.compile("Include")).click()
    expect(page).to_have_url(f"{listing}#comment-{comment_id}")
    expect(page.get_by_role("status").filter(has_text=f"Comment {comment_id}: code “Include” applied.")).to_be_visible()
    expect(row_of(page, CANADIAN[1]).get_by_role("button", name=re.compile("Include"))).to_have_attribute(
        "aria-pressed", "true")
    expect(row_of(page, QUEBEC[0])).to_have_count(0)  # still filtered to the Canadian track
    # Hiding without a reason: the row comes back alone, saying why, and nothing changed.
    row = row_of(page, CANADIAN[1])
    row.locator("summary", has_text="More").click()
    # In a list the other actions come when opened: without JavaScript, on the comment's own page.
    row.get_by_role("link", name="Open the actions of this comment").click()
    page.get_by_role("button", name="Hide", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("was not hidden: say why")
    expect(page.get_by_label("Why hide it (required)")).to_have_attribute("aria-invalid", "true")
    context.close()
