"""A citizen partner opts in to compensation at sign-up, attends, claims parking with a photo of the receipt; the
coordinator approves; the finance CSV holds the amounts without names; the partner downloads the
attestation PDF (its text read back). The interface is in English (?lang=en)."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from consult.extensions import db
from consult.forums import organizer_services, public_services
from consult.models import CompensationPolicy, Consultation, Forum, ParticipantCategory, Registration
from tests.browser.demo_data import SLUG
from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD
from tests.integration.test_compensation_receipts import photo

TITLE = "Forum with partners"
STARTS_AT = (datetime.now(timezone.utc) + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)


@pytest.fixture
def forum(app, demo, live_server):
    """A forum of the demo, and a policy: care users and citizen partners get 60 $ a session, parking up to 25 $."""
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        partners = db.session.scalar(select(ParticipantCategory).where(
            ParticipantCategory.consultation_id == consultation.id, ParticipantCategory.code == "patient-partner"))
        db.session.add(CompensationPolicy(consultation_id=consultation.id, eligible_category_ids=[partners.id],
                                          rate_unit="session", forum_rate_cents=6000, interview_rate_cents=4000,
                                          expense_caps={"parking": 2500}))
        item = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum avec les partenaires",
                     title_en=TITLE, starts_at=STARTS_AT, duration_minutes=120, capacity=10, language="en")
        db.session.add(item)
        db.session.commit()
        return item.id


def test_partner_is_compensated_and_gets_the_attestation(page, browser, live_server, app, forum, make_staff,
                                                         assert_accessible, uploads_dir):
    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup?lang=en")
    page.get_by_label("Name", exact=True).fill("Élise Côté")
    page.get_by_label("Email address").fill("elise@example.org")
    page.get_by_label("Which group best describes you?").select_option(label="Care users and citizen partners")
    page.get_by_label("Province or territory").select_option(label="Quebec")
    page.get_by_label("English", exact=True).check()
    expect(page.get_by_text(re.compile(r"You would receive \$60\.00 for this session"))).to_be_visible()
    page.get_by_label("Yes, I wish to be compensated").check()
    page.get_by_label("Captions").check()
    page.get_by_label(re.compile(r"^I agree that my information is used")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/check-your-email$"))

    # The session takes place; the organizer marks her present. She opens her registration's link.
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        registration.forum.starts_at = datetime.now(timezone.utc) - timedelta(hours=3)
        organizer_services.mark_attendance(registration, True, None, datetime.now(timezone.utc))
        db.session.commit()
        manage = public_services.registration_token(registration)
    page.goto(f"{live_server}/registrations/{manage}")
    page.get_by_role("link", name="Your compensation, your expenses and your attestation of participation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compensation and attestation")
    assert_accessible(page)
    personal = page.url

    # A claim over the cap comes back with the message; then the right amount with its receipt.
    page.get_by_label("Kind of expense").select_option(label="Parking")
    page.get_by_label("Amount ($)").fill("40")
    page.get_by_role("button", name="Send my claim").click()
    expect(page.get_by_role("alert")).to_contain_text("more than the $25.00 reimbursed per claim")
    expect(page.get_by_label("Amount ($)")).to_have_value("40")
    assert_accessible(page)
    page.get_by_label("Amount ($)").fill("18.75")
    # A file that is neither a document nor a picture is refused next to the field, the claim kept.
    page.get_by_label("Receipt (optional)").set_input_files(
        files=[{"name": "parking.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 a program"}])
    page.get_by_role("button", name="Send my claim").click()
    expect(page.locator("#receipt-error")).to_contain_text("A receipt must be a photo (JPEG or PNG) or a document")
    expect(page.get_by_label("Amount ($)")).to_have_value("18.75")
    assert_accessible(page)
    # The receipt photographed with a phone.
    page.get_by_label("Receipt (optional)").set_input_files(
        files=[{"name": "IMG_2041.JPG", "mimeType": "image/jpeg", "buffer": photo()}])
    page.get_by_role("button", name="Send my claim").click()
    expect(page.get_by_text("Your expense is sent.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"Parking"))).to_contain_text("Waiting for a decision")

    # The coordinator approves both amounts and takes the finance CSV.
    make_staff("coordinator@example.org", ["coordinator"])
    staff = browser.new_context(locale="en-CA")
    try:
        coordinator = staff.new_page()
        coordinator.set_default_timeout(ACTION_MS)
        coordinator.goto(live_server + "/staff/login?lang=en")
        coordinator.get_by_label("Email address").fill("coordinator@example.org")
        coordinator.get_by_label("Password").fill(STAFF_PASSWORD)
        coordinator.get_by_role("button", name="Sign in").click()
        expect(coordinator.locator("#compensation-totals")).to_be_visible()
        coordinator.locator("#compensation-totals").get_by_role("link", name="Ledger").first.click()
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Compensation ledger")
        assert_accessible(coordinator)
        for _ in range(2):
            row = coordinator.locator("tbody tr", has=coordinator.get_by_label("Approve")).first
            row.get_by_label("Approve").check()
            row.get_by_role("button", name="Record the decision").click()
            expect(coordinator.get_by_text(re.compile(r"^Approved: "))).to_be_visible()
        expect(coordinator.locator("#ledger-totals")).to_contain_text("$78.75")
        with coordinator.expect_download() as download:
            coordinator.get_by_role("link", name="Download the approved amounts (CSV, by pseudonym)").click()
        text = open(download.value.path(), encoding="utf-8-sig").read()
    finally:
        staff.close()
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(row[-2] for row in rows[1:]) == ["18.75", "60.00"]
    assert "Élise" not in text and "elise@example.org" not in text

    # The partner downloads her attestation, in English, her language.
    page.goto(personal)
    expect(page.get_by_role("row", name=re.compile(r"Parking"))).to_contain_text("Approved")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my attestation (PDF)").click()
    pdf = PdfReader(download.value.path())
    flat = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in pdf.pages))
    assert "Attestation of participation" in flat
    assert "Élise Côté" in flat
    assert TITLE in flat
    assert "2 hours" in flat
    assert "$78.75" in flat
