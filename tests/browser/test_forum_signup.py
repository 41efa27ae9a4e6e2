"""A newcomer signs up for a forum in a real Chromium, gets the email with its calendar
invitation, and cancels from the email's link; the person waiting gets the seat and is told.
Pages are checked with axe-core. The interface is in English (?lang=en)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.mail.rendering import render
from consult.models import Consultation, Forum, OutboxMessage, Registration, Topic, Track
from tests.browser.demo_data import DEMO, SLUG
from tests.browser.timeouts import ACTION_MS

MEETING = "https://meet.example.org/browser-forum-room"
TITLE = "Forum on access to care"
STARTS_AT = (datetime.now(timezone.utc) + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
MANAGE_LINK = re.compile(r"https?://\S+/registrations/[\w.-]+")


@pytest.fixture
def forum(app, demo, live_server, monkeypatch):
    """One recorded forum of the Québec track with a single seat; emails link to the live server."""
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        item = Forum(
            consultation_id=consultation.id, kind="forum", title_fr="Forum sur l'accès aux soins", title_en=TITLE,
            starts_at=STARTS_AT, duration_minutes=90, capacity=1, language="en", meeting_link=MEETING,
            recorded=True, recording_notice_en="The forum is recorded to support the analysis.",
            track=db.session.scalar(select(Track).where(Track.consultation_id == consultation.id,
                                                        Track.code == "qc")),
            topics=[db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id,
                                                          Topic.code == "1.1"))],
        )
        db.session.add(item)
        db.session.commit()
        return item.id


def deliver(app):
    with app.app_context():
        report = deliver_pending()
        db.session.remove()
    assert report.connection_error == "", report.connection_error


def statuses(app):
    with app.app_context():
        return {r.participant.email: r.status for r in db.session.scalars(select(Registration))}


def fill_signup_form(page, name, email, *, consent_processing=True):
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organization (optional)").fill("CIUSSS de la Capitale-Nationale")
    page.get_by_label("Which group best describes you?").select_option(label="Clinicians or clinician-researchers")
    page.get_by_label("Province or territory").select_option(label="Quebec")
    page.get_by_label("English", exact=True).check()
    page.get_by_label(re.compile(r"^I agree that this session is recorded")).check()
    if consent_processing:
        page.get_by_label(re.compile(r"^I agree that my information is used")).check()


def open_signup_from_the_consultation(page, live_server, assert_accessible=None):
    page.goto(f"{live_server}/consultations/{SLUG}/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO["title"]["en"])
    if assert_accessible:
        assert_accessible(page)
    page.get_by_role("link", name="See the forums and sign up").click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/forums/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forums and interviews")
    card = page.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("1 seat left")
    expect(card.get_by_role("link", name="1.1 – ")).to_be_visible()
    if assert_accessible:
        assert_accessible(page)
    return card


def test_newcomer_signs_up_gets_the_email_and_cancels_from_it(page, browser, live_server, app, forum,
                                                           smtp_server, assert_accessible):
    card = open_signup_from_the_consultation(page, live_server, assert_accessible)
    card.get_by_role("link", name=re.compile(r"^Sign up")).click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("complementary", name="Privacy notice")).to_be_visible()
    assert_accessible(page)

    # A first try without the required consent: the form comes back with the error, nothing lost.
    fill_signup_form(page, "Ana Tremblay", "Ana.Tremblay@example.org", consent_processing=False)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign up").click()
    assert posted.value.status == 422
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("Ana.Tremblay@example.org")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ana Tremblay")
    processing = page.get_by_label(re.compile(r"^I agree that my information is used"))
    expect(processing).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    processing.check()
    page.get_by_role("button", name="Sign up").click()
    # The same answer whether the address is new or known: the details and the personal link go by email.
    expect(page).to_have_url(re.compile(rf"/consultations/{SLUG}/forums/{forum}/check-your-email$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("body")).not_to_contain_text(MEETING)
    assert_accessible(page)

    # The confirmation email arrives with its calendar invitation and the personal link.
    deliver(app)
    [confirmation] = smtp_server.to("ana.tremblay@example.org")
    attachments = {part.get_filename(): part for part in confirmation.iter_attachments()}
    assert attachments["invitation.ics"].get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachments["invitation.ics"].get_content()
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert MEETING in body
    manage_link = MANAGE_LINK.search(body).group(0)
    assert manage_link.startswith(live_server + "/registrations/")

    # Someone else comes, finds the forum full and joins the waitlist.
    other = browser.new_context(locale="en-CA")
    try:
        second = other.new_page()
        second.set_default_timeout(ACTION_MS)
        second.goto(f"{live_server}/consultations/{SLUG}/forums/?lang=en")
        second_card = second.get_by_role("article", name=TITLE)
        expect(second_card).to_contain_text("Full — waitlist open")
        second_card.get_by_role("link", name=re.compile(r"^Join the waitlist")).click()
        expect(second.get_by_text("This session is full. You can join its waitlist")).to_be_visible()
        assert_accessible(second)
        fill_signup_form(second, "Bob Gagnon", "bob@example.org")
        second.get_by_role("button", name="Join the waitlist").click()
        expect(second.get_by_role("heading", level=1)).to_have_text("Check your email")
    finally:
        other.close()
    deliver(app)
    assert len(smtp_server.to("bob@example.org")) == 1
    assert statuses(app) == {"ana.tremblay@example.org": "confirmed", "bob@example.org": "waitlisted"}

    # Ana follows the link of her email: her registration, with the meeting link, and a way to cancel.
    page.goto(manage_link)
    # The token is exchanged for a cookie: the address shown (and logged from now on) no longer holds it.
    expect(page).to_have_url(re.compile(r"/registrations/~[0-9a-f]{16}(\?lang=\w+)?$"))
    registration_page = page.url
    assert manage_link.split("/registrations/")[1].split("?")[0] not in registration_page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.get_by_text("Seat confirmed")).to_be_visible()
    expect(page.get_by_role("link", name=MEETING)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page).to_have_url(registration_page.split("?")[0])
    expect(page.get_by_role("status")).to_have_text("Your registration is cancelled.")
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=MEETING)).to_have_count(0)
    assert_accessible(page)

    # The seat went to Bob, who is told by email with his own invitation; Ana's cancellation is confirmed.
    assert statuses(app) == {"ana.tremblay@example.org": "cancelled", "bob@example.org": "confirmed"}
    deliver(app)
    promotion = smtp_server.to("bob@example.org")[-1]
    assert "A seat is now yours" in promotion["Subject"]
    assert "invitation.ics" in [part.get_filename() for part in promotion.iter_attachments()]
    assert MEETING in promotion.get_body(preferencelist=("plain",)).get_content()
    assert "Registration cancelled" in smtp_server.to("ana.tremblay@example.org")[-1]["Subject"]


def test_a_signup_the_server_refuses_outright_shows_its_page_with_javascript_too(page, live_server, forum):
    """htmx swaps only the form's own answers (422); a refusal the form cannot show (here an expired
    form: no CSRF token) is sent again without htmx, so the browser shows the server's page, as without
    JavaScript, instead of nothing."""
    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup?lang=en")
    fill_signup_form(page, "Dan Roy", "dan@example.org")
    page.locator('#signup-form input[name="csrf_token"]').evaluate("input => input.remove()")
    with page.expect_response(lambda r: r.request.method == "POST" and "hx-request" not in r.request.headers) as again:
        page.get_by_role("button", name="Sign up").click()
    assert again.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("The request could not be understood")
    expect(page.get_by_text("The form had expired or did not come from this site.")).to_be_visible()


def test_signup_works_without_javascript(page_without_js, live_server, app, forum):
    page = page_without_js
    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup?lang=en")
    fill_signup_form(page, "Chloé Roy", "chloe@example.org", consent_processing=False)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign up").click()
    assert posted.value.status == 422
    assert "hx-request" not in posted.value.request.headers
    expect(page.get_by_role("alert")).to_contain_text("Tick this box to sign up")
    expect(page.get_by_label("Email address")).to_have_value("chloe@example.org")

    page.get_by_label(re.compile(r"^I agree that my information is used")).check()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign up").click()
    assert posted.value.status == 303
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    with app.app_context():
        body = render(db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "chloe@example.org"))
                      ).body_text
    page.goto(MANAGE_LINK.search(body).group(0))
    expect(page.get_by_role("link", name=MEETING)).to_be_visible()

    # Cancelling needs its confirmation step, which is a plain page and form.
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_have_text("Your registration is cancelled.")
    assert statuses(app) == {"chloe@example.org": "cancelled"}
