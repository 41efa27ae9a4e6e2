"""Who may sign up, accommodations on the roster, and the pool across consultations, clicked through in
French and English and without JavaScript, each page checked by axe-core:

- an organizer makes a session invitation-only and invites one address; an uninvited address is refused
  and told whom to write to; the invited person signs up and asks for captions, which the roster shows;
- a person of another consultation signs up with a pool member's address: the organizer sees both
  records side by side and merges them, without JavaScript;
- the member states their languages, then leaves the pool, from the link at the foot of their emails."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.mail.rendering import render
from consult.models import Consultation, Forum, OutboxMessage, ParticipantCategory, PoolMember
from consult.structure.importer import import_structure
from tests.browser.demo_data import SLUG
from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD, minimal_document

STARTS_AT = (datetime.now(timezone.utc) + timedelta(days=12)).replace(hour=17, minute=0, second=0, microsecond=0)


@pytest.fixture
def forum(app, live_site):
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        item = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum des expertes",
                     title_en="Experts' forum", starts_at=STARTS_AT, duration_minutes=90, capacity=10, language="fr")
        db.session.add(item)
        db.session.commit()
        return item.id


def sign_in(page, live_server, email, lang="fr"):
    page.goto(f"{live_server}/staff/login?lang={lang}")
    page.get_by_label("Adresse courriel" if lang == "fr" else "Email address").fill(email)
    page.get_by_label("Mot de passe" if lang == "fr" else "Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter" if lang == "fr" else "Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def fill_signup(page, name, email, group="Usager·ères de soins et citoyen·nes partenaires"):
    page.get_by_label("Nom", exact=True).fill(name)
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label(re.compile(r"^Quel groupe vous décrit le mieux")).select_option(label=group)
    page.get_by_label("Province ou territoire").select_option(label="Québec")
    page.get_by_label(re.compile(r"^J'accepte que mes renseignements")).check()


def latest_email(app, to):
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)
                                     .order_by(OutboxMessage.id.desc())).first()
        return render(message).body_text


def test_invitation_only_session_and_accommodations_on_the_roster(browser, page, page_without_js, live_server, app,
                                                                  forum, make_staff, assert_accessible):
    make_staff("organisatrice@example.org", ["organizer"])
    staff = browser.new_context(locale="fr-CA")
    organizer = staff.new_page()
    organizer.set_default_timeout(ACTION_MS)
    sign_in(organizer, live_server, "organisatrice@example.org")
    organizer.goto(f"{live_server}/staff/consultations/{SLUG}/forums/{forum}/access")
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Qui peut s’inscrire")
    organizer.get_by_label("Seulement les personnes invitées à cette séance").check()
    organizer.get_by_label("Inviter ces adresses").fill("Experte@Example.org")
    organizer.get_by_role("button", name="Enregistrer et envoyer les invitations").click()
    expect(organizer.get_by_text("experte@example.org")).to_be_visible()
    assert_accessible(organizer)

    # An address that was not invited: refused, told whom to write to, what was typed kept; with the
    # page's script (checked by axe-core) and without.
    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup")
    fill_signup(page, "Inconnu Roy", "inconnu@example.org")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_role("alert")).to_contain_text("sur invitation seulement")
    assert_accessible(page)
    page = page_without_js
    page.goto(f"{live_server}/consultations/{SLUG}/forums/{forum}/signup")
    fill_signup(page, "Inconnu Roy", "inconnu@example.org")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="S'inscrire").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("sur invitation seulement")
    expect(page.get_by_label("Adresse courriel")).to_have_value("inconnu@example.org")

    # The invited person follows her link, asks for captions and signs up.
    link = re.search(r"https?://\S+invitation=\S+", latest_email(app, "experte@example.org")).group(0)
    page.goto(link)
    expect(page.get_by_label("Adresse courriel")).to_have_value("experte@example.org")
    fill_signup(page, "Experte Gagnon", "experte@example.org")
    page.get_by_label("Sous-titres").check()
    page.get_by_label("Précisez ce qui vous aiderait (facultatif)").fill("Documents en gros caractères")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos courriels")

    organizer.goto(f"{live_server}/staff/consultations/{SLUG}/forums/{forum}/roster")
    row = organizer.get_by_role("row", name=re.compile("Experte Gagnon"))
    expect(row).to_contain_text("Sous-titres")
    expect(row).to_contain_text("Documents en gros caractères")
    assert_accessible(organizer)
    staff.close()


@pytest.fixture
def elsewhere(app, live_site):
    """Another consultation where Ana took part too, with the same address."""
    from consult.partners import pool
    from tests import factories

    with app.app_context():
        demo = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        other = import_structure(minimal_document(slug="autre", title={"fr": "Consultation sur l’accès",
                                                                       "en": "Consultation on access"},
                                                  categories=[{"code": "clinician", "name": {
                                                      "fr": "Clinicienne ou clinicien", "en": "Clinician"}}]),
                                 source="test").consultation
        first = factories.make_participant(demo, "ana@example.org", name="Ana Tremblay", category="patient-partner")
        second = factories.make_participant(other, "ana@example.org", name="Ana T.", region="ON", language="en",
                                            category="clinician")
        from consult.models import Consent
        for person in (first, second):
            person.consents.append(Consent(purpose="contact", granted=True, source="test"))
        db.session.flush()
        pool.join(first, ["fr"])
        pool.join(second, ["en", "lsq"])
        db.session.commit()
        assert db.session.scalar(select(ParticipantCategory.id).where(ParticipantCategory.consultation_id == other.id))


@pytest.mark.parametrize(("lang", "script"), [("fr", True), ("en", False)])
def test_a_duplicate_across_consultations_is_merged_on_confirmation(browser, live_server, app, elsewhere, make_staff,
                                                                    assert_accessible, lang, script):
    """In French with the pages' script, each page checked by axe-core (which needs script to run); in
    English without it."""
    def check(page):
        if script:
            assert_accessible(page)
        else:
            expect(page.locator("html")).to_have_attribute("lang", lang)

    make_staff("coordo@example.org", ["coordinator"])
    context = browser.new_context(locale="fr-CA", java_script_enabled=script)
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    sign_in(page, live_server, "coordo@example.org", lang)
    page.goto(f"{live_server}/staff/pool?lang={lang}")
    check(page)
    duplicates = ("1 doublon possible attend une décision." if lang == "fr"
                  else "1 possible duplicate waits for a decision.")
    page.get_by_role("link", name=duplicates).click()
    match = page.locator("section.match")
    expect(match).to_contain_text("Ana Tremblay")
    expect(match).to_contain_text("Ana T.")
    expect(match).to_contain_text("Langue des signes québécoise (LSQ)" if lang == "fr"
                                  else "Quebec Sign Language (LSQ)")
    check(page)
    page.get_by_role("button", name="Même personne : fusionner" if lang == "fr" else "Same person: merge").click()
    expect(page.get_by_text("Fusionnées : une seule personne dans le bassin." if lang == "fr"
                            else "Merged: one person in the pool.")).to_be_visible()
    check(page)
    page.goto(f"{live_server}/staff/pool?lang={lang}&language=lsq")
    expect(page.get_by_role("row", name=re.compile("Ana Tremblay"))).to_contain_text("2")
    check(page)
    if script:
        for path in ("/staff/pool", "/staff/pool/matches"):
            page.goto(f"{live_server}{path}?lang=en")
            assert_accessible(page)
    context.close()
    with app.app_context():
        member = db.session.scalar(select(PoolMember))
        assert member.languages == ["fr", "en", "lsq"] and member.name == "Ana Tremblay"


def test_a_member_states_languages_then_leaves_from_an_email(page, page_without_js, live_server, app, elsewhere,
                                                            assert_accessible):
    from consult.partners import pool

    with app.test_request_context():
        member = db.session.scalar(select(PoolMember))
        link = f"{live_server}/pool/leave/{pool.leave_token(member)}"
    for lang in ("en", "fr"):  # axe-core, which needs the page's script
        page.goto(f"{link}?lang={lang}")
        assert_accessible(page)
    page.get_by_label("Français").uncheck()
    page.get_by_role("button", name="Enregistrer mes langues").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez au moins une langue.")
    assert_accessible(page)

    page = page_without_js
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bassin de partenaires")
    page.get_by_label("Français").uncheck()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Enregistrer mes langues").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Cochez au moins une langue.")
    page.get_by_label("Anglais").check()
    page.get_by_label("American Sign Language (ASL)").check()
    page.get_by_role("button", name="Enregistrer mes langues").click()
    expect(page.get_by_text("Enregistré : les langues dans lesquelles vous pouvez participer.")).to_be_visible()
    page.get_by_role("button", name="Quitter le bassin").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Vous avez quitté le bassin"))
    with app.app_context():
        assert db.session.scalar(select(PoolMember)).left_at is not None
