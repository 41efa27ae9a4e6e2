"""How good the suggestions are, measured on passages whose orientation (and theme) a person wrote down.

A labelled file has one JSON object a line: `text`, `orientation` (a code of the consultation) and
optionally `theme` (a theme code of that orientation). The scorer is measured without examples
(zero-shot: the structure alone), then with k labelled passages per orientation taken from the file
as if analysts had placed them, the other passages being scored (or, with a second labelled file,
taken from that file while every passage of the first is scored); the k passages are drawn at random
with a fixed seed, several times, and the figures averaged. A plain TF-IDF similarity between the
passage and each orientation's texts (examples appended) is measured the same way, as a baseline.

Accuracy top-1: the first suggestion is right; top-3: one of the three is. For themes, among the
passages that have one: the theme of the first suggestion, or of any of the three, is right.
"""
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flask_babel import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer

from ..analysis.text import search_form
from .documents import DEFAULT_DRAWS, DEFAULT_SEED, Example, OrientationDoc, Settings, Suggestion
from .scorer import Scorer

DEFAULT_SHOTS = (1, 3, 5)


class LabelledFileError(ValueError):
    """The file cannot be read; the message names the line."""


@dataclass(frozen=True)
class Passage:
    text: str
    orientation: object  # the orientation's key in the structure
    theme: object = None
    language: str = ""


def read_labelled(path: Path, docs: Sequence[OrientationDoc]) -> list[Passage]:
    """The passages of a labelled file, their codes turned into the structure's keys."""
    orientations = {doc.code: doc for doc in docs}
    passages = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise LabelledFileError(_("%(path)s: not UTF-8 text (byte %(position)d).", path=path,
                                  position=error.start)) from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            raise LabelledFileError(_("%(where)s: not a JSON object (%(error)s).", where=where, error=error)) from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            raise LabelledFileError(_("%(where)s: each line needs a non-empty “text”.", where=where))
        doc = orientations.get(str(row.get("orientation", "")))
        if doc is None:
            raise LabelledFileError(_("%(where)s: unknown orientation “%(code)s”.", where=where,
                                      code=row.get("orientation", "")))
        theme = None
        if row.get("theme"):
            theme = next((item.key for item in doc.themes if item.code == row["theme"]), None)
            if theme is None:
                raise LabelledFileError(_("%(where)s: “%(theme)s” is not a theme of %(code)s.", where=where,
                                          theme=row["theme"], code=doc.code))
        passages.append(Passage(row["text"], doc.key, theme, str(row.get("language", ""))))
    if not passages:
        raise LabelledFileError(_("%(path)s: no passage.", path=path))
    return passages


@dataclass
class Figures:
    method: str  # "suggestions" or "baseline"
    shots: int  # labelled examples per orientation
    passages: int  # passages scored (per draw)
    top1: float
    top3: float
    theme_top1: float | None
    theme_top3: float | None
    subset: str = ""  # "" for all passages, else a language code


@dataclass
class Report:
    passages: int
    languages: dict[str, int]
    orientations: int
    with_theme: int
    draws: int
    seed: int
    figures: list[Figures] = field(default_factory=list)

    def get(self, method: str, shots: int, subset: str = "") -> Figures:
        return next(row for row in self.figures if (row.method, row.shots, row.subset) == (method, shots, subset))


class Baseline:
    """Plain TF-IDF over words (normalised like search), cosine to each orientation's texts and, for
    themes, to each theme's name, each with its examples appended."""

    def __init__(self, docs: Sequence[OrientationDoc], examples: Sequence[Example] = ()):
        self.docs = list(docs)
        texts = {doc.key: [text for text, _ in doc.segments] + [" ".join(theme.names) for theme in doc.themes]
                 for doc in self.docs}
        theme_texts = {theme.key: list(theme.names) for doc in self.docs for theme in doc.themes}
        for example in examples:
            texts[example.orientation].append(example.text)
            if example.theme in theme_texts:
                theme_texts[example.theme].append(example.text)
        self.vectorizer = TfidfVectorizer(preprocessor=search_form, sublinear_tf=True)
        self.vectorizer.fit([" ".join(value) for value in texts.values()] + [" ".join(v) for v in theme_texts.values()])
        self.matrix = self.vectorizer.transform([" ".join(texts[doc.key]) for doc in self.docs])
        self.theme_keys = list(theme_texts)
        self.theme_owner = {theme.key: doc.key for doc in self.docs for theme in doc.themes}
        self.theme_matrix = self.vectorizer.transform([" ".join(theme_texts[key]) for key in self.theme_keys])

    def suggest(self, texts: Sequence[str], top: int = 3) -> list[list[Suggestion]]:
        queries = self.vectorizer.transform(list(texts))
        sims = (queries @ self.matrix.T).toarray()
        theme_sims = (queries @ self.theme_matrix.T).toarray() if self.theme_keys else None
        results = []
        for row in range(len(texts)):
            ranked = np.argsort(-sims[row], kind="stable")[:top]
            suggestions = []
            for position in ranked:
                doc = self.docs[position]
                suggestion = Suggestion(doc.key, doc.code, float(sims[row, position]))
                if theme_sims is not None:
                    mine = [index for index, key in enumerate(self.theme_keys) if self.theme_owner[key] == doc.key]
                    if mine:
                        best = max(mine, key=lambda index: theme_sims[row, index])
                        if theme_sims[row, best] > 0:
                            suggestion.theme = self.theme_keys[best]
                suggestions.append(suggestion)
            results.append(suggestions)
        return results


