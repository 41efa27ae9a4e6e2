"""An expert answers the questionnaire in a real Chromium: three orientations over two sittings on
two devices (autosave, reload, the resume link from the test SMTP server), then review, submission,
receipt page and receipt email. The same flow runs with JavaScript disabled, with the Save buttons.
Every page is checked with axe-core (in the JavaScript pass: axe needs JavaScript)."""
import re
import time
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import Consultation, Response
from consult.questionnaires import builder
from tests.browser.demo_data import DEMO, SLUG
from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD

PERSONAL_LINK = re.compile(r"https?://\S+/questionnaire/[\w.-]+/")
ANSWERS = {
    "1.1": "Access for everyone, with a named team, is the right aim.",
    "1.2": "The needs of rural communities deserve more than one sentence.",
    "2.1": "Partnership with patients is welcome but needs funding.",
}


@pytest.fixture
def questionnaire(app, demo, live_server, monkeypatch):
    """The demo's questionnaire, open to anyone; emails link to the live server."""
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        builder.ensure_demo_questionnaire(consultation, datetime.now(timezone.utc))
        db.session.commit()
    return SLUG


def deliver(app):
    with app.app_context():
        report = deliver_pending()
        db.session.remove()
    assert report.connection_error == "", report.connection_error


def orientation(page, code):
    return page.locator(f'[id="topic-{code}"]')


def answer_box(page, code):
    return orientation(page, code).get_by_label("What you like")


