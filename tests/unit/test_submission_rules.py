"""Rules of written submissions that need no database: web addresses, email parsing, languages."""
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from wtforms.validators import ValidationError

from consult.submissions import intake
from consult.submissions.forms import megabytes, shown_name, web_address


@pytest.mark.parametrize("url", ["https://example.org", "http://example.org/a?b=c#d", "https://localhost:8080/x",
                                 "https://sous.domaine.example.qc.ca/rapport.pdf", "  https://example.org/  "])
def test_valid_web_addresses(url):
    assert web_address(url) == url.strip()


@pytest.mark.parametrize("url", ["example.org", "www.example.org", "javascript:alert(1)", "ftp://example.org",
                                 "https://", "https://exa mple.org", "https://example", "https://.example.org",
                                 "https://example..org", "https://example.org:99999", "data:text/html,hi",
                                 "https://example.org/\x00"])
def test_malformed_web_addresses(url):
    with pytest.raises(ValidationError):
        web_address(url)


def test_sizes_and_names_as_people_read_them():
    assert megabytes(20 * 1024 * 1024) == "20"
    assert megabytes(1536 * 1024) == "1.5"
    assert shown_name("C:\\Users\\ana\\avis\x07.pdf") == "avis.pdf"


def message(**headers) -> EmailMessage:
    item = EmailMessage()
    item.set_content("body")  # before the headers: it replaces the Content-* ones
    for name, value in headers.items():
        item[name.replace("_", "-")] = value
    return item


def test_message_keys_prefer_the_message_id():
    assert intake.message_key(message(Message_ID="<abc@example.org>"), b"raw") == "abc@example.org"
    key = intake.message_key(message(), b"raw")
    assert key.startswith("sha256:") and key == intake.message_key(message(), b"raw")
    assert intake.message_key(message(), b"other") != key


@pytest.mark.parametrize("raw", [b"", b"   \n", b"no headers at all", b"Subject: x\n\nno sender"])
def test_broken_messages(raw):
    with pytest.raises(intake.BrokenMessage):
        intake.parse(raw)


def test_languages_are_guessed_within_the_consultation():
    both = SimpleNamespace(language_list=["fr", "en"])
    assert intake.guess_language("Nous pensons que la politique est bonne pour les soins", message(), both) == "fr"
    assert intake.guess_language("We think that the policy is good for the care of people", message(), both) == "en"
    assert intake.guess_language("the and of", message(Content_Language="fr-CA"), both) == "fr"
    assert intake.guess_language("the and of", message(), SimpleNamespace(language_list=["fr"])) == "fr"


def test_html_bodies_become_text_with_their_links():
    text = intake.html_to_text('<style>p{}</style><p>Voir <a href="https://example.org/x">ici</a>.</p><p>Merci</p>')
    assert "p{}" not in text and "https://example.org/x" in text and "Merci" in text
    assert intake.find_links("See https://example.org/a, and (https://example.org/b). Also www.bad") == [
        "https://example.org/a", "https://example.org/b"]
