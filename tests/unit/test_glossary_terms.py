"""The words docs/glossary.md says to avoid stay out of the interface: one term per concept per language."""
import re

from babel.messages.pofile import read_po

from tests.unit.test_french_typography import ROOT, french_catalogue

AVOID_FR = ["données personnelles", "inter-codeurs", "second codage", "soumettre", "soumis", "e-mail",
            "participant(e)", "participant·e"]
AVOID_EN = re.compile(r"\b(organis|recognis|prioritis|summaris|categoris|analys(e|ed|ing)\b)", re.IGNORECASE)


def english_messages() -> list[str]:
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        catalogue = read_po(handle)
    return [text for message in catalogue if message.id
            for text in (message.id if isinstance(message.id, tuple) else (message.id,))]


def test_french_uses_one_term_per_concept():
    found = [(word, text) for text in french_catalogue() for word in AVOID_FR if word in text.lower()]
    assert not found, found[:10]


def test_english_spells_with_ize():
    found = [text for text in english_messages() if AVOID_EN.search(text)]
    assert not found, found[:10]