def identify(page, live_server, email, app, smtp_server, check=None):
    page.goto(f"{live_server}/consultations/{SLUG}/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO["title"]["en"])
    page.get_by_role("link", name="Answer the questionnaire").click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/questionnaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Online consultation questionnaire")
    if check:
        check(page)
    page.get_by_label("Name", exact=True).fill("Ana Tremblay")
    page.get_by_label("Email address").first.fill(email)
    page.get_by_label("Organization (optional)").fill("Université de Sherbrooke")
    page.get_by_label("Which group best describes you?").select_option(label="Professors or professor-researchers")
    page.get_by_label("Province or territory").select_option(label="Ontario")
    page.get_by_label("English", exact=True).check()
    if check:
        # A first try without consent: 422, everything typed is still there.
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Start the questionnaire").click()
        assert posted.value.status == 422
        expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
        expect(page.get_by_label("Email address").first).to_have_value(email)
        check(page)
    page.get_by_label(re.compile(r"^I agree that my information and my answers are used")).check()
    page.get_by_role("button", name="Start the questionnaire").click()
    # The personal link goes by email only, to whoever owns the address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    if check:
        check(page)
    link, _body = fetch_link(app, smtp_server, email, "Your link to continue")
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/questionnaire/~[0-9a-f]{16}/$"))  # the token went into a cookie
    expect(page.get_by_text("0 of 18 orientations answered")).to_be_visible()
    if check:
        check(page)


def wait_until_saved(app, texts, timeout=20.0):
    """Until the server holds these answers in full (autosave waits for a pause in the typing)."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            saved = {answer.value for response in db.session.scalars(select(Response)) for answer in response.answers}
            db.session.remove()
        if texts <= saved:
            return
        assert time.monotonic() < deadline, f"not saved within {timeout} s: {texts - saved}"
        time.sleep(0.1)


def open_page_of(page, code):
    """Through the table of contents: the link of an orientation opens its page at its fieldset."""
    page.get_by_role("navigation", name="Contents").get_by_role("link", name=code, exact=True).click()
    expect(orientation(page, code)).to_be_visible()


def fetch_link(app, smtp_server, email, subject_start):
    deliver(app)
    message = [m for m in smtp_server.to(email) if m["Subject"].startswith(subject_start)][-1]
    body = message.get_body(preferencelist=("plain",)).get_content()
    return PERSONAL_LINK.search(body).group(0), body


def test_three_orientations_over_two_sittings_with_autosave(page, browser, live_server, app, questionnaire,
                                                            smtp_server, assert_accessible):
    email = "ana.js@example.org"
    identify(page, live_server, email, app, smtp_server, assert_accessible)
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("Page 1 of 7")).to_be_visible()
    assert_accessible(page)

    # First sitting: 1.1 and 1.2, saved by themselves while typing.
    open_page_of(page, "1.1")
    for code in ("1.1", "1.2"):
        box = answer_box(page, code)
        box.click()
        box.press_sequentially(ANSWERS[code][:20])
        box.type(ANSWERS[code][20:])
        expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
        expect(orientation(page, code).get_by_text(f"{len(ANSWERS[code])} / 5000 characters")).to_be_visible()
    wait_until_saved(app, {ANSWERS["1.1"], ANSWERS["1.2"]})  # the last save comes 1.5 s after the typing
    expect(page.get_by_role("status")).to_contain_text("Saved at")
    assert_accessible(page)
    page.reload()
    expect(answer_box(page, "1.1")).to_have_value(ANSWERS["1.1"])
    expect(answer_box(page, "1.2")).to_have_value(ANSWERS["1.2"])
    expect(page.get_by_text("2 of 18 orientations answered")).to_be_visible()

    page.get_by_role("button", name="Send me a link to continue").click()
    expect(page.get_by_role("status").filter(has_text="We have emailed a link to continue")).to_be_visible()
    link, _body = fetch_link(app, smtp_server, email, "Your link to continue")

    # Second sitting, on another device: the draft is there; 2.1, then review and submit.
    other = browser.new_context(locale="en-CA")
    try:
        phone = other.new_page()
        phone.set_default_timeout(ACTION_MS)
        phone.goto(link)
        expect(phone.get_by_text("2 of 18 orientations answered")).to_be_visible()
        phone.get_by_role("link", name="Continue").click()
        open_page_of(phone, "2.1")
        box = answer_box(phone, "2.1")
        box.fill(ANSWERS["2.1"])
        orientation(phone, "2.1").get_by_label("Somewhat agree").check()
        expect(phone.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
        assert_accessible(phone)
        phone.get_by_role("navigation", name="Contents").get_by_role("link", name="Review and submit").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Review and submit")
        for text in ANSWERS.values():
            expect(phone.get_by_text(text)).to_be_visible()
        assert_accessible(phone)
        phone.get_by_role("button", name="Submit my answers").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are submitted")
        expect(phone.get_by_text(f"A copy of your answers is on its way to {email}.")).to_be_visible()
        assert_accessible(phone)
    finally:
        other.close()

    _link, receipt = fetch_link(app, smtp_server, email, "Receipt")
    for text in ANSWERS.values():
        assert text in receipt
    assert "Somewhat agree" in receipt
    with app.app_context():
        assert [r.status for r in db.session.scalars(select(Response))] == ["submitted"]


def test_the_same_flow_without_javascript(page_without_js, browser, live_server, app, questionnaire, smtp_server):
    page = page_without_js
    email = "ana.nojs@example.org"
    identify(page, live_server, email, app, smtp_server)
    page.get_by_role("link", name="Start").click()
    open_page_of(page, "1.1")
    answer_box(page, "1.1").fill(ANSWERS["1.1"])
    answer_box(page, "1.2").fill(ANSWERS["1.2"])
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 303
    assert "hx-request" not in posted.value.request.headers
    expect(page.get_by_role("status").filter(has_text="Your answers are saved.")).to_be_visible()
    page.reload()
    expect(answer_box(page, "1.2")).to_have_value(ANSWERS["1.2"])

    page.get_by_role("button", name="Send me a link to continue").click()
    expect(page.get_by_role("status").filter(has_text="We have emailed a link to continue")).to_be_visible()
    link, _body = fetch_link(app, smtp_server, email, "Your link to continue")

    other = browser.new_context(locale="en-CA", java_script_enabled=False)
    try:
        laptop = other.new_page()
        laptop.set_default_timeout(ACTION_MS)
        laptop.goto(link)
        expect(laptop.get_by_text("2 of 18 orientations answered")).to_be_visible()
        laptop.get_by_role("link", name="Continue").click()
        open_page_of(laptop, "2.1")
        answer_box(laptop, "2.1").fill(ANSWERS["2.1"])
        laptop.get_by_role("button", name="Save and continue").click()
        expect(laptop.get_by_text("Page 5 of 7")).to_be_visible()
        laptop.get_by_role("navigation", name="Contents").get_by_role("link", name="Review and submit").click()
        for text in ANSWERS.values():
            expect(laptop.get_by_text(text)).to_be_visible()
        laptop.get_by_role("button", name="Submit my answers").click()
        expect(laptop.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are submitted")
    finally:
        other.close()
    _link, receipt = fetch_link(app, smtp_server, email, "Receipt")
    for text in ANSWERS.values():
        assert text in receipt


def test_error_pages_are_accessible(page, live_server, app, questionnaire, assert_accessible):
    page.goto(f"{live_server}/questionnaire/not-a-real-link/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)
    with app.app_context():
        from consult.models import Questionnaire

        db.session.scalar(select(Questionnaire)).access = "invitation"
        db.session.commit()
    page.goto(f"{live_server}/consultations/{SLUG}/questionnaire/?lang=en")
    expect(page.get_by_text("This questionnaire is by invitation only")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_role("button", name="Email me my link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)


def test_staff_pages_are_accessible(page, live_server, app, questionnaire, make_staff, assert_accessible):
    make_staff("organizer@example.org", ["organizer", "analyst"])
    page.goto(f"{live_server}/staff/login?lang=en")
    page.get_by_label("Email address").fill("organizer@example.org")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    base = f"{live_server}/staff/consultations/{SLUG}/questionnaire"
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Edit 1\.1 · What you like")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit a question")
    assert_accessible(page)
    page.get_by_label("Question in English").fill("What do you like?")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_role("status").filter(has_text="The question was saved.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Down 1\.1 · What do you like")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire")
    for path, heading in (("/settings", "Questionnaire: dates and access"),
                          ("/questions/new", "Add a question"),
                          ("/invitations", "Questionnaire: invitations"),
                          ("/responses", "Questionnaire: responses")):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto(base + "/invitations")
    page.get_by_label("Email addresses, one a line").fill("bob@example.org, Bob\nnot an address")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("Line 2: not an address")).to_be_visible()
    expect(page.get_by_role("cell", name="bob@example.org")).to_be_visible()
    assert_accessible(page)
