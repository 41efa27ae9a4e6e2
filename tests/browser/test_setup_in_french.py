"""A French-only position statement set up in the browser, in the French interface, by an
administrator who chooses levels of its own ("volets" holding "recommandations"), two prompts of
its own and a code of its own; a participant answers in French; then every public and staff page of
the consultation is crawled in French: no reference vocabulary, no English interface text offered
for a language the consultation does not hold, no 4xx/5xx, no serious axe-core violation on the first two
pages of each kind."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from tests.browser.crawl import crawl
from tests.conftest import STAFF_PASSWORD

SLUG = "partenariat-patient-2027"
TITLE = "Énoncé de position sur le partenariat avec les patients"
ADMIN = "admin.partenariat@example.org"
PARTICIPANT = "camille.patiente@example.org"
VOLETS = {"1": "Gouvernance partagée", "2": "Soins et services"}
RECOMMANDATIONS = {"1.1": ("1", "Des patients partenaires dans chaque comité"),
                   "1.2": ("1", "Une rémunération juste des patients partenaires"),
                   "2.1": ("2", "Un plan de soins construit avec la personne"),
                   "2.2": ("2", "Des proches reconnus comme partenaires")}
PROMPTS = ("Ce qui est clair", "Ce qui manque")
ANSWER = "Il manque la place des proches aidants dans les comités de gouvernance."
# The reference consultation's vocabulary, which this consultation did not choose.
FORBIDDEN = re.compile(r"\b(axis|axes|axe|orientations?|PR[ÉE]CISER|première ligne|québécois|volet canadien)\b",
                       re.IGNORECASE)
QUESTIONNAIRE_LINK = re.compile(r"https?://\S+/questionnaire/[\w.-]+/")


def deliver(app):
    with app.app_context():
        report = deliver_pending()
        db.session.remove()
    assert report.connection_error == "", report.connection_error


def sign_in(browser, live_server, email):
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/staff/login?lang=fr")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")
    return page


def create_consultation(page, live_server, assert_accessible):
    page.goto(live_server + "/staff/?lang=fr")
    page.get_by_role("link", name="Nouvelle consultation").click()
    expect(page).to_have_url(re.compile(r"/staff/consultations/new"))
    assert_accessible(page)
    page.get_by_label("Nom d'adresse Web").fill(SLUG)
    page.get_by_label("Anglais", exact=True).first.uncheck()
    page.get_by_label("Titre en français").fill(TITLE)
    page.get_by_label("Introduction en français").fill("Nous voulons savoir si nos recommandations sont claires.")
    today = date.today()
    page.locator("#opens_on").fill((today - timedelta(days=1)).isoformat())
    page.locator("#closes_on").fill((today + timedelta(days=60)).isoformat())
    page.locator("#questionnaire-offered").check()
    page.locator("#questionnaire-opens_on").fill((today - timedelta(days=1)).isoformat())
    page.locator("#questionnaire-closes_on").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Avis de confidentialité en français").fill("Vos réponses sont gardées un an.")
    page.locator("#level_preset").select_option(value="recommendations")
    page.locator("#codebook_preset").select_option(value="findings")
    page.get_by_role("button", name="Créer la consultation").click()
    expect(page.get_by_role("status").first).to_be_visible()
    assert page.url.endswith(f"/staff/consultations/{SLUG}/settings") or SLUG in page.url


def set_vocabulary(page, live_server, assert_accessible):
    page.goto(f"{live_server}/staff/consultations/{SLUG}/?lang=fr")
    page.get_by_role("link", name=re.compile("Termes de la consultation", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/vocabulary/"))
    assert_accessible(page)
    # Only the language the consultation is held in is asked for.
    assert page.locator("#level0_singular_en").count() == 0
    for index, (one, many) in enumerate((("volet", "volets"), ("recommandation", "recommandations"))):
        page.locator(f"#level{index}_singular_fr").fill(one)
        page.locator(f"#level{index}_plural_fr").fill(many)
    for index in range(5):
        field = page.locator(f"#prompt{index}_fr")
        if field.count():
            field.fill(PROMPTS[index] if index < len(PROMPTS) else "")
    page.get_by_role("button", name=re.compile("Enregistrer")).first.click()
    expect(page.locator("#prompt0_fr")).to_have_value(PROMPTS[0])
    expect(page.locator("#prompt2_fr")).to_have_value("")


def add_own_code(page, live_server, assert_accessible):
    page.goto(f"{live_server}/staff/consultations/{SLUG}/analysis/codebook?lang=fr")
    assert_accessible(page)
    page.locator("#label_fr").fill("Proches aidants")
    page.get_by_role("button", name="Ajouter le code").click()
    expect(page.locator("body")).to_contain_text("Proches aidants")


def build_tree(page, live_server, assert_accessible):
    page.goto(f"{live_server}/staff/consultations/{SLUG}/structure/?lang=fr")
    assert_accessible(page)
    for code, title in VOLETS.items():
        page.get_by_role("link", name="Ajouter une partie").click()
        page.get_by_label("Code").first.fill(code)
        page.get_by_label("Titre en français").fill(title)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".tree-editor")).to_contain_text(title)
    for code, (parent, title) in RECOMMANDATIONS.items():
        page.locator(f"li:has(> .code:text-is('{parent}'))").get_by_role("link", name="Ajouter dessous").click()
        page.get_by_label("Code").first.fill(code)
        page.get_by_label("Titre en français").fill(title)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".tree-editor")).to_contain_text(title)
    assert page.locator(".tree-editor > li").count() == 6
    assert_accessible(page)


def prepare_questionnaire_and_open(page, live_server):
    page.goto(f"{live_server}/staff/consultations/{SLUG}/questionnaire/?lang=fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le questionnaire").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/questionnaire/settings?lang=fr")
    page.get_by_label(re.compile(r"^Publié\s:")).check()
    page.get_by_label(re.compile("^Lien ouvert")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    page.goto(f"{live_server}/staff/consultations/{SLUG}/settings?lang=fr")
    page.get_by_role("button", name="Ouvrir la consultation").click()
    expect(page.get_by_role("status").filter(has_text="La consultation est ouverte.")).to_be_visible()


def participant_answers(browser, live_server, app, smtp_server, assert_accessible):
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/consultations/{SLUG}/?lang=fr")
    assert_accessible(page)
    page.get_by_role("link", name="Répondre au questionnaire").click()
    page.get_by_label("Nom", exact=True).fill("Camille")
    page.get_by_label("Adresse courriel").first.fill(PARTICIPANT)
    page.get_by_label("Province ou territoire").select_option(index=1)
    # A consultation held in French alone asks for no preferred language.
    assert page.get_by_label("Anglais", exact=True).count() == 0
    page.locator("input[type=checkbox][name*=consent]").first.check()
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos courriels")
    deliver(app)
    message = smtp_server.to(PARTICIPANT)[-1]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert not FORBIDDEN.search(body + message["Subject"]), body
    page.goto(QUESTIONNAIRE_LINK.search(body).group(0))
    page.get_by_role("link", name="Début").click()
    item = page.locator('[id="topic-1.1"]')
    expect(item).to_contain_text(PROMPTS[0])
    expect(item).to_contain_text(PROMPTS[1])
    assert item.locator("textarea").count() == len(PROMPTS)
    item.locator("textarea").last.fill(ANSWER)
    page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("navigation", name="Table des matières").get_by_role("link", name="Relire et envoyer").click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    context.close()


def french_only_problems(page, path):
    """The reference consultation's words, and English fields in a French-only consultation."""
    problems = []
    # Lists of choices (provinces, countries) are left out.
    text = page.locator("body").evaluate(
        "body => { const copy = body.cloneNode(true); copy.querySelectorAll('select').forEach(e => e.remove());"
        " return copy.textContent; }")
    found = FORBIDDEN.search(text)
    if found:
        problems.append(f"{path} (fr): “{found.group(0)}”")
    english = page.locator("input[id$='_en']:not([type=hidden]), textarea[id$='_en']").count() or \
        page.locator("legend:visible").filter(has_text=re.compile("^Anglais$")).count()
    if english and not path.endswith("/settings"):  # the settings page offers English, to add it
        problems.append(f"{path} (fr): asks for English text in a French-only consultation")
    return problems


def test_a_french_only_position_statement_set_up_in_the_browser(browser, live_server, app, make_staff, smtp_server,
                                                                assert_accessible, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    make_staff(ADMIN, ["admin", "organizer", "analyst", "coordinator"])
    admin = sign_in(browser, live_server, ADMIN)
    create_consultation(admin, live_server, assert_accessible)
    set_vocabulary(admin, live_server, assert_accessible)
    build_tree(admin, live_server, assert_accessible)
    add_own_code(admin, live_server, assert_accessible)
    prepare_questionnaire_and_open(admin, live_server)
    participant_answers(browser, live_server, app, smtp_server, assert_accessible)

    seen, problems = crawl(admin, live_server, SLUG, "fr", assert_accessible, french_only_problems)
    # The page that chooses the languages still offers English, to add it.
    assert len(seen) > 20, sorted(seen)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
