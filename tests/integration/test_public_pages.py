"""Every public page, in both languages, as a visitor sees it."""
import re

import pytest

from consult.extensions import db
from consult.structure.importer import import_structure
from tests.conftest import minimal_document

SLUG = "politique-premiere-ligne-2025"
PUBLIC_PAGES = [
    "/",
    f"/consultations/{SLUG}/",
    f"/consultations/{SLUG}/proposal/",
    f"/consultations/{SLUG}/proposal/G",
    f"/consultations/{SLUG}/proposal/V",
    f"/consultations/{SLUG}/proposal/V.1",
    f"/consultations/{SLUG}/proposal/3",
    f"/consultations/{SLUG}/proposal/3.1",
    f"/consultations/{SLUG}/synoptic",
    "/staff/login",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_answers_in_both_languages(client, demo, url, lang):
    response = client.get(url, query_string={"lang": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


def test_home_lists_the_open_consultation(client, demo):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Open consultations" in html
    assert f'href="/consultations/{SLUG}/"' in html


def test_home_says_when_there_is_nothing(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "No consultation is open right now." in html


def test_orientation_page_shows_targets_themes_and_navigation(client, demo):
    html = client.get(f"/consultations/{SLUG}/proposal/3.1?lang=fr").get_data(as_text=True)
    assert "Adapter les soins et services à la réalité locale" in html
    assert "Cibles de changement" in html or "Change targets" in html
    assert "Gouvernance et structure" in html
    assert f'href="/consultations/{SLUG}/proposal/3" rel="prev"' in html
    assert f'href="/consultations/{SLUG}/proposal/4" rel="next"' in html
    # breadcrumb: consultations > consultation > proposal > axis 3 > orientation 3.1
    assert f'href="/consultations/{SLUG}/proposal/3"' in html
    assert 'aria-current="page"' in html


def test_english_page_is_in_english(client, demo):
    html = client.get(f"/consultations/{SLUG}/proposal/3.1?lang=en").get_data(as_text=True)
    assert "Change targets" in html
    assert "Available in French only" not in html


def test_synoptic_table_holds_every_orientation(client, demo):
    html = client.get(f"/consultations/{SLUG}/synoptic?lang=en").get_data(as_text=True)
    orientations = re.findall(r'<th scope="row"><span class="code">(\d\.\d)</span>', html)
    assert len(orientations) == 14
    assert 'media="print"' in html


def test_ways_to_take_part_say_when_they_open_and_never_link_nowhere(client, app):
    with app.app_context():
        import_structure(minimal_document(
            opens_at="2020-01-01", closes_at="2099-12-31",
            channels=[{"kind": "forums", "opens_at": "2099-01-10"},
                      {"kind": "questionnaire", "opens_at": "2020-01-01", "closes_at": "2021-01-01"}],
        ), source="t")
        db.session.commit()
    html = client.get("/consultations/mini/?lang=en").get_data(as_text=True)
    assert "Not open yet" in html and "Opens on January 10, 2099" in html
    assert "Closed on January 1, 2021" in html or "Closed on December 31, 2020" in html
    for href in re.findall(r'href="([^"]+)"', html):
        if href.startswith("/") and not href.startswith("/static/"):
            assert client.get(href).status_code in (200, 302), href


@pytest.mark.parametrize("url", [
    "/consultations/nope/",
    f"/consultations/{SLUG}/proposal/9.9",
    "/consultations/nope/synoptic",
])
def test_unknown_things_are_404_in_the_visitors_language(client, demo, url):
    response = client.get(url, query_string={"lang": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_draft_consultations_are_not_public(client, app):
    with app.app_context():
        import_structure(minimal_document(status="draft"), source="t")
        db.session.commit()
    assert client.get("/consultations/mini/").status_code == 404
    assert "mini" not in client.get("/").get_data(as_text=True)


def test_french_only_consultation_displays_without_notes_in_french_and_with_notes_in_english(client, app):
    document = minimal_document(languages=["fr"], title={"fr": "Consultation francophone"})
    document["topics"][0]["title"] = {"fr": "Axe un"}
    document["topics"][0]["children"][0]["title"] = {"fr": "Orientation un"}
    document["topics"][0]["children"][0]["themes"] = [{"code": "T", "name": {"fr": "Thème"}}]
    document["topics"][0]["children"][0]["change_targets"] = [{"code": "C", "text": {"fr": "Cible"}}]
    with app.app_context():
        import_structure(document, source="t")
        db.session.commit()
    french = client.get("/consultations/mini/proposal/1.1?lang=fr").get_data(as_text=True)
    assert "Orientation un" in french and "seulement" not in french
    english = client.get("/consultations/mini/proposal/1.1?lang=en").get_data(as_text=True)
    assert '<h1 lang="fr">Orientation un</h1>' in english
    assert "Available in French only" in english
    consultation_page = client.get("/consultations/mini/?lang=en").get_data(as_text=True)
    assert "This consultation is held in French only." in consultation_page


def test_english_only_consultation(client, app):
    document = minimal_document(languages=["en"], title={"en": "English consultation"})
    document["topics"][0]["title"] = {"en": "Axis one"}
    document["topics"][0]["children"][0]["title"] = {"en": "Orientation one"}
    document["topics"][0]["children"][0]["themes"] = [{"code": "T", "name": {"en": "Theme"}}]
    document["topics"][0]["children"][0]["change_targets"] = [{"code": "C", "text": {"en": "Target"}}]
    with app.app_context():
        import_structure(document, source="t")
        db.session.commit()
    english = client.get("/consultations/mini/proposal/1.1?lang=en").get_data(as_text=True)
    assert "Orientation one" in english and "Available in" not in english
    french = client.get("/consultations/mini/proposal/1.1?lang=fr").get_data(as_text=True)
    assert '<h1 lang="en">Orientation one</h1>' in french


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"


def test_security_headers_on_every_response(client, demo):
    for url in ["/", f"/consultations/{SLUG}/", "/nope", "/healthz", "/staff/login"]:
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, demo):
    for url in PUBLIC_PAGES:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " on" not in re.sub(r"<[^>]*>", lambda m: "" if " on" not in m.group(0) else m.group(0), html) or \
            not re.search(r"<[^>]+\son[a-z]+=", html), url


def test_htmx_is_vendored_with_its_licence(client):
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'<script src="(/static/vendor/htmx-2\.0\.\d+\.min\.js)"', html).group(1)
    assert client.get(src).status_code == 200
    assert client.get(src.replace(".min.js", ".LICENSE")).status_code == 200


def test_every_page_links_the_site_icon_and_it_loads(client, demo):
    html = client.get(f"/consultations/{SLUG}/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon, "no icon linked from the page head"
    response = client.get(icon.group(1))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    # Browsers that ask for /favicon.ico anyway are sent to the same icon rather than a 404.
    fallback = client.get("/favicon.ico")
    assert fallback.status_code == 301 and fallback.headers["Location"].endswith(icon.group(1))
