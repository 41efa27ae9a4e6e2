"""A participant present at a session gets the evaluation email (real SMTP server) an hour after it ends (injected
clock), answers it once, and the coordinator sees the results with small groups kept back; the proposal's glossary
terms are reached with the keyboard and pass axe-core. The interface is in English (?lang=en)."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.evaluation.answering import record_answer
from consult.evaluation.items import items_of
from consult.evaluation.sending import send_evaluations
from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import EvaluationAnswer, EvaluationInvitation, Forum, ParticipantCategory, Registration, Track
from consult.models.base import utcnow
from tests.browser.demo_data import SLUG
from tests.conftest import STAFF_PASSWORD
from tests.factories import consultation_of
from tests.mail_data import make_participant, text_of

LINK = re.compile(r"https?://\S+/evaluation/[\w.-]+(?:\?lang=\w+)?")
TITLE = "Forum on access to care"


def _session_with_five_answers(app):
    """A session held 4 hours ago: five people of one category already answered; Ana, of another, has not."""
    with app.app_context():
        consultation = consultation_of(SLUG)
        categories = db.session.scalars(select(ParticipantCategory).where(
            ParticipantCategory.consultation_id == consultation.id).order_by(ParticipantCategory.position)).all()
        forum = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum sur l’accès", title_en=TITLE,
                      starts_at=utcnow() - timedelta(hours=4), duration_minutes=90, capacity=20, language="en",
                      track=db.session.scalar(select(Track).where(Track.consultation_id == consultation.id)))
        db.session.add(forum)
        db.session.flush()
        items = items_of(consultation)
        for number in range(5):
            person = make_participant(consultation, f"person{number}@example.org", "fr", f"Person {number}")
            person.category_id = categories[0].id
            db.session.add(Registration(forum_id=forum.id, participant_id=person.id, status="attended"))
            invitation = EvaluationInvitation(forum_id=forum.id, participant_id=person.id, sent_at=forum.ends_at)
            db.session.add(invitation)
            db.session.flush()
            record_answer(invitation, items, {items[0].id: "4", items[1].id: "5"})
        ana = make_participant(consultation, "ana@example.org", "en", "Ana Tremblay")
        ana.category_id = categories[1].id
        db.session.add(Registration(forum_id=forum.id, participant_id=ana.id, status="attended"))
        db.session.commit()
        return forum.ends_at, categories[1].name_en


def test_present_participant_evaluates_and_coordinator_sees_grouped_results(
        page, live_server, app, demo, make_staff, smtp_server, monkeypatch, assert_accessible):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    ends_at, small_category = _session_with_five_answers(app)
    with app.app_context():
        assert send_evaluations(ends_at + timedelta(minutes=59)).invitations == []
        sent = send_evaluations(ends_at + timedelta(minutes=61)).invitations
        assert [invitation.participant.email for invitation in sent] == ["ana@example.org"]
        db.session.commit()
        assert deliver_pending().connection_error == ""
        db.session.remove()
    (message,) = smtp_server.messages
    assert message["To"] == "ana@example.org" and TITLE in message["Subject"]
    link = LINK.search(text_of(message)).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Evaluation of the session")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="The purpose of the session was clear to me.").get_by_label(
        "Somewhat agree", exact=True).check()
    page.get_by_role("group", name="I feel that my views were heard.").get_by_label("Strongly agree").check()
    page.get_by_label("What could be improved?").fill("More time for questions.")
    page.get_by_role("button", name="Send my evaluation").click()
    expect(page.get_by_role("heading", name="Thank you for your evaluation")).to_be_visible()

    page.goto(link)
    expect(page.get_by_text("already answered with this link")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(EvaluationInvitation.answered).join(EvaluationInvitation.participant)
                                 .where(EvaluationInvitation.participant.has(email="ana@example.org")))
        assert len(db.session.scalars(select(EvaluationAnswer)).all()) == 5 * 2 + 3

    make_staff("coordinator@example.org", ["coordinator"])
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/evaluation/?lang=en")
    session_row = page.locator("#evaluation-session tr", has_text=TITLE)
    expect(session_row).to_contain_text("4.0 (6 answers)")  # five 4s and Ana's "Somewhat agree"
    expect(session_row).to_contain_text("5.0 (5 answers)")
    # Only Ana answered "my views were heard": one answer is kept back, not shown as her "Strongly agree".
    expect(session_row).to_contain_text("fewer than 5")
    expect(session_row).not_to_contain_text("(1 answer)")
    small_row = page.locator("#evaluation-category tr", has_text=small_category)
    expect(small_row).to_contain_text("fewer than 5 people answered")
    expect(page.locator("#evaluation-category")).not_to_contain_text("More time for questions.")
    assert_accessible(page)


@pytest.mark.parametrize("lang, term, expansion, other", [
    ("en", "FMG", "Family medicine group", "fr"),
    ("fr", "GMF", "Groupe de médecine de famille", "en"),
])
def test_glossary_terms_reached_with_the_keyboard(page, live_server, demo, assert_accessible, lang, term, expansion,
                                                   other):
    page.goto(f"{live_server}/consultations/{SLUG}/proposal/1.1?lang={lang}")
    marked = page.locator("a.term").first
    expect(marked).to_have_text(term)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('term')"):
            break
    assert page.evaluate("document.activeElement.textContent") == term
    described = page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
                              ".textContent")
    assert described.startswith(expansion)
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#term-\d+$"))
    expect(page.locator("dl.glossary-list dfn").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/consultations/{SLUG}/glossary?lang={other}")
    expect(page.locator("dfn").first).to_be_visible()
    assert_accessible(page)


def test_the_readability_panel_follows_the_typing(page, live_server, demo, make_staff, assert_accessible):
    make_staff("coordinator@example.org", ["coordinator"])
    page.goto(live_server + "/staff/login?lang=fr")
    page.get_by_label("Adresse courriel").fill("coordinator@example.org")
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/glossary/new?lang=fr")
    panel = page.locator("section.readability")
    french = panel.locator("li", has_text="Définition en français")
    expect(french).to_contain_text("trop court pour être évalué")
    page.get_by_label("Définition en français").fill(
        "L’interdisciplinarité et la collaboration interprofessionnelle constituent des conditions essentielles "
        "à l’accessibilité organisationnelle des services de première ligne québécois.")
    expect(french.locator(".status-warning")).to_be_visible()
    page.get_by_label("Définition en français").fill(
        "Une équipe de médecins et d’infirmières. Elle suit les gens inscrits. Elle est près de chez vous.")
    expect(french.locator(".status-ok")).to_be_visible()
    expect(page.get_by_label("Définition en français")).to_be_focused()
    # The answers replace what the panel holds, not the panel: one panel, one heading, whatever was typed.
    expect(panel).to_have_count(1)
    expect(panel.get_by_role("heading", name="Lisibilité")).to_have_count(1)
    assert_accessible(page)
