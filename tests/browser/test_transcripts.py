"""An organizer uploads a Zoom transcript and says who each speaker is; an analyst places turns on a
topic with the keyboard and codes them; the coordinator's export lists them. In a real Chromium."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD
from tests.integration.test_transcripts import SLUG, VTT, held_forum


def sign_in(browser, live_server, email):
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")
    return page


@pytest.fixture
def forum_id(app, demo, make_staff, uploads_in_tmp):
    from consult.analysis import codebook
    from consult.extensions import db
    from tests.factories import consultation_of

    with app.app_context():
        codebook.ensure_codebook(consultation_of(SLUG))
        db.session.commit()
    for role in ("organizer", "analyst", "coordinator"):
        make_staff(f"{role}@example.org", [role])
    return held_forum(app)


def row_of(page, text):
    return page.locator("article.comment", has_text=text)


def choose_topic(page, code):
    topic = page.get_by_label("Sujet")
    value = topic.locator("option", has_text=re.compile(rf"^{re.escape(code)} –")).first.get_attribute("value")
    topic.select_option(value)


def press_on(page, text, key):
    expect(row_of(page, text)).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "POST" and "/codes" in r.url) as answered:
        page.keyboard.press(key)
    assert answered.value.status == 200
    page.wait_for_function("() => !document.querySelector('.comment.is-busy')")


def test_transcript_from_upload_to_export(browser, live_server, forum_id, assert_accessible, tmp_path):
    # -- the organizer: upload, check what was found, map the speakers, keep -------------------------------
    organizer = sign_in(browser, live_server, "organizer@example.org")
    organizer.goto(f"{live_server}/staff/consultations/{SLUG}/forums/{forum_id}/transcripts")
    path = tmp_path / "zoom.vtt"
    path.write_text(VTT, encoding="utf-8")
    organizer.get_by_label("Fichier de la transcription").set_input_files(str(path))
    organizer.get_by_role("button", name="Lire le fichier").click()
    expect(organizer.get_by_role("heading", name=re.compile("6 tours de parole, 4 interlocuteurs"))).to_be_visible()
    assert_accessible(organizer)
    organizer.get_by_label("Marie Animatrice").select_option("facilitator")
    expect(organizer.get_by_label("Jean Roy")).to_have_value(re.compile(r"^\d+$"))  # suggested by name
    organizer.get_by_role("button", name="Conserver la transcription").click()
    expect(organizer.get_by_text("1 tour de parole a été laissé de côté", exact=False)).to_be_visible()
    organizer.context.close()

    # -- the analyst: from the session's notes to the transcript; turns placed with the keyboard --------
    analyst = sign_in(browser, live_server, "analyst@example.org")
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/forums/{forum_id}/notes")
    analyst.get_by_role("link", name=re.compile("Read and place|Lire et classer")).click()
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Forum tenu")
    expect(analyst.get_by_text("Jean Roy")).to_have_count(0)  # pseudonyms only
    assert_accessible(analyst)
    analyst.get_by_label("Choisir le tour 2").focus()
    analyst.keyboard.press("Space")
    analyst.keyboard.press("Tab")  # the facilitator's turn 3 has nothing to tick: next is turn 5
    expect(analyst.get_by_label("Choisir le tour 5")).to_be_focused()
    analyst.keyboard.press("Space")
    choose_topic(analyst, "1.1")
    analyst.get_by_role("button", name="Classer les tours choisis").focus()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("status").filter(has_text="Le passage a été classé")).to_be_visible()
    analyst.get_by_label("Choisir le tour 6").focus()
    analyst.keyboard.press("Space")
    choose_topic(analyst, "1.1")
    analyst.get_by_role("button", name="Classer les tours choisis").focus()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("heading", name="Passages classés")).to_be_visible()
    expect(analyst.get_by_role("link", name=re.compile("Tours 2 à 5"))).to_be_visible()

    # Coded in the workspace like any comment: J to move, a code's key to apply it.
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/analysis/comments?channel=transcript")
    first, second = "Trouver un médecin de famille", "Je suis d'accord avec monsieur"
    expect(row_of(analyst, first)).to_be_visible()
    expect(row_of(analyst, second)).to_be_visible()
    analyst.locator("body").click(position={"x": 1, "y": 1})
    order = [analyst.locator("article.comment").nth(index).inner_text() for index in range(2)]
    for index in range(2):
        analyst.keyboard.press("j")
        press_on(analyst, first if first in order[index] else second, "1")
    analyst.context.close()

    # -- the coordinator's export lists them, with their channel, codes and pseudonym --------------------
    coordinator = sign_in(browser, live_server, "coordinator@example.org")
    coordinator.goto(f"{live_server}/staff/consultations/{SLUG}/exports/?lang=en")
    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("button", name="Download CSV").click()
    target = tmp_path / "export.csv"
    download_info.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="," if text.count(",") > text.count(";") else ";"))
    header = rows[0]
    transcript_rows = [row for row in rows[1:] if "Transcript" in row]
    assert len(transcript_rows) == 2, header
    texts = " ".join(row[header.index("Text")] for row in transcript_rows)
    assert "médecin de famille" in texts and "d'accord avec monsieur" in texts
    assert "Jean Roy" not in text
    assert all(any("PRECISER" in cell or "Clarify" in cell for cell in row) for row in transcript_rows)
    coordinator.context.close()
