"""An analyst finds the turns not yet placed from the analysis, accepts a suggested place with the
keyboard, then moves the passage and undoes its placement from the transcript; the dashboard and the
consultation's transcripts page count the sessions. Checked with axe-core, in both languages, and
the move without JavaScript. In a real Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_transcripts import sign_in
from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD
from tests.integration.test_transcripts import SLUG, VTT, held_forum


@pytest.fixture
def transcript_id(app, demo, make_staff, uploads_in_tmp):
    from consult.analysis import codebook
    from consult.extensions import db
    from consult.models import Forum, Participant
    from consult.transcripts import services
    from consult.transcripts.parsing import parse
    from tests.factories import consultation_of

    forum_id = held_forum(app)
    with app.app_context():
        codebook.ensure_codebook(consultation_of(SLUG))
        forum = db.session.get(Forum, forum_id)
        transcript = services.create_draft(forum, parse("zoom.vtt", VTT.encode()), "zoom.vtt", "fr",
                                           services.default_retention(forum), None)
        jean = db.session.scalar(db.select(Participant.id).where(Participant.name == "Jean Roy"))
        services.keep(transcript, {1: services.FACILITATOR, 2: str(jean), 3: services.UNIDENTIFIED,
                                   4: services.UNIDENTIFIED}, None)
        db.session.commit()
        transcript_id = transcript.id
    make_staff("analyst@example.org", ["analyst"])
    return transcript_id


def test_turns_placed_from_the_queue_then_moved_and_undone(browser, live_server, transcript_id, assert_accessible):
    analyst = sign_in(browser, live_server, "analyst@example.org")
    analyst.goto(f"{live_server}/staff/")
    expect(analyst.locator("#transcript-totals")).to_contain_text("1")
    assert_accessible(analyst)
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/analysis/")
    analyst.get_by_role("link", name="Tours de parole des transcriptions pas encore classés").click()
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Tours de parole pas encore classés")
    expect(analyst.locator("#unplaced-count")).to_have_text("4 tours de parole ne sont pas encore classés")
    assert_accessible(analyst)
    # The first suggestion of the first turn, accepted from the keyboard.
    accept = analyst.locator("form.suggestion-accept button.button").first
    accept.focus()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("status").filter(has_text=re.compile("est rattaché à"))).to_be_visible()
    expect(analyst.locator("#unplaced-count")).to_have_text("3 tours de parole ne sont pas encore classés")
    # Nothing chosen in "Another place": said next to the list, nothing placed.
    analyst.locator("form.suggestion-other button").first.focus()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("alert").filter(has_text="Choisissez où rattacher le tour de parole.")).to_be_visible()
    expect(analyst.locator("select[aria-invalid=true]")).to_have_count(1)
    assert_accessible(analyst)

    # In its transcript: the passage placed, moved to another topic, then its placement undone.
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/{transcript_id}")
    expect(analyst.get_by_role("link", name=re.compile("3 tours de parole de cette transcription"))).to_be_visible()
    mover = analyst.get_by_label(re.compile(r"^Déplacer Tour \d+ vers$"))
    value = mover.locator("option", has_text=re.compile(r"^2\.1 –")).get_attribute("value")
    mover.select_option(value)
    assert_accessible(analyst)
    analyst.get_by_role("button", name=re.compile(r"^Déplacer – Tour")).focus()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("status").filter(has_text="Le passage a été déplacé vers 2.1")).to_be_visible()
    # The page the move came back to, loaded whole before a key is pressed in it.
    analyst.wait_for_load_state("load")
    undo = analyst.get_by_role("button", name=re.compile("^Annuler le classement"))
    undo.focus()
    expect(undo).to_be_focused()
    analyst.keyboard.press("Enter")
    expect(analyst.get_by_role("status").filter(has_text="Le classement a été annulé")).to_be_visible()
    expect(analyst.get_by_role("heading", name="Passages classés")).to_have_count(0)

    # In English too.
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/unplaced?lang=en")
    expect(analyst.locator("#unplaced-count")).to_have_text("4 turns are not yet placed")
    assert_accessible(analyst)
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/")
    expect(analyst.get_by_text("1 session held")).to_be_visible()
    analyst.get_by_role("link", name="4 turns not yet placed, with suggested places").click()
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Turns not yet placed")
    analyst.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/")
    assert_accessible(analyst)
    analyst.context.close()


def test_placing_and_moving_work_without_javascript(browser, live_server, transcript_id):
    context = browser.new_context(locale="fr-CA", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill("analyst@example.org")
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/unplaced")
    other = page.get_by_label(re.compile(r"^Autre emplacement")).first
    other.select_option(other.locator("option", has_text=re.compile(r"^1\.1 ·")).get_attribute("value"))
    page.locator("form.suggestion-other button").first.click()
    expect(page.get_by_text(re.compile(r"Le tour \d+ est rattaché à 1\.1"))).to_be_visible()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/transcripts/{transcript_id}")
    mover = page.get_by_label(re.compile(r"^Déplacer Tour \d+ vers$"))
    mover.select_option(mover.locator("option", has_text=re.compile(r"^2\.1 –")).get_attribute("value"))
    page.get_by_role("button", name=re.compile(r"^Déplacer – Tour")).click()
    expect(page.get_by_text("Le passage a été déplacé vers 2.1, avec son commentaire et ses codes.")).to_be_visible()
    context.close()
