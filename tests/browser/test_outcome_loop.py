"""The whole loop in a real Chromium: an analyst builds two items from comments of three channels with
the keyboard; a coordinator freezes version 1; a reviewer, reached by the personal link read from a
real SMTP server, comments and approves; the coordinator answers, records the decisions and publishes;
the outcome page is axe-clean in French and English; the participants' emails arrive; the DOCX read
back with python-docx shows the items' table."""
import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.staff_session import sign_in
from tests.browser.timeouts import ACTION_MS
from tests.items_data import NOTE, PRIVATE, QUOTE, seed

SLUG = "politique-premiere-ligne-2025"
CARL = "CARL Il faudrait un guichet unique"


@pytest.fixture
def loop(app, demo, make_staff, smtp_server):
    make_staff("analyst@example.org", ["analyst"])
    make_staff("coordinator@example.org", ["coordinator"])
    with app.app_context():
        data = seed(demo)
    return data


def focus_comment(page, text):
    """J until the comment holding `text` has the focus."""
    for _ in range(30):
        page.keyboard.press("j")
        if page.evaluate("t => (document.activeElement.textContent || '').includes(t)", text):
            return
    raise AssertionError(f"J never reached {text!r}")


def select_with_keyboard(page, texts):
    page.locator("body").focus()
    for text in texts:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        focus_comment(page, text)
        page.keyboard.press("x")
        expect(page.locator("article.comment", has_text=text).locator("[data-select-comment]")).to_be_checked()


def build_item(page, live_server, topic_url, texts, statement):
    page.goto(topic_url)
    select_with_keyboard(page, texts)
    page.keyboard.press("i")
    expect(page.locator("#add-to-item-item")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add to the item")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="New item")).to_be_visible()
    page.get_by_label("Statement in French").fill(statement[0])
    page.get_by_label("Statement in English").fill(statement[1])
    page.get_by_label("Statement in English").press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create the item")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/items/\d+$"))
    expect(page.locator(".item-statement")).to_have_text(statement[1])
    return int(re.search(r"/items/(\d+)", page.url)[1])


