"""Language selection and the completeness of both catalogues."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from consult.web import number

ROOT = Path(__file__).resolve().parents[2]


def test_french_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Consultations ouvertes" in html


def test_accept_language_decides_without_a_choice(client):
    html = client.get("/", headers={"Accept-Language": "en-CA,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Open consultations" in html


def test_lang_parameter_wins_and_is_remembered(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "fr-CA"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    later = client.get("/staff/login", headers={"Accept-Language": "fr-CA"})
    assert '<html lang="en">' in later.get_data(as_text=True)
    back = client.get("/?lang=fr")
    assert '<html lang="fr">' in back.get_data(as_text=True)
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    assert '<html lang="fr">' in client.get("/?lang=de").get_data(as_text=True)


def test_language_switch_keeps_the_page_and_its_arguments(client):
    html = client.get("/staff/login?next=/staff/&lang=fr").get_data(as_text=True)
    assert 'href="/staff/login?next=%2Fstaff%2F&amp;lang=en" lang="en" hreflang="en">English</a>' in html


def _catalog(lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _extracted_ids(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "--ignore-dirs", ".* instance",
         "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "cli_l", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return {message.id if isinstance(message.id, str) else message.id[0]
                for message in read_po(handle) if message.id}


def test_both_catalogues_translate_every_interface_string(tmp_path):
    wanted = _extracted_ids(tmp_path)
    for lang in ("fr", "en"):
        catalog = _catalog(lang)
        translated = {
            (message.id if isinstance(message.id, str) else message.id[0])
            for message in catalog
            if message.id and not message.fuzzy
            and all(message.string if isinstance(message.string, tuple) else [message.string])
        }
        missing = sorted(wanted - translated)
        assert not missing, f"{lang}: {len(missing)} strings without translation, e.g. {missing[:5]}"


def test_placeholders_survive_translation():
    import re

    for message in _catalog("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        def placeholders(text):
            return set(re.findall(r"%\(\w+\)[sd]", text))

        # A singular may leave out the count ("your submission"); each form uses what its source does.
        for index, string in enumerate(strings):
            if string:  # untranslated ones fail the completeness test
                source = ids[min(index, len(ids) - 1)]
                assert placeholders(string) == placeholders(source), message.id


def test_the_english_catalogue_says_exactly_the_source_strings():
    """Fuzzy matching must never leave one English string standing in for another."""
    for message in _catalog("en"):
        if message.id:
            assert message.string == (message.id if isinstance(message.id, str) else tuple(message.id)) or \
                list(message.string) == list(message.id), message.id


def test_numbers_take_each_language_separators_in_turn(app):
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert number(1234567) == "1\u202f234\u202f567"
        with force_locale("en"):
            assert number(1234567) == "1,234,567" and number(0.5) == "0.5"
        with force_locale("fr"):
            assert number(1234567) == "1\u202f234\u202f567" and number(0.5) == "0,5"
