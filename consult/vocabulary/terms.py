"""A consultation's names for the levels of its tree, as words placed inside interface sentences.

A name is content: it exists in the languages the consultation is held in. Inside a sentence of
another language it keeps its own language and says so with `lang` (no "available in" note: the
sentence around it is already in the reader's language)."""
from dataclasses import dataclass

from babel import Locale
from markupsafe import Markup, escape

from ..i18n import LANGUAGES, current_language
from . import presets

# The tree's structural kinds and the level each stands for; sections stand outside the levels.
KIND_LEVELS = {"axis": 0, "orientation": 1}


@dataclass(frozen=True)
class Term:
    """A level name in the language it was found in; renders with `lang` when that is not the page's."""

    text: str
    lang: str
    fallback: bool = False

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    def __html__(self) -> Markup:
        if not self.fallback:
            return escape(self.text)
        return Markup('<span lang="{lang}">{text}</span>').format(lang=self.lang, text=self.text)

    @property
    def cap(self) -> "Term":
        """The name at the start of a heading or a sentence."""
        return Term(self.text[:1].upper() + self.text[1:], self.lang, self.fallback)


def plural_wanted(lang: str, number: int) -> bool:
    """Whether `number` takes the plural in `lang` (French: 0 and 1 are singular; English: only 1)."""
    return Locale.parse(lang).plural_form(abs(number)) != "one"


class Vocabulary:
    def __init__(self, levels: list[dict] | None, languages: list[str] | None = None):
        self.levels = levels if levels else presets.copy(presets.LEVEL_PRESETS[presets.DEFAULT_LEVELS])
        self.languages = [lang for lang in (languages or LANGUAGES) if lang in LANGUAGES] or list(LANGUAGES)

    @property
    def depth(self) -> int:
        return len(self.levels)

    def has_level(self, level: int) -> bool:
        return 0 <= level < len(self.levels)

    @staticmethod
    def level_of(topic_or_kind) -> int | None:
        kind = getattr(topic_or_kind, "kind", topic_or_kind)
        return KIND_LEVELS.get(kind)

    def term(self, level, plural: bool = False, lang: str | None = None) -> Term:
        """The name of a level (an index, a kind or a topic), singular or plural."""
        if not isinstance(level, int):
            level = self.level_of(level)
        lang = lang or current_language()
        if level is None:
            return Term(_SECTION[plural][lang if lang in LANGUAGES else "fr"], lang)
        entry = self.levels[min(level, len(self.levels) - 1)]
        names = entry.get("plural" if plural else "singular") or {}
        order = [lang] + [other for other in self.languages if other != lang] + list(LANGUAGES)
        for candidate in order:
            if names.get(candidate):
                return Term(names[candidate], candidate, candidate != lang)
        return Term("", lang)

    def plural(self, level, lang: str | None = None) -> Term:
        return self.term(level, True, lang)

    def for_count(self, level, number: int, lang: str | None = None) -> Term:
        """The name that goes with a number: "0 axe", "0 axes", "1 axis" follow the plural rule of the
        language the name is in."""
        lang = lang or current_language()
        shown_in = self.term(level, False, lang).lang
        return self.term(level, plural_wanted(shown_in, number), lang)

    def count(self, level, number: int, lang: str | None = None) -> Markup:
        """"5 axes", "1 key element": a number and the level's name, in the same order in both languages."""
        return Markup("{} {}").format(number, self.for_count(level, number, lang))

    def count_text(self, level, number: int, lang: str | None = None) -> str:
        return f"{number} {self.for_count(level, number, lang).text}"

    def tree_counts(self, topics, lang: str | None = None) -> Markup:
        """"5 axes, 14 orientations": how many topics of each level a list of topics holds."""
        numbers = [0] * self.depth
        for topic in topics:
            level = self.level_of(topic)
            if level is not None and level < self.depth:
                numbers[level] += 1
        return Markup(", ").join(self.count(level, number, lang) for level, number in enumerate(numbers))

    def label(self, topic, lang: str | None = None) -> Markup:
        """"Axe 1", "Key element 2": the level's name and the topic's code."""
        return Markup("{} {}").format(self.term(topic, lang=lang).cap, topic.code)

    def label_text(self, topic, lang: str | None = None) -> str:
        return f"{self.term(topic, lang=lang).cap.text} {topic.code}"

    @property
    def leaf(self) -> int:
        """The level people answer and comments are placed on: the deepest."""
        return self.depth - 1

    def levels_list(self, lang: str | None = None) -> Markup:
        """"axes, orientations": every level's plural name, top first."""
        return Markup(", ").join(self.plural(level, lang) for level in range(self.depth))

    def names_for(self, lang: str) -> list[tuple[str, str]]:
        """(singular, plural) of each level in one language, for plain-text output."""
        return [(self.term(level, False, lang).text, self.term(level, True, lang).text)
                for level in range(self.depth)]


# General sections are not levels: every consultation may have them under this one name.
_SECTION = {False: {"fr": "section", "en": "section"}, True: {"fr": "sections", "en": "sections"}}


def pick(texts: dict | None, lang: str, held: list[str] | None = None) -> str:
    """A stored bilingual text ({"fr", "en"}) in `lang`, else in another language it has."""
    texts = texts or {}
    for candidate in [lang, *(held or []), *LANGUAGES]:
        if texts.get(candidate):
            return texts[candidate]
    return ""


def prompt_labels(consultation, lang: str | None = None) -> list[str]:
    """The labels of the consultation's prompts, in `lang` where they have it."""
    lang = lang or current_language()
    return [pick(prompt.get("label"), lang, consultation.language_list) for prompt in consultation.prompt_set]
