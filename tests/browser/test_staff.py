"""A staff member signs in and edits an orientation's title, with and without JavaScript,
in a real Chromium set to French (fr-CA)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_data import DEMO, SLUG, topic
from tests.conftest import STAFF_PASSWORD

EMAIL = "admin@example.org"
ORIENTATION_3_1 = topic("3.1")
EDIT_URL = f"/consultations/{SLUG}/topics/3.1/edit"

# Both ways a browser sends the edit form: htmx with JavaScript, a plain form post without.
# axe-core cannot run where JavaScript is off (its timers never fire), so the accessibility
# checks run in the JavaScript pass; the pages are the same server-rendered HTML in both.
BROWSERS = pytest.mark.parametrize("browser_page", ["page", "page_without_js"])


def sign_in(page, live_server, assert_accessible=None):
    page.goto(live_server + "/staff/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion du personnel")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace du personnel")
    expect(page.get_by_role("status").filter(has_text="Votre session est ouverte.")).to_be_visible()
    expect(page.get_by_text(f"Session ouverte pour {EMAIL}")).to_be_visible()
    if assert_accessible:
        assert_accessible(page)


def open_edit_form(page, live_server, assert_accessible=None):
    page.get_by_role("link", name=DEMO["title"]["fr"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/staff/consultations/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO["title"]["fr"])
    expect(page.get_by_role("table", name="Parties de la proposition")).to_be_visible()
    if assert_accessible:
        assert_accessible(page)
    page.get_by_role("link", name="Modifier 3.1", exact=True).click()
    expect(page).to_have_url(live_server + "/staff" + EDIT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier 3.1")


@BROWSERS
def test_staff_member_renames_an_orientation(request, browser_page, live_server, demo, make_staff,
                                             assert_accessible):
    page = request.getfixturevalue(browser_page)
    with_js = browser_page == "page"
    make_staff(EMAIL, ["admin"])
    new_title = f"Local care, decided locally ({'htmx' if with_js else 'plain form'})"

    check = assert_accessible if with_js else None
    sign_in(page, live_server, check)
    open_edit_form(page, live_server, check)

    title_en = page.get_by_label("Titre en anglais")
    expect(title_en).to_have_value(ORIENTATION_3_1["title"]["en"])
    expect(title_en).to_have_attribute("lang", "en")
    expect(page.get_by_label("Titre en français")).to_have_value(ORIENTATION_3_1["title"]["fr"])
    title_en.fill(new_title)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(EDIT_URL)) as posted:
        page.get_by_role("button", name="Enregistrer").click()
    response = posted.value
    if with_js:
        # htmx sent it, and the server told htmx where to go rather than redirecting the XHR.
        assert response.request.headers.get("hx-request") == "true"
        assert response.status == 204
        assert response.headers["hx-redirect"] == f"/staff/consultations/{SLUG}/#topic-3.1"
    else:
        assert "hx-request" not in response.request.headers
        assert response.status == 303

    # Back on the structure page, with a confirmation and the new title in the 3.1 row.
    expect(page).to_have_url(f"{live_server}/staff/consultations/{SLUG}/#topic-3.1")
    expect(page.get_by_role("status")).to_have_text("Élément 3.1 enregistré.")
    row = page.locator("tr", has=page.get_by_role("link", name="Modifier 3.1", exact=True))
    expect(row.locator("[lang=en]")).to_have_text(f"EN {new_title}")
    expect(row.locator("[lang=fr]")).to_have_text(f"FR {ORIENTATION_3_1['title']['fr']}")

    # The public page in English shows the new title.
    page.goto(f"{live_server}/consultations/{SLUG}/proposal/3.1?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(new_title)
    expect(page).to_have_title(re.compile(r"^Orientation 3\.1 – " + re.escape(new_title)))


@BROWSERS
def test_edit_form_with_no_title_explains_the_error(request, browser_page, live_server, demo, make_staff,
                                                    assert_accessible):
    page = request.getfixturevalue(browser_page)
    with_js = browser_page == "page"
    make_staff(EMAIL, ["admin"])
    sign_in(page, live_server)
    page.goto(live_server + "/staff" + EDIT_URL)

    page.get_by_label("Titre en français").fill("")
    page.get_by_label("Titre en anglais").fill("")
    page.get_by_label("Résumé en anglais").fill("A summary typed before the mistake.")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(EDIT_URL)) as posted:
        page.get_by_role("button", name="Enregistrer").click()
    assert posted.value.status == 422

    # Still on the form, which says what is wrong at the top and next to the field.
    expect(page).to_have_url(live_server + "/staff" + EDIT_URL)
    message = "Indiquez un titre dans au moins une langue."
    summary = page.get_by_role("alert").filter(has_text="Il y a un problème")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Il y a un problème")
    summary_link = summary.get_by_role("link", name=f"Titre en français\u00a0: {message}")
    expect(summary_link).to_be_visible()
    title_fr = page.get_by_label("Titre en français")
    expect(title_fr).to_have_attribute("aria-invalid", "true")
    inline_error = page.locator("#title_fr-error")
    expect(inline_error).to_be_visible()
    expect(inline_error).to_have_text(f"Erreur : {message}")
    expect(title_fr).to_have_attribute("aria-describedby", "title_fr-error")
    expect(page.locator(".error")).to_have_count(1)
    if with_js:
        # app.js moves the focus to the summary so that screen readers announce it.
        expect(summary).to_be_focused()
        # htmx replaced the form only: one form, one summary, one page heading.
        expect(page.locator("form[hx-post]")).to_have_count(1)
        expect(page.locator(".error-summary")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier 3.1")

    # What was typed is still there, the emptied titles stay empty.
    expect(page.get_by_label("Résumé en anglais")).to_have_value("A summary typed before the mistake.")
    expect(page.get_by_label("Résumé en français")).to_have_value(ORIENTATION_3_1["summary"]["fr"])
    expect(title_fr).to_have_value("")
    expect(page.get_by_label("Titre en anglais")).to_have_value("")
    if with_js:
        assert_accessible(page)

    # The summary's link takes the keyboard to the field to fix.
    summary_link.click()
    expect(title_fr).to_be_focused()

    # Nothing was saved.
    page.goto(f"{live_server}/consultations/{SLUG}/proposal/3.1?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORIENTATION_3_1["title"]["en"])


def test_wrong_password_gets_a_generic_error(page, live_server, make_staff, assert_accessible):
    make_staff(EMAIL, ["admin"])
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill("not the password")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Se connecter").click()
    assert posted.value.status == 422

    expect(page).to_have_url(live_server + "/staff/login")
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Il y a un problème")
    expect(summary).to_contain_text("L'adresse courriel ou le mot de passe est incorrect.")
    expect(summary).to_be_focused()
    # Generic: no field is blamed, so the message does not tell which part was wrong.
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
    expect(page.get_by_label("Adresse courriel")).to_have_value(EMAIL)
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    expect(page.get_by_role("link", name="Connexion du personnel")).to_be_visible()  # still signed out
    assert_accessible(page)

    # The same message for an unknown address.
    page.get_by_label("Adresse courriel").fill("nobody@example.org")
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("L'adresse courriel ou le mot de passe est incorrect.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion du personnel")
