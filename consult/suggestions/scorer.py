"""The model behind orientation suggestions: which orientations of the consultation a comment most
likely speaks about, and which theme within each.

A text becomes TF-IDF weighted features: its words cut to short prefixes, adjacent pairs of them, and
the concepts of the bilingual lexicon it names (`lexicon.py`), so that "payés à la visite", "paiement
à l'acte" and "fee-for-service" share a feature. A linear model (ridge regression, one score per
orientation) learns which features speak for which orientation from what each orientation says about
itself in both languages: title, summary, body, change targets, theme names and, more faintly, its
axis. That is enough to suggest from the first minute. Every comment a person placed on an
orientation is one more training text for it, so the model improves as analysts accept or correct
suggestions. Scores become shares that add up to one (a softmax), read as a confidence.

Themes are scored the same way among the themes of each suggested orientation, from their names and
the comments coded with them.

Reasons a person can check come with every suggestion: the comment's words that weighed most for the
orientation (feature value times the model's weight), and the already placed comments closest to it.

Nothing here touches the database: `corpus.py` reads the structure and examples, `service.py` stores
the suggestions.
"""
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge

from . import lexicon as lexicon_module
from .calibration import softmax as _softmax
from .documents import Example, OrientationDoc, Settings, Suggestion
from .textproc import all_words, meaningful, span

# Texts compared with the placed comments at once, when looking for the closest ones.
NEIGHBOUR_CHUNK = 500
# Texts whose features are kept in memory (placed comments and the structure, mostly): about 2 kB each.
ANALYSED_TEXTS = 40_000


class Features:
    """Text -> word, word-pair and concept features, with the way back to the words as written."""

    def __init__(self, lexicon=None):
        self.lexicon = lexicon

    def __call__(self, text: str) -> tuple[str, ...]:
        return self.analyse(text)[0]

    def analyse(self, text: str) -> tuple[tuple[str, ...], dict[str, str]]:
        """The text's features, and each feature as the text writes it. Kept for the texts seen last:
        a rebuild after one more placed comment cuts only that comment's text into features again."""
        return _analysed(text, self.lexicon)


@lru_cache(maxsize=ANALYSED_TEXTS)
def _analysed(text: str, lexicon) -> tuple[tuple[str, ...], dict[str, str]]:
    every = all_words(text)
    kept = meaningful(every)
    features = [word.stem for word in kept]
    shown = {}
    for word in kept:
        shown.setdefault(word.stem, word.text)
    for first, second in zip(kept, kept[1:], strict=False):
        bigram = first.stem + " " + second.stem
        features.append(bigram)
        shown.setdefault(bigram, span(text, first, second))
    if lexicon is not None:
        for concept, phrase in lexicon.concepts(every, text):
            features.append(concept)
            shown.setdefault(concept, phrase)
    return tuple(features), shown