def _score(model, passages: Sequence[Passage]) -> tuple[float, float, float | None, float | None, int]:
    suggestions = model.suggest([passage.text for passage in passages])
    top1 = top3 = theme1 = theme3 = themed = 0
    for passage, offered in zip(passages, suggestions, strict=True):
        top1 += bool(offered) and offered[0].orientation == passage.orientation
        top3 += any(item.orientation == passage.orientation for item in offered)
        if passage.theme is not None:
            themed += 1
            theme1 += bool(offered) and offered[0].theme == passage.theme
            theme3 += any(item.theme == passage.theme for item in offered)
    count = len(passages)
    return (top1 / count, top3 / count, theme1 / themed if themed else None, theme3 / themed if themed else None,
            count)


def _draw(passages: list[Passage], shots: int, rng: random.Random,
          pool: list[Passage] | None = None) -> tuple[list[Example], list[Passage]]:
    """k passages of each orientation as examples, the others scored (one at least is left to score).
    With a separate `pool`, the examples come from it and every passage is scored."""
    source = pool if pool is not None else passages
    by_orientation: dict[object, list[int]] = {}
    for index, passage in enumerate(source):
        by_orientation.setdefault(passage.orientation, []).append(index)
    chosen = set()
    for key in sorted(by_orientation, key=str):
        indexes = by_orientation[key]
        chosen.update(rng.sample(indexes, min(shots, len(indexes) - (pool is None))))
    examples = [Example(source[index].text, source[index].orientation, source[index].theme, None)
                for index in sorted(chosen)]
    if pool is not None:
        return examples, passages
    return examples, [passage for index, passage in enumerate(passages) if index not in chosen]


def _average(rows: list[tuple]) -> tuple:
    def mean(values):
        values = [value for value in values if value is not None]
        return sum(values) / len(values) if values else None

    return tuple(mean([row[column] for row in rows]) for column in range(5))


def evaluate(docs: Sequence[OrientationDoc], passages: list[Passage], shots: Sequence[int] = DEFAULT_SHOTS,
             draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, settings: Settings | None = None,
             pool: list[Passage] | None = None) -> Report:
    """The figures of the scorer and of the baseline; examples drawn from `passages` themselves, or
    from a separate labelled `pool` (then every passage is scored, and none is ever an example)."""
    languages: dict[str, int] = {}
    for passage in passages:
        languages[passage.language or "?"] = languages.get(passage.language or "?", 0) + 1
    report = Report(len(passages), languages, len({passage.orientation for passage in passages}),
                    sum(passage.theme is not None for passage in passages), draws, seed)
    builders = {"suggestions": lambda examples: Scorer(docs, examples, settings),
                "baseline": lambda examples: Baseline(docs, examples)}
    for method, build in builders.items():
        model = build([])
        figures = _score(model, passages)
        report.figures.append(Figures(method, 0, figures[4], *figures[:4]))
        for language in sorted(code for code in languages if code != "?"):
            subset = [passage for passage in passages if passage.language == language]
            figures = _score(model, subset)
            report.figures.append(Figures(method, 0, figures[4], *figures[:4], subset=language))
        for k in shots:
            rng = random.Random(seed)
            rows = []
            for _draw_number in range(draws):
                examples, rest = _draw(passages, k, rng, pool)
                rows.append(_score(build(examples), rest))
            figures = _average(rows)
            report.figures.append(Figures(method, k, round(figures[4]), *figures[:4]))
    return report
