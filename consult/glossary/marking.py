"""Marking the first use of each glossary term in a page's texts, without JavaScript.

Each first use becomes a link to the term's definition at the foot of the page, wrapped around
an <abbr> (acronyms, with their expansion) or a <dfn>-less span; the link is focusable, and its
aria-describedby lets a screen reader announce the definition on focus. The definitions list
holds the <dfn> elements.
"""
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..models import GlossaryTerm


@dataclass
class UsedTerm:
    anchor: str
    term: str
    expansion: str
    definition: str
    lang: str


@dataclass
class PageGlossary:
    """One page's marking state: which terms were met, in the order they were first met."""

    terms: list[GlossaryTerm]
    lang: str
    used: list[UsedTerm] = field(default_factory=list)
    _pattern: re.Pattern | None = None
    _by_text: dict = field(default_factory=dict)

    def __post_init__(self):
        for term in self.terms:
            text = self._pick(term, "term")
            if text:
                self._by_text[text] = term
        if self._by_text:
            alternatives = "|".join(re.escape(text) for text in sorted(self._by_text, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)")

    def mark(self, text: str) -> Markup:
        """The text escaped, with the first use on this page of each term marked up."""
        if not text or self._pattern is None:
            return escape(text or "")
        seen = {used.term for used in self.used}
        parts, last = [], 0
        for match in self._pattern.finditer(text):
            word = match.group(1)
            if word in seen:
                continue
            seen.add(word)
            parts.append(escape(text[last:match.start()]))
            parts.append(self._link(self._by_text[word], word))
            last = match.end()
        parts.append(escape(text[last:]))
        return Markup("").join(parts)

    def entries(self) -> list[UsedTerm]:
        """Every term held in this language, alphabetically: the list a glossary page or pre-reading shows."""
        return [UsedTerm(f"term-{term.id}", self._pick(term, "term"), self._pick(term, "expansion"),
                         self._pick(term, "definition"), self.lang)
                for term in self.terms if self._pick(term, "term")]

    def _link(self, term: GlossaryTerm, word: str) -> Markup:
        anchor = f"term-{term.id}"
        expansion = self._pick(term, "expansion")
        self.used.append(UsedTerm(anchor, word, expansion, self._pick(term, "definition"), self.lang))
        inner = (Markup('<abbr title="{title}">{word}</abbr>').format(title=expansion, word=word) if expansion
                 else escape(word))
        return Markup('<a class="term" href="#{anchor}" aria-describedby="{anchor}-definition">{inner}</a>').format(
            anchor=anchor, inner=inner)

    def _pick(self, term: GlossaryTerm, key: str) -> str:
        return getattr(term, f"{key}_{self.lang}", "") or ""