class Scorer:
    """Built once per consultation and set of examples; `suggest` is then cheap for any number of texts."""

    def __init__(self, orientations: Sequence[OrientationDoc], examples: Sequence[Example] = (),
                 settings: Settings | None = None, lexicon=None):
        if not orientations:
            raise ValueError("a scorer needs at least one orientation")
        self.settings = settings or Settings()
        if self.settings.use_lexicon and lexicon is None:
            lexicon = lexicon_module.default()
        self.features = Features(lexicon if self.settings.use_lexicon else None)
        self.orientations = list(orientations)
        self.index = {doc.key: position for position, doc in enumerate(self.orientations)}
        self.examples = [example for example in examples
                         if example.orientation in self.index and example.text and example.text.strip()]
        self._fit()

    # -- building ------------------------------------------------------------------------------

    def _fit(self):
        s = self.settings
        texts, owners, weights = [], [], []

        def add(text, owner, weight):
            if text and text.strip() and weight > 0:
                texts.append(text)
                owners.append(owner)
                weights.append(weight)

        for position, doc in enumerate(self.orientations):
            for text, weight in doc.segments:
                add(text, position, weight)
            for theme in doc.themes:
                add(" ".join(theme.names), position, s.theme_name_weight)
            add(" ".join(doc.context), position, s.context_weight)
        structure_count = len(texts)
        for example in self.examples:
            add(example.text, self.index[example.orientation], s.example_weight)

        self.vectorizer = TfidfVectorizer(analyzer=self.features, sublinear_tf=True, norm="l2")
        matrix = self.vectorizer.fit_transform(texts)
        self.feature_names = self.vectorizer.get_feature_names_out()
        count = len(self.orientations)
        self.model = _fit_ridge(matrix, np.asarray(owners), count, np.asarray(weights), s.alpha)
        self.example_matrix = matrix[structure_count:]
        self.example_owner = np.asarray(owners[structure_count:], dtype=int)
        self._blocks: dict[int, tuple] = {}

        # Themes: each theme learns from its name and from the comments coded with it, against the other
        # themes of the consultation; only those of a suggested orientation are then compared.
        self.theme_docs = [(position, theme) for position, doc in enumerate(self.orientations)
                           for theme in doc.themes]
        self.theme_owner = np.asarray([position for position, _ in self.theme_docs], dtype=int)
        theme_index = {theme.key: number for number, (_, theme) in enumerate(self.theme_docs)}
        theme_rows, theme_labels, theme_weights = [], [], []
        for number, (_, theme) in enumerate(self.theme_docs):
            theme_rows.append(self.vectorizer.transform([" ".join(theme.names)]))
            theme_labels.append(number)
            theme_weights.append(1.0)
        for row, example in enumerate(self.examples):
            if example.theme in theme_index:
                theme_rows.append(self.example_matrix[row])
                theme_labels.append(theme_index[example.theme])
                theme_weights.append(s.example_weight)
        self.theme_model = None
        if self.theme_docs:
            self.theme_model = _fit_ridge(sparse.vstack(theme_rows).tocsr(), np.asarray(theme_labels),
                                          len(self.theme_docs), np.asarray(theme_weights), s.theme_alpha)

    # -- scoring -------------------------------------------------------------------------------

    def scores(self, texts: Sequence[str]):
        """(texts x orientations) raw scores, and the texts' feature matrix."""
        matrix = self.vectorizer.transform(list(texts))
        return _predict(self.model, matrix), matrix

    def suggest(self, texts: Sequence[str], top: int = 3, refs: Sequence | None = None) -> list[list[Suggestion]]:
        """The `top` most likely orientations of each text, each with its likeliest theme and reasons.
        `refs` (the texts' comment ids) keep a placed comment from being shown as its own neighbour."""
        texts = list(texts)
        if not texts:
            return []
        raw, matrix = self.scores(texts)
        shares = _softmax(raw, self.settings.temperature)
        theme_raw = _predict(self.theme_model, matrix) if self.theme_model is not None else None
        order = np.argsort(-shares, axis=1, kind="stable")[:, :top]
        nearest = self._nearest_examples(matrix, order, list(refs) if refs is not None else [None] * len(texts))
        results = []
        for row, ranked in enumerate(order):
            vector = matrix.getrow(row)
            if not vector.nnz:  # nothing in the text that the model knows: no guess
                results.append([])
                continue
            shown = self.features.analyse(texts[row])[1]
            suggestions = []
            for position in ranked:
                doc = self.orientations[position]
                suggestion = Suggestion(orientation=doc.key, code=doc.code, score=float(shares[row, position]))
                if theme_raw is not None:
                    self._pick_theme(suggestion, theme_raw[row], position)
                suggestion.words = self._weighty_words(vector, position, shown)
                suggestion.examples = nearest.get((row, position), [])
                suggestions.append(suggestion)
            results.append(suggestions)
        return results

    def _pick_theme(self, suggestion: Suggestion, raw: np.ndarray, position: int) -> None:
        mine = np.flatnonzero(self.theme_owner == position)
        if not len(mine):
            return
        shares = _softmax(raw[mine][None, :], self.settings.temperature)[0]
        best = int(np.argmax(shares))
        # With a single theme the share says nothing: ask that the text speaks for it at all.
        if (len(mine) > 1 and shares[best] >= self.settings.theme_floor + 1 / len(mine)) or \
                (len(mine) == 1 and raw[mine[0]] > 0):
            theme = self.theme_docs[mine[best]][1]
            suggestion.theme, suggestion.theme_code = theme.key, theme.code
            suggestion.theme_score = float(shares[best])

    def _weighty_words(self, vector, position: int, shown: dict, limit: int = 5) -> list[str]:
        """The comment's words that weighed most towards the orientation, as the comment writes them.
        A word counts by how much more it speaks for this orientation than for the average one, so that
        phrases common to every orientation ("one of the strengths of the proposal") are never shown."""
        coef = self.model["coef"][:, vector.indices]
        weights = vector.data * (coef[position] - coef.mean(axis=0))
        chosen = []
        for index in np.argsort(-weights):
            if weights[index] <= 0 or len(chosen) >= limit:
                break
            text = shown.get(self.feature_names[vector.indices[index]])
            if not text or text in chosen:
                continue
            # "médecin de famille" already says "famille".
            if any(text in other.split(" ") for other in chosen):
                continue
            chosen = [other for other in chosen if other not in text.split(" ")] + [text]
        return chosen

    def _examples_of(self, position: int):
        """The indexes of an orientation's placed comments and their features, columns ready to compare
        with: cut once per model, not for every comment suggested."""
        found = self._blocks.get(position)
        if found is None:
            mine = np.flatnonzero(self.example_owner == position)
            found = self._blocks[position] = (mine, self.example_matrix[mine].T.tocsr())
        return found

    def _nearest_examples(self, matrix, order: np.ndarray, refs: list) -> dict[tuple[int, int], list]:
        """{(text row, orientation position): the refs of the placed comments of that orientation closest
        to the text, never the text itself}, for the orientations suggested to each text only, a few
        hundred texts at a time so that memory stays small whatever the number of placed comments."""
        found: dict[tuple[int, int], list] = {}
        limit = self.settings.neighbours
        if not self.examples:
            return found
        for position in np.unique(order):
            mine, examples = self._examples_of(int(position))
            rows = np.flatnonzero((order == position).any(axis=1))
            if not len(mine) or not len(rows):
                continue
            take = min(limit + 1, len(mine))  # one more, in case the text itself is among them
            for start in range(0, len(rows), NEIGHBOUR_CHUNK):
                chunk = rows[start:start + NEIGHBOUR_CHUNK]
                sims = (matrix[chunk] @ examples).toarray()
                best = np.argpartition(-sims, take - 1, axis=1)[:, :take]
                for offset, row in enumerate(chunk):
                    picked = sorted(best[offset], key=lambda column: -sims[offset, column])
                    found[(int(row), int(position))] = [
                        self.examples[mine[column]].ref for column in picked
                        if sims[offset, column] >= self.settings.min_example_similarity
                        and self.examples[mine[column]].ref is not None
                        and self.examples[mine[column]].ref != refs[row]][:limit]
        return found


def _fit_ridge(matrix, labels: np.ndarray, classes: int, weights: np.ndarray, alpha: float) -> dict:
    """One-vs-rest ridge regression on ±1 targets (what RidgeClassifier does), kept as plain arrays so
    that every class has a column even when it has no text of its own."""
    targets = -np.ones((matrix.shape[0], classes))
    targets[np.arange(len(labels)), labels] = 1.0
    model = Ridge(alpha=alpha, solver="auto")
    model.fit(matrix, targets, sample_weight=weights)
    return {"coef": np.asarray(model.coef_), "intercept": np.asarray(model.intercept_)}


def _predict(model: dict, matrix) -> np.ndarray:
    return np.asarray(matrix @ model["coef"].T) + model["intercept"]
