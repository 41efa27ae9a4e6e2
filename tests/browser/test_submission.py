"""Someone sends a written submission with a PDF and a link from the consultation page, gets the
receipt email, and an analyst cuts an excerpt of it into orientation 4.2 — in a real Chromium,
with axe-core on every page. The interface is in English (?lang=en)."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import Excerpt, Submission
from tests.browser.demo_data import DEMO, SLUG, topic
from tests.conftest import STAFF_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ANALYST = "analyst@example.org"
WRITER = "ana.tremblay@example.org"
TEXT = "Remuneration should reward teams, not the number of visits."


def deliver(app):
    with app.app_context():
        report = deliver_pending()
        db.session.remove()
    assert report.connection_error == "", report.connection_error


def test_a_submission_is_sent_received_and_cut_into_an_excerpt(page, browser, live_server, app, live_site, tmp_path,
                                                             smtp_server, make_staff, assert_accessible):
    brief = tmp_path / "Brief on remuneration.pdf"
    brief.write_bytes(PDF)

    page.goto(f"{live_server}/consultations/{SLUG}/?lang=en")
    page.get_by_role("link", name="Send a written submission").click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/submissions/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a written submission")
    expect(page.get_by_text("at most 5 documents of 20 MB each")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name", exact=True).fill("Ana Tremblay")
    page.get_by_label("Email address").fill(WRITER)
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Your comments").fill(TEXT)
    axis = topic("4")
    page.locator("summary", has_text=axis["title"]["en"]).click()
    page.get_by_label(re.compile(r"^4\.2 – ")).fill("Align funding with team-based care.")
    page.get_by_label("Documents (optional)").set_input_files(str(brief))
    page.get_by_label("Link 1: web address").fill("example.org/our-study")
    page.get_by_label("Link 1: title (optional)").fill("Our study")

    # A first try: the address lacks https:// and the consent is missing. Everything typed stays.
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send my submission").click()
    assert posted.value.status == 422
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Start the address with https://")
    expect(summary).to_contain_text("Tick this box to send your submission")
    expect(page.get_by_label("Your comments")).to_have_value(TEXT)
    expect(page.get_by_label(re.compile(r"^4\.2 – "))).to_be_visible()  # its group reopened
    expect(page.locator("#files-error")).to_contain_text("Choose your documents again")
    assert_accessible(page)

    page.get_by_label("Link 1: web address").fill("https://example.org/our-study")
    page.get_by_label("Documents (optional)").set_input_files(str(brief))
    page.get_by_label(re.compile(r"^I agree that my submission and my information are used")).check()
    page.get_by_role("button", name="Send my submission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your submission is received")
    expect(page.locator(".reference")).to_contain_text("S-0001")
    expect(page.get_by_text("Brief on remuneration.pdf")).to_be_visible()
    assert_accessible(page)

    # The receipt arrives, in English, with the reference, what was received and the texts.
    deliver(app)
    [receipt] = smtp_server.to(WRITER)
    assert "S-0001" in receipt["Subject"]
    body = receipt.get_body(preferencelist=("plain",)).get_content()
    assert "Brief on remuneration.pdf" in body and "https://example.org/our-study" in body
    assert TEXT in body and "Align funding with team-based care." in body

    # An analyst reads it and cuts an excerpt of the brief into orientation 4.2.
    make_staff(ANALYST, ["analyst"])
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill(ANALYST)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/submissions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Written submissions")
    assert_accessible(page)
    page.get_by_label("Documents").select_option("yes")
    expect(page).to_have_url(re.compile(r"attachments=yes"))
    page.get_by_role("link", name="S-0001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("S-0001")
    expect(page.get_by_role("link", name="Brief on remuneration.pdf")).to_be_visible()
    assert_accessible(page)

    orientation = f"4.2 – {topic('4.2')['title']['en']}"
    page.get_by_role("button", name="Save the excerpt").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Choose the topic this excerpt is about.")
    assert_accessible(page)
    page.get_by_label("Topic", exact=True).select_option(label=orientation)
    page.get_by_label("Where it comes from").select_option(label="Document: Brief on remuneration.pdf")
    page.get_by_label("Page or section (optional)").fill("p. 2")
    page.get_by_label("Excerpt", exact=True).fill("Remuneration should reward teams.")
    page.get_by_role("button", name="Save the excerpt").click()
    expect(page.get_by_role("status")).to_have_text("The excerpt was saved.")
    excerpt = page.locator("article", has_text="Remuneration should reward teams.")
    expect(excerpt.get_by_role("heading")).to_contain_text("4.2")
    expect(excerpt).to_contain_text("Document: Brief on remuneration.pdf, p. 2")
    assert_accessible(page)

    page.get_by_role("button", name="Mark as processed").click()
    expect(page.get_by_role("status").filter(has_text="S-0001 is marked processed.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not processed")).to_be_visible()

    with app.app_context():
        [item] = db.session.scalars(select(Excerpt)).all()
        assert item.topic.code == "4.2" and item.attachment.filename == "Brief on remuneration.pdf"
        assert item.locator == "p. 2"
        assert db.session.scalar(select(Submission)).status == "processed"
    assert DEMO["slug"] == SLUG
