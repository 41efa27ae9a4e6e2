"""How good the suggestions are, measured on passages whose orientation (and theme) a person wrote down.

A labelled file has one JSON object a line: `text`, `node` (a code of the consultation's tree; the
key's first name `orientation` is still read) and optionally `theme` (a theme code of that orientation).
The scorer is measured without examples
(zero-shot: the structure alone), then with k labelled passages per orientation taken from the file
as if analysts had placed them, the other passages being scored (or, with a second labelled file,
taken from that file while every passage of the first is scored); the k passages are drawn at random
with a fixed seed, several times, and the figures averaged. A plain TF-IDF similarity between the
passage and each orientation's texts (examples appended) is measured the same way, as a baseline.

Accuracy top-1: the first suggestion is right; top-3: one of the three is. For themes, among the
passages that have one: the theme of the first suggestion, or of any of the three, is right. Each
figure is the mean over the draws, with its standard deviation; figures are also given per language
and per top-level node of the structure, with the orientations most often taken for one another, and
the calibration of the first suggestion's likelihood (`calibration.py`). With the comments already
placed in the consultation, the live model (what analysts see) is measured on every passage too.
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
from .calibration import Calibration, HeldOut, chance_ece, held_out, reliability
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
        # "orientation" is the key's first name, still read.
        code = str(row.get("node", row.get("orientation", "")))
        doc = orientations.get(code)
        if doc is None:
            raise LabelledFileError(_("%(where)s: no part of the tree has the code “%(code)s”.", where=where,
                                      code=code))
        theme = None
        if row.get("theme"):
            # A theme is named by its code or, as a report's sub-heading would be, by its name.
            wanted = " ".join(str(row["theme"]).split()).casefold()
            theme = next((item.key for item in doc.themes if item.code.casefold() == wanted
                          or wanted in {" ".join(name.split()).casefold() for name in item.names}), None)
            if theme is None:
                raise LabelledFileError(_("%(where)s: “%(theme)s” is not a theme of %(code)s.", where=where,
                                          theme=row["theme"], code=doc.code))
        passages.append(Passage(row["text"], doc.key, theme, str(row.get("language", ""))))
    if not passages:
        raise LabelledFileError(_("%(path)s: no passage.", path=path))
    return passages


@dataclass
class Figures:
    method: str  # "suggestions", "baseline" or "live" (with the comments placed in the consultation)
    shots: int  # labelled examples per orientation (for "live": the comments placed)
    passages: int  # passages scored (per draw)
    top1: float
    top3: float
    theme_top1: float | None
    theme_top3: float | None
    subset: str = ""  # "" for all passages, "lang:fr" for one language, "group:1" for one top-level node
    draws: int = 1
    top1_sd: float = 0.0  # standard deviations over the draws
    top3_sd: float = 0.0
    theme_top1_sd: float | None = None
    ece: float | None = None  # of the first suggestion's likelihood, all draws pooled
    # The structure alone on the same passages scored (the passages left differ from zero-shot's).
    paired_top1: float | None = None
    paired_top3: float | None = None


HELD_OUT_FOLDS = 5


@dataclass
class Report:
    passages: int
    languages: dict[str, int]
    orientations: int
    with_theme: int
    draws: int
    seed: int
    figures: list[Figures] = field(default_factory=list)
    # (method, shots) -> the calibration of its first suggestions, all draws pooled
    calibration: dict[tuple[str, int], Calibration] = field(default_factory=dict)
    # zero-shot first suggestions that were wrong: (right code, suggested code, how many), most frequent first
    confusion: list[tuple[str, str, int]] = field(default_factory=list)
    placed: int | None = None  # comments placed in the consultation, with --with-placed
    # zero-shot: the ECE with the temperature fitted on other passages than those scored (5 folds, 20 cuts)
    held_out: HeldOut | None = None
    # zero-shot: the ECE a perfectly calibrated model would show on as many passages (mean, sd)
    chance_ece: tuple[float, float] | None = None
    # with --with-placed: the consultation's own calibration, applied to the live model's likelihoods
    local_fit: object = None

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


@dataclass(frozen=True)
class Outcome:
    """What happened to one scored passage."""

    passage: Passage
    first: object  # the key of the first suggestion, None when there was none
    likelihood: float  # of the first suggestion
    top1: bool
    top3: bool
    theme_top1: bool | None  # None for a passage without a theme
    theme_top3: bool | None


def _outcomes(model, passages: Sequence[Passage]) -> list[Outcome]:
    suggestions = model.suggest([passage.text for passage in passages])
    found = []
    for passage, offered in zip(passages, suggestions, strict=True):
        top1 = bool(offered) and offered[0].orientation == passage.orientation
        top3 = any(item.orientation == passage.orientation for item in offered)
        theme1 = theme3 = None
        if passage.theme is not None:
            theme1 = bool(offered) and offered[0].theme == passage.theme
            theme3 = any(item.theme == passage.theme for item in offered)
        found.append(Outcome(passage, offered[0].orientation if offered else None,
                             offered[0].score if offered else 0.0, top1, top3, theme1, theme3))
    return found


def _rates(outcomes: Sequence[Outcome]) -> tuple[float, float, float | None, float | None]:
    count = len(outcomes)
    themed = [outcome for outcome in outcomes if outcome.theme_top1 is not None]
    return (sum(outcome.top1 for outcome in outcomes) / count, sum(outcome.top3 for outcome in outcomes) / count,
            sum(outcome.theme_top1 for outcome in themed) / len(themed) if themed else None,
            sum(outcome.theme_top3 for outcome in themed) / len(themed) if themed else None)


def _figures(method: str, shots: int, runs: list[list[Outcome]], subset: str = "",
             calibrated: bool = False) -> Figures:
    """Mean and spread over the draws (one run per draw)."""
    rates = [_rates(run) for run in runs if run]

    def column(index):
        values = [row[index] for row in rates if row[index] is not None]
        return values

    def mean(values):
        return float(np.mean(values)) if values else None

    def sd(values):
        return float(np.std(values)) if values else None

    pooled = [outcome for run in runs for outcome in run]
    ece = None
    if calibrated and pooled:
        ece = reliability([outcome.likelihood for outcome in pooled], [outcome.top1 for outcome in pooled]).ece
    return Figures(method, shots, round(np.mean([len(run) for run in runs])), mean(column(0)), mean(column(1)),
                   mean(column(2)), mean(column(3)), subset, len(runs), sd(column(0)), sd(column(1)),
                   sd(column(2)), ece)


def _score(model, passages: Sequence[Passage]) -> tuple[float, float, float | None, float | None, int]:
    """Top-1, top-3, theme top-1, theme top-3 and the number of passages scored."""
    return (*_rates(_outcomes(model, passages)), len(passages))


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


def _subsets(passages: Sequence[Passage], groups: dict) -> dict[str, list[int]]:
    """{subset name: indexes of its passages}: each language, each top-level node."""
    found: dict[str, list[int]] = {}
    for index, passage in enumerate(passages):
        if passage.language:
            found.setdefault(f"lang:{passage.language}", []).append(index)
        found.setdefault(f"group:{groups.get(passage.orientation, '?')}", []).append(index)
    return dict(sorted(found.items()))


def _add_subsets(report: Report, method: str, shots: int, runs: list[list[Outcome]], groups: dict) -> None:
    names = sorted({name for run in runs for name in _subsets([outcome.passage for outcome in run], groups)})
    for name in names:
        picked = []
        for run in runs:
            indexes = _subsets([outcome.passage for outcome in run], groups).get(name, [])
            picked.append([run[index] for index in indexes])
        if any(picked):
            report.figures.append(_figures(method, shots, [run for run in picked if run], subset=name))


def evaluate(docs: Sequence[OrientationDoc], passages: list[Passage], shots: Sequence[int] = DEFAULT_SHOTS,
             draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, settings: Settings | None = None,
             pool: list[Passage] | None = None, placed: Sequence[Example] | None = None,
             baseline: bool = True, local_fit=None) -> Report:
    """The figures of the scorer and of the baseline; examples drawn from `passages` themselves, or
    from a separate labelled `pool` (then every passage is scored, and none is ever an example).
    With `placed` (the comments people placed in the consultation), also the live model's figures:
    the scorer built from those comments, as analysts see it; a placed comment with the same text as
    a passage is left out, so that no passage is scored by a model that learned it. `local_fit` (the
    consultation's own calibration, `local_calibration.py`) rescales the live model's likelihoods as
    analysts see them."""
    languages: dict[str, int] = {}
    for passage in passages:
        languages[passage.language or "?"] = languages.get(passage.language or "?", 0) + 1
    report = Report(len(passages), languages, len({passage.orientation for passage in passages}),
                    sum(passage.theme is not None for passage in passages), draws, seed)
    groups = {doc.key: doc.group or doc.code for doc in docs}
    codes = {doc.key: doc.code for doc in docs}
    builders = {"suggestions": lambda examples: Scorer(docs, examples, settings)}
    if baseline:
        builders["baseline"] = lambda examples: Baseline(docs, examples)
    for method, build in builders.items():
        runs = [_outcomes(build([]), passages)]
        report.figures.append(_figures(method, 0, runs, calibrated=method == "suggestions"))
        if method == "suggestions":
            _add_subsets(report, method, 0, runs, groups)
            report.calibration[(method, 0)] = reliability([item.likelihood for item in runs[0]],
                                                          [item.top1 for item in runs[0]])
            report.chance_ece = chance_ece([item.likelihood for item in runs[0]], seed=seed)
            if len(passages) >= HELD_OUT_FOLDS:
                index = {doc.key: position for position, doc in enumerate(docs)}
                raw, _matrix = build([]).scores([passage.text for passage in passages])
                report.held_out = held_out(raw, [index[passage.orientation] for passage in passages],
                                           HELD_OUT_FOLDS, seed=seed)
            pairs: dict[tuple[str, str], int] = {}
            for item in runs[0]:
                if not item.top1 and item.first is not None:
                    pair = (codes[item.passage.orientation], codes[item.first])
                    pairs[pair] = pairs.get(pair, 0) + 1
            report.confusion = sorted(((right, wrong, count) for (right, wrong), count in pairs.items()),
                                      key=lambda row: (-row[2], row[0], row[1]))
        alone = build([])
        for k in shots:
            rng = random.Random(seed)
            runs, paired = [], []
            for _draw_number in range(draws):
                examples, rest = _draw(passages, k, rng, pool)
                runs.append(_outcomes(build(examples), rest))
                paired.append(_rates(_outcomes(alone, rest)))
            figures = _figures(method, k, runs, calibrated=method == "suggestions")
            figures.paired_top1 = float(np.mean([row[0] for row in paired]))
            figures.paired_top3 = float(np.mean([row[1] for row in paired]))
            report.figures.append(figures)
            if method == "suggestions":
                pooled = [item for run in runs for item in run]
                report.calibration[(method, k)] = reliability([item.likelihood for item in pooled],
                                                              [item.top1 for item in pooled])
    if placed is not None:
        texts = {" ".join(passage.text.split()) for passage in passages}
        kept = [example for example in placed if " ".join(example.text.split()) not in texts]
        report.placed = len(kept)
        runs = [_outcomes(Scorer(docs, kept, settings), passages)]
        if local_fit is not None:
            from dataclasses import replace

            from .local_calibration import rescale
            report.local_fit = local_fit
            runs = [[replace(item, likelihood=rescale(item.likelihood, local_fit)) for item in runs[0]]]
        report.figures.append(_figures("live", len(kept), runs, calibrated=True))
        _add_subsets(report, "live", len(kept), runs, groups)
        report.calibration[("live", len(kept))] = reliability([item.likelihood for item in runs[0]],
                                                             [item.top1 for item in runs[0]])
    return report
