"""Alice asks for her data from the consultation page, opens the link she receives by email, downloads
everything, corrects her name, withdraws a consent and deletes her data; an administrator edits the
privacy notice and records an incident — in a real Chromium, with axe-core on every page. The
interface is in English (?lang=en)."""
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import Participant
from tests.browser.demo_data import SLUG
from tests.conftest import STAFF_PASSWORD
from tests.privacy_data import ALICE, alice_takes_part


@pytest.fixture
def alice_took_part(app, live_site):
    """Alice took part in the demo consultation, served live."""
    with app.app_context():
        taking = alice_takes_part(live_site)
        db.session.remove()
    return taking


def emailed_link(app, smtp_server) -> str:
    with app.app_context():
        report = deliver_pending()
        db.session.remove()
    assert report.connection_error == "", report.connection_error
    [message] = [item for item in smtp_server.to(ALICE) if "/my-data/" in item.get_body(("plain",)).get_content()]
    return re.search(r"https?://\S+/my-data/\S+", message.get_body(("plain",)).get_content()).group(0)


def test_alice_sees_downloads_corrects_withdraws_and_deletes_her_data(page, live_server, app, alice_took_part,
                                                                        smtp_server, assert_accessible, tmp_path):
    page.goto(f"{live_server}/consultations/{SLUG}/?lang=en")
    page.get_by_role("link", name=re.compile("^My data")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    assert_accessible(page)
    page.get_by_label("Email address").fill(ALICE)
    page.get_by_role("button", name="Email me my link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    link = emailed_link(app, smtp_server)
    page.goto(link.replace("lang=fr", "lang=en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    expect(page.get_by_text("Alice Tremblay")).to_be_visible()
    expect(page.get_by_role("link", name="memoire.pdf")).to_be_visible()
    expect(page.get_by_text("J'aime la place donnée aux infirmières praticiennes.").first).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    archive = tmp_path / "mine.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        data = json.loads(opened.read("data.json"))
        assert data["profile"]["name"] == "Alice Tremblay"
        [document] = data["written_submissions"][0]["documents"]
        assert opened.read(document["file"]).startswith(b"%PDF")

    quotation = page.get_by_role("row", name=re.compile("^Quoting your comments"))
    quotation.get_by_role("button", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("status").filter(has_text="Consent withdrawn")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Quoting your comments")).get_by_text("Not given")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Correct my profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct my profile")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text("Enter your name.")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Alice Gagnon")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile is corrected.")).to_be_visible()
    expect(page.get_by_text("Alice Gagnon")).to_be_visible()

    page.get_by_role("link", name="Delete my data…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your data?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data has been deleted")
    assert_accessible(page)

    page.goto(link.replace("lang=fr", "lang=en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    with app.app_context():
        alice = db.session.get(Participant, alice_took_part.alice_id)
        assert alice.erased_at is not None and alice.name == "" and alice.email.endswith("@erased.invalid")
        assert db.session.scalar(select(Participant).where(Participant.email == ALICE)) is None
        db.session.remove()


def test_an_administrator_edits_the_notice_and_records_an_incident(page, live_server, app, alice_took_part, make_staff,
                                                                     assert_accessible):
    make_staff("admin@example.org", ["admin"])
    page.goto(f"{live_server}/staff/login?lang=en")
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff area")

    page.goto(f"{live_server}/staff/consultations/{SLUG}/privacy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice and retention")
    assert_accessible(page)
    notice = "We keep your data until the end of June 2027."
    page.get_by_label("Privacy notice in English").fill(notice)
    page.get_by_label("Keep personal data until").fill("2027-06-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Privacy notice saved")).to_be_visible()
    expect(page.get_by_label("Privacy notice in English")).to_have_value(notice)

    page.get_by_role("link", name="Register of confidentiality incidents").click()
    expect(page.get_by_text("No incident has been recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record an incident").click()
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Describe the incident.")
    assert_accessible(page)
    page.get_by_label("What happened").fill("A reminder went out with every address visible.")
    page.get_by_label("Number of people concerned (if known)").fill("42")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Incident 1 recorded.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("A reminder went out with every address visible.")
    assert_accessible(page)
