"""An organizer creates a forum with the form, finds it in the list, opens its roster and marks
attendance (htmx swaps the row), in a real Chromium with axe-core on every page visited.
The interface is in English (?lang=en, remembered in a cookie)."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.forums import registration as seats
from consult.models import Consultation, Forum, Participant, Topic
from tests.browser.demo_data import DEMO, SLUG, topic
from tests.conftest import STAFF_PASSWORD

EMAIL = "organizer@example.org"
TITLE_EN = "Forum on local governance"
NEXT_YEAR = datetime.now(timezone.utc).year + 1
FORUMS = f"/staff/consultations/{SLUG}/forums/"


def sign_in(page, live_server, assert_accessible):
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/staff/")
    assert_accessible(page)


def test_organizer_creates_a_forum_and_marks_attendance(page, live_server, app, demo, make_staff,
                                                        assert_accessible):
    make_staff(EMAIL, ["organizer"])
    sign_in(page, live_server, assert_accessible)

    # From the consultation's staff page to its forums: none yet.
    page.get_by_role("link", name=DEMO["title"]["en"], exact=True).click()
    page.get_by_role("link", name="Forums and interviews").click()
    expect(page).to_have_url(live_server + FORUMS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Forums and interviews")
    expect(page.get_by_text("There is no forum or interview yet.")).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="Staff area")).to_be_visible()
    assert_accessible(page)

    # The form: a start in the past first, which is refused with everything kept.
    page.get_by_role("link", name="Create a forum or an interview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a forum or an interview")
    assert_accessible(page)
    page.get_by_label("Title in French").fill("Forum sur la gouvernance locale")
    page.get_by_label("Title in English").fill(TITLE_EN)
    orientation = topic("3.1")
    page.get_by_label(f"3.1 – {orientation['title']['en']}").check()
    page.get_by_label("Date", exact=True).fill(f"{NEXT_YEAR - 2}-05-12")
    page.get_by_label("Start time").fill("13:30")
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Bilingual (French and English)").check()
    page.get_by_label("Meeting link").fill("https://meet.example.org/governance")
    page.get_by_label("The synoptic table of the proposal").check()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 422
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("already past"))).to_be_visible()
    expect(page.get_by_label("Title in English")).to_have_value(TITLE_EN)
    expect(page.get_by_label(f"3.1 – {orientation['title']['en']}")).to_be_checked()
    assert_accessible(page)

    # Corrected: saved, and back on the list with the new forum in Montréal time.
    page.get_by_label("Date", exact=True).fill(f"{NEXT_YEAR}-05-12")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 204 and posted.value.headers["hx-redirect"].startswith(FORUMS + "#forum-")
    expect(page.get_by_role("status").filter(has_text="The session was created.")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("link", name=TITLE_EN, exact=True))
    expect(row).to_contain_text(f"May 12, {NEXT_YEAR}")
    expect(row).to_contain_text("1:30")
    assert_accessible(page)

    with app.app_context():
        forum = db.session.scalar(select(Forum))
        assert forum.starts_at.strftime("%H:%M") == "17:30"
        person = Participant(consultation_id=forum.consultation_id, email="ana@example.org", name="Ana Lavoie",
                             organisation="CLSC du Plateau", region="QC")
        db.session.add(person)
        db.session.flush()
        registration_id = seats.register(forum, person).registration.id
        # The day has come: attendance is taken once the session has started.
        forum.starts_at = datetime.now(timezone.utc) - timedelta(minutes=5)
        db.session.commit()

    # The roster, then attendance marked in place.
    row.get_by_role("link", name=TITLE_EN, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roster")
    person_row = page.locator(f"#registration-{registration_id}")
    expect(person_row).to_contain_text("Ana Lavoie")
    expect(person_row).to_contain_text("Not marked yet")
    assert_accessible(page)

    present = page.get_by_role("button", name="Present: Ana Lavoie")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/attendance")) as posted:
        present.click()
    response = posted.value
    assert response.request.headers.get("hx-request") == "true" and response.status == 200
    expect(person_row.locator(".attendance-status")).to_have_text("Present")
    expect(present).to_have_attribute("aria-pressed", "true")
    expect(present).to_be_focused()  # htmx keeps the focus on the button with the same id
    expect(page).to_have_url(re.compile(r"/roster$"))  # no page load
    assert_accessible(page)

    expect(page.locator("#roster-stats")).to_contain_text("1 present")
    page.get_by_role("button", name="Absent: Ana Lavoie").click()
    expect(person_row.locator(".attendance-status")).to_have_text("Absent")
    expect(page.locator("#roster-stats")).to_contain_text("0 present")
    expect(page.locator("#roster-stats")).to_contain_text("1 absent")
    # A mark made by mistake is undone: the seat is confirmed again.
    page.get_by_role("button", name="Undo the mark: Ana Lavoie").click()
    expect(person_row.locator(".attendance-status")).to_have_text("Not marked yet")
    expect(page.locator("#roster-stats")).to_contain_text("0 absent")

    # Someone came without a seat: added with the form below the roster, marked present.
    page.get_by_label("Name", exact=True).fill("Walk In")
    page.get_by_label("Email address").fill("walk.in@example.org")
    page.get_by_role("button", name="Add and mark present").click()
    expect(page.get_by_role("status").filter(has_text="Walk In was added and marked present.")).to_be_visible()
    walk_in_row = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile("Walk In")))
    expect(walk_in_row.locator(".attendance-status")).to_have_text("Present")
    assert_accessible(page)

    # The printable sheet.
    page.get_by_role("link", name="Printable sign-in sheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign-in sheet")
    assert_accessible(page)


def test_notes_slots_cancellation_and_dossier_pages_are_accessible(page, live_server, app, demo, make_staff,
                                                                   assert_accessible):
    """The other organizer pages, and the public dossier, pass axe-core; a note is added with htmx."""
    make_staff(EMAIL, ["organizer"])
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        forum = Forum(consultation_id=consultation.id, title_fr="Forum B", title_en="Forum B", capacity=3,
                      starts_at=datetime(NEXT_YEAR, 6, 2, 17, 0, tzinfo=timezone.utc), prereading_kind="dossier")
        forum.topics = list(db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id,
                                                                   Topic.code.in_(["2", "4.1"]))))
        db.session.add(forum)
        db.session.commit()
        forum_id = forum.id
    sign_in(page, live_server, assert_accessible)
    base = f"{live_server}{FORUMS}{forum_id}"

    page.goto(base + "/notes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes – Forum B")
    assert_accessible(page)
    page.get_by_label("Topic discussed").select_option(label=f"4.1 – {topic('4.1')['title']['en']}")
    page.get_by_label("Note", exact=True).fill("Digital tools must work in rural areas.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status").filter(has_text="The note was saved.")).to_be_visible()
    expect(page.get_by_role("article")).to_contain_text("Digital tools must work in rural areas.")
    assert_accessible(page)

    page.goto(live_server + FORUMS + "interview-slots")
    assert_accessible(page)
    page.goto(base + "/edit")
    assert_accessible(page)
    page.goto(base + "/cancel")
    expect(page.get_by_role("button", name="Cancel this session")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum_id}/dossier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-reading dossier")
    expect(page.get_by_role("heading", level=2, name=re.compile(topic("2")["title"]["en"]))).to_be_visible()
    assert_accessible(page)
