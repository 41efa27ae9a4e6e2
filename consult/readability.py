"""How easy a public text is to read: a Flesch reading-ease score in French or English.

Syllables come from Pyphen's hyphenation dictionaries (bundled with the package, so nothing is
downloaded at run time; textstat was set aside because its English syllable counts fetch the CMU
dictionary over the network on first use). English uses Flesch's formula, French Kandel and
Moles' adaptation of it; both give 0 (very hard) to 100 (very easy).
"""
import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?…;:]+(?:\s|$)|\n\s*\n")
DICTIONARIES = {"fr": "fr_FR", "en": "en_US"}
VOWEL_GROUPS = re.compile(r"[aeiouyàâäéèêëîïôöùûü]+", re.IGNORECASE)


@dataclass(frozen=True)
class Readability:
    score: int  # 0-100, higher is easier
    words: int
    sentences: int

    def meets(self, target: int) -> bool:
        return self.score >= target


@lru_cache(maxsize=2)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=DICTIONARIES[lang])


def syllables(word: str, lang: str) -> int:
    # Hyphenation points under-count short words (no break is allowed near the edges): take the
    # larger of the hyphenation count and the vowel-group count, minus a final silent "e".
    hyphenated = len(_dictionary(lang).positions(word)) + 1
    groups = len(VOWEL_GROUPS.findall(word))
    if groups > 1 and word.lower().endswith("e") and not word.lower().endswith(("le", "ée")):
        groups -= 1
    return max(1, hyphenated, groups if lang == "en" else hyphenated)


def readability(text: str, lang: str) -> Readability | None:
    """The score of `text` in `lang` ("fr" or "en"); None for a text too short to judge (under 10 words)."""
    words = WORD.findall(text or "")
    if len(words) < 10 or lang not in DICTIONARIES:
        return None
    sentences = max(1, len([part for part in SENTENCE_END.split(text.strip()) if WORD.search(part)]))
    per_sentence = len(words) / sentences
    per_word = sum(syllables(word, lang) for word in words) / len(words)
    if lang == "fr":
        score = 207 - 1.015 * per_sentence - 73.6 * per_word
    else:
        score = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    return Readability(round(min(100, max(0, score))), len(words), sentences)
