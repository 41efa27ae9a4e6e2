"""A bilingual lexicon of the health and social services vocabulary: groups of French and English
terms that people use for the same thing ("médecin attitré", "family doctor", "omnipraticien"...).

A text that names any term of a group gets the group's concept as an extra feature, so a comment
saying "payés à la visite" meets a structure that says "rémunération à l'acte", and an English comment
meets French examples. The groups say nothing about which orientation a term belongs to: they are
general vocabulary, read from `lexicon.txt` (one group a line, terms separated by `|`; `#` starts a
comment), and a consultation on another field simply gets fewer matches. A line may end with
`> term`: the group is a narrower kind of the group holding that term ("téléconsultation" is a digital
tool), and naming it also names the broader concept, which the structure is more likely to use.
"""
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from .textproc import Word, all_words, span

LEXICON_FILE = Path(__file__).with_name("lexicon.txt")


def _stems(term: str) -> tuple[str, ...]:
    return tuple(word.stem for word in all_words(term))


class Lexicon:
    def __init__(self, groups: list[list[str]], broader: dict[int, str] | None = None):
        # first stem -> [(stems of the term, concept)], longest terms first so that they win.
        self.starts: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        by_term: dict[tuple[str, ...], str] = {}
        for number, terms in enumerate(groups):
            concept = f"~{number}"
            for term in terms:
                stems = _stems(term)
                if stems:
                    self.starts[stems[0]].append((stems, concept))
                    by_term.setdefault(stems, concept)
        for candidates in self.starts.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))
        self.size = len(groups)
        # concept -> the broader concept it also names
        self.broader = {f"~{number}": by_term[_stems(term)] for number, term in (broader or {}).items()
                        if _stems(term) in by_term and by_term[_stems(term)] != f"~{number}"}

    @classmethod
    def from_text(cls, text: str) -> "Lexicon":
        groups, broader = [], {}
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            line, _, anchor = line.partition(">")
            if anchor.strip():
                broader[len(groups)] = anchor.strip()
            groups.append([term.strip() for term in line.split("|") if term.strip()])
        return cls(groups, broader)

    def concepts(self, text_words: list[Word], text: str | None = None) -> list[tuple[str, str]]:
        """[(concept, the words that named it)] found in a text's words (`textproc.all_words`: small words
        included, so that "en ligne" is not any "ligne"), each concept once; the words are quoted from
        `text` when it is given."""
        stems = [word.stem for word in text_words]
        found, seen = [], set()
        position = 0
        while position < len(stems):
            longest = 0  # a term may belong to several groups: all the longest matches count
            for term, concept in self.starts.get(stems[position], ()):
                if len(term) < longest:
                    break
                if tuple(stems[position:position + len(term)]) == term:
                    longest = len(term)
                    matched = text_words[position:position + len(term)]
                    phrase = span(text, matched[0], matched[-1]) if text else " ".join(word.text for word in matched)
                    for named in (concept, self.broader.get(concept)):
                        if named is not None and named not in seen:
                            seen.add(named)
                            found.append((named, phrase))
            # Words inside a longer term ("Québec" in "Carnet santé Québec") name nothing on their own.
            position += max(longest, 1)
        return found


@lru_cache(maxsize=1)
def default() -> Lexicon:
    return Lexicon.from_text(LEXICON_FILE.read_text(encoding="utf-8") if LEXICON_FILE.exists() else "")