def deliver(runner):
    result = runner.invoke(args=["consult", "deliver-mail"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output


def local(url, live_server):
    return live_server + "/" + url.split("/", 3)[3]


def test_the_loop_from_comments_to_the_published_outcome(browser, live_server, app, loop, smtp_server, runner,
                                                          assert_accessible):
    from tests.factories import consultation_of, topic_of

    with app.app_context():
        topic_id = topic_of(consultation_of(SLUG), "1.1").id
    topic_url = f"{live_server}/staff/consultations/{SLUG}/analysis/topics/{topic_id}?lang=en"

    analyst = sign_in(browser, live_server, "analyst@example.org", locale="en-CA")
    first = build_item(analyst, live_server, topic_url, [QUOTE, PRIVATE, NOTE],
                       ("UN-FR Une liste d'attente publique", "ONE-EN One public wait list"))
    expect(analyst.locator("caption", has_text="Support by channel")).to_be_visible()
    assert_accessible(analyst)
    second = build_item(analyst, live_server, topic_url, [CARL, NOTE],
                        ("DEUX-FR Un guichet unique régional", "TWO-EN One regional access point"))
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/items/?lang=en")
    assert_accessible(analyst)
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/items/new?lang=en")
    analyst.get_by_role("button", name="Create the item").click()
    expect(analyst.locator(".error-summary")).to_contain_text("Write the statement of the item.")
    assert_accessible(analyst)

    coordinator = sign_in(browser, live_server, "coordinator@example.org", locale="en-CA")
    versions = f"{live_server}/staff/consultations/{SLUG}/reports/versions/?lang=en"
    coordinator.goto(versions)
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Add the reviewer").click()
    expect(coordinator.locator(".error-summary")).to_be_visible()  # no address: refused, said next to the field
    assert_accessible(coordinator)
    coordinator.get_by_label("Email address").fill("partner@example.org")
    coordinator.get_by_label("Language of the emails").select_option("en")
    coordinator.get_by_role("button", name="Add the reviewer").click()
    expect(coordinator.get_by_text(re.compile("Reviewer R-\\w+ added"))).to_be_visible()
    coordinator.get_by_role("button", name="Freeze a new version of the report").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Version 1")
    assert_accessible(coordinator)

    deliver(runner)
    invitation = smtp_server.to("partner@example.org")
    assert len(invitation) == 1
    link = re.search(r"https?://\S+/review/\S+", invitation[0].get_body(("plain",)).get_content())[0]

    reviewer_context = browser.new_context(locale="en-CA")
    reviewer = reviewer_context.new_page()
    reviewer.set_default_timeout(ACTION_MS)
    reviewer.goto(local(link, live_server))
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Version 1")
    expect(reviewer.locator("table.report-items").first).to_contain_text("ONE-EN One public wait list")
    assert_accessible(reviewer)
    reviewer.get_by_label("Section").select_option(index=1)
    reviewer.get_by_role("textbox", name="Your comment").fill("Say who keeps the wait list.")
    reviewer.get_by_role("button", name="Send the comment").click()
    expect(reviewer.locator("#my-comments")).to_contain_text("Say who keeps the wait list.")
    reviewer.get_by_label("I approve this version").check()
    reviewer.get_by_role("button", name="Send my verdict").click()
    expect(reviewer.get_by_text("You approved this version.")).to_be_visible()
    # The personal link opens nothing of the staff area.
    reviewer.goto(topic_url)
    expect(reviewer).to_have_url(re.compile("/staff/login"))
    reviewer_context.close()

    coordinator.goto(f"{live_server}/staff/consultations/{SLUG}/reports/versions/1?lang=en")
    expect(coordinator.get_by_text(re.compile(r"R-\w+: approved"))).to_be_visible()
    coordinator.get_by_role("button", name="Mark this version final").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("open comment")
    coordinator.get_by_label("Your answer").fill("Named in the revised text.")
    coordinator.get_by_label("Resolved").check()
    coordinator.get_by_role("button", name=re.compile("Save the answer")).click()
    coordinator.get_by_role("button", name="Mark this version final").click()
    expect(coordinator.get_by_text("Version 1 is final.")).to_be_visible()

    for item, response, reason in ((first, "Retained", "Adopted in orientation 1.1."),
                                   (second, "Under study", "Being costed with the regions.")):
        coordinator.goto(f"{live_server}/staff/consultations/{SLUG}/items/{item}?lang=en")
        coordinator.get_by_label(response, exact=True).check()
        coordinator.get_by_label("Reason in English").fill(reason)
        coordinator.get_by_label("Reason in French").fill("Raison : " + reason)
        coordinator.get_by_role("button", name="Record the decision").click()
        expect(coordinator.get_by_text("Decision recorded.")).to_be_visible()

    coordinator.goto(f"{live_server}/staff/consultations/{SLUG}/outcome?lang=en")
    coordinator.get_by_role("combobox", name="Level of participation").select_option("consultation")
    coordinator.get_by_role("button", name="Save", exact=True).click()
    coordinator.get_by_role("button", name="Publish the outcome").click()
    expect(coordinator.get_by_text(re.compile("The outcome is published. 4 emails queued."))).to_be_visible()
    assert_accessible(coordinator)

    visitor_context = browser.new_context(locale="fr-CA")
    visitor = visitor_context.new_page()
    for lang, heading, decision in (("fr", "Ce que nous avons entendu et ce qui a été fait", "Retenue"),
                                    ("en", "What we heard and what was done", "Retained")):
        visitor.goto(f"{live_server}/consultations/{SLUG}/outcome?lang={lang}")
        expect(visitor.locator("html")).to_have_attribute("lang", lang)
        expect(visitor.locator(".eyebrow").first).to_have_text(heading)
        expect(visitor.locator(f"#item-{first}")).to_contain_text(decision)
        expect(visitor.locator(f"#item-{first} blockquote")).to_contain_text("QUOTE-ANA")
        assert "PRIVATE-BOB" not in visitor.content()
        assert_accessible(visitor)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=re.compile("Download the final report")).click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Item", "Proposed modification", "Supporting comments", "Channels"] in rows
    assert any("ONE-EN One public wait list" in row[1] and row[2] == "3" for row in rows)
    assert document.sections[0].footer.paragraphs[0].text.startswith("Version 1 of ")
    visitor_context.close()

    deliver(runner)
    ana = smtp_server.to("ana@example.org")
    bob = smtp_server.to("bob@example.org")
    assert len(ana) == 1 and len(bob) == 1
    assert ana[0]["Subject"].startswith("What we heard and what was done")
    assert bob[0]["Subject"].startswith("Ce que nous avons entendu et ce qui a été fait")
    assert f"/consultations/{SLUG}/outcome?lang=en" in ana[0].get_body(("plain",)).get_content()
    # Carl took part without agreeing to hear of future consultations: what came of this one reaches him.
    [carl] = smtp_server.to("carl@example.org")
    assert "parce que vous avez participé à cette consultation" in carl.get_body(("plain",)).get_content()
