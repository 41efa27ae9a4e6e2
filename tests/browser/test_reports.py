"""A coordinator reads the participation dashboard and the "what we heard" report draft, in French and in
English, in a real Chromium with axe-core, and prints the report to PDF."""
import re

from playwright.sync_api import expect

from consult.extensions import db
from tests.browser.demo_data import DEMO, SLUG, topic
from tests.conftest import STAFF_PASSWORD
from tests.factories import consultation_of

EMAIL = "coordinator@example.org"
REPORTS = f"/staff/consultations/{SLUG}/reports"


def seed(app):
    from consult.demo.activity import seed_activity

    with app.app_context():
        seed_activity(consultation_of(SLUG))
        db.session.commit()


def sign_in(page, live_server):
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/staff/")


def test_coordinator_reads_the_dashboard_and_prints_the_report(page, live_server, app, demo, make_staff,
                                                              assert_accessible):
    seed(app)
    make_staff(EMAIL, ["coordinator"])
    sign_in(page, live_server)

    for lang, track in (("fr", DEMO["tracks"][0]["name"]["fr"]), ("en", DEMO["tracks"][0]["name"]["en"])):
        page.goto(f"{live_server}{REPORTS}/participation?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=1)).to_have_text("Participation")
        expect(page.locator("#total-participants")).to_have_text("91")
        expect(page.get_by_role("img", name=re.compile("channel|mode de participation", re.I)).first).to_be_visible()
        expect(page.locator("#table-track").get_by_role("rowheader", name=track, exact=True)).to_be_visible()
        assert_accessible(page)

    orientation = topic("1.1")
    for lang in ("fr", "en"):
        page.goto(f"{live_server}{REPORTS}/draft?lang={lang}")
        expect(page.get_by_role("heading", level=1)).to_have_text(DEMO["title"][lang])
        expect(page.get_by_role("heading", name=re.compile(re.escape(orientation["title"][lang])))).to_be_visible()
        expect(page.locator("blockquote").first).to_be_visible()
        assert_accessible(page)

        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".report-actions")).to_be_hidden()
        pdf = page.pdf(format="Letter", print_background=False)
        page.emulate_media(media="screen")
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        axes = sum(1 for node in DEMO["topics"] if node["kind"] == "axis")
        # Every root of the tree (sections and axes) starts on a new page.
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > axes

    with page.expect_download() as download:
        page.goto(f"{live_server}{REPORTS}/draft?lang=en")
        page.get_by_role("link", name=re.compile("Word document")).click()
    assert download.value.suggested_filename == f"{SLUG}-what-we-heard-en.docx"
