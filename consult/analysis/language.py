"""The language a comment is written in, read from its text.

Lingua (lingua-language-detector) ships its models inside the package, so detection runs offline;
it is built for short texts, and limited here to the two languages the platform speaks. Texts too
short to tell (a word or two) keep the language the person chose, as does a text whose two
languages score too close to call."""
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}
# Fewer letters than this and detection is a guess: the person's choice is kept.
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.75
SOURCES = ("person", "detected", "analyst")


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*CODES).build()


def detect(text: str) -> str | None:
    """'fr' or 'en' when the text says so clearly, else None."""
    text = (text or "").strip()
    if sum(character.isalpha() for character in text) < MIN_LETTERS:
        return None
    best = _detector().compute_language_confidence_values(text[:2000])[0]
    return CODES.get(best.language) if best.value >= MIN_CONFIDENCE else None


def fallback_language(chosen: str | None, held: list[str]) -> str:
    """The person's choice when the consultation is held in it, else the consultation's first language."""
    if chosen in held:
        return chosen
    return held[0] if held else (chosen or "fr")


def language_of(text: str, chosen: str | None, held: list[str]) -> tuple[str, str]:
    """(language, source): detected from the text, else the fallback ("person")."""
    detected = detect(text)
    if detected is not None:
        return detected, "detected"
    return fallback_language(chosen, held), "person"
