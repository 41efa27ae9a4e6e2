"""An analyst scans a page of 25 comments at 1280 × 1000: each row shows its text first, its facts on one
line and its codes as compact buttons, so that the page holds in four screens; what is not on the row
(the other actions) is one step away."""
import pytest
from playwright.sync_api import expect

from consult.analysis.codebook import ensure_codebook
from consult.extensions import db
from consult.models import Code, Coding
from tests.factories import consultation_of, make_comment, make_participant, topic_of

from .test_analysis import BASE, sign_in

SHORT = "Il faut plus d'infirmières praticiennes dans les régions."
LONG = ("Dans notre GMF, l'affiliation à l'équipe plutôt qu'au médecin a changé la donne pour les patients "
        "vulnérables : ils voient maintenant la bonne personne du premier coup, mais la continuité avec leur "
        "médecin de famille en a souffert, et plusieurs nous l'ont dit. Il faudrait mesurer les deux.")
SCREEN = {"width": 1280, "height": 1000}


@pytest.fixture
def page_of_comments(app, demo, make_staff):
    make_staff("analyst@example.org", ["analyst"])
    with app.app_context():
        consultation = consultation_of(demo)
        ensure_codebook(consultation, None)
        people = [make_participant(consultation, f"p{number}@example.org", region=region, category=category,
                                   language=language)
                  for number, (region, category, language) in enumerate(
                      [("QC", "clinician", "fr"), ("AB", "professor", "en"), ("ON", "clinician", "en")])]
        codes = db.session.query(Code).filter_by(consultation_id=consultation.id).order_by(Code.id).limit(3).all()
        for number in range(26):
            person = people[number % 3]
            text = (LONG if number % 3 == 0 else SHORT) + f" ({number})"
            comment = make_comment(consultation, text, topic="1.1", track="qc" if person.region == "QC" else "ca",
                                   participant=person, language=person.preferred_language, prompt="adjust")
            for code in codes[:number % 4]:
                db.session.add(Coding(comment_id=comment.id, code_id=code.id))
        topic_id = topic_of(consultation, "1.1").id
        db.session.commit()
    return topic_id


def test_twenty_five_comments_fit_in_four_screens(browser, live_server, page_of_comments, assert_accessible):
    page = sign_in(browser, live_server, "analyst@example.org")
    page.set_viewport_size(SCREEN)
    page.goto(f"{live_server}{BASE}/topics/{page_of_comments}?lang=en")
    rows = page.locator("article.comment")
    expect(rows).to_have_count(25)

    heights = page.evaluate("""() => {
        const list = document.querySelector('.comment-list').getBoundingClientRect();
        const rows = [...document.querySelectorAll('article.comment')].map(row => row.getBoundingClientRect().height);
        return {list: list.height, page: document.documentElement.scrollHeight, tallest: Math.max(...rows)};
    }""")
    assert heights["list"] <= 4 * SCREEN["height"], heights
    # The whole page, with the topic's filters and counts above the rows (13 screens before).
    assert heights["page"] <= 5 * SCREEN["height"], heights

    first = rows.first
    # The text comes first and is the largest type on the row; its facts sit on one line.
    text_size = first.locator(".comment-text").evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    facts = first.locator(".comment-facts")
    facts_size = facts.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert text_size > facts_size
    line = facts_size * 1.8
    assert facts.bounding_box()["height"] <= line, "the comment's facts wrap onto several lines"
    # Codes stay one click (or one key) away, and nothing is lost: the rest of the facts and actions open.
    buttons = first.locator(".code-button")
    assert buttons.count() >= 5
    assert max(button.bounding_box()["height"] for button in buttons.all()) <= 32
    first.locator("summary", has_text="More").click()
    expect(first.get_by_label("Stance")).to_be_visible()
    expect(first.get_by_text("Canadian track", exact=False).or_(first.get_by_text("Québec track", exact=False))
           .first).to_be_visible()
    assert_accessible(page)
