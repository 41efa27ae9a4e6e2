"""Ways of learning more from a consultation's own comments, measured against the model as it is
(consult/suggestions/scorer.py) on labelled passages, outside the application:

- self-training: the comments not yet placed are scored, the confident ones become examples of their
  first orientation (weight × likelihood), the ridge is fitted again, one to three times;
- pseudo-relevance feedback (Rocchio): each orientation gets, as one more training row, the top m
  features of the n unplaced comments that score highest for it;
- placed comments weighted below 1, or with a weight growing with their count per orientation;
- nearest placed comments blended with the structure's score, the blend weight chosen by
  leave-one-out on the placed comments themselves;
- complement naive Bayes on the same features, alone or averaged with the ridge (probabilities or ranks);
- themes: one model per orientation over its own themes only; self-training of the theme model.

    python -m bench.suggestion_methods --dev ../shared/reference/labelled-passages-dev.jsonl [--shots 0 1 3 5]
        [--draws 10] [--only NAME ...]

The unplaced comments are the passages scored (their labels unseen), as in a consultation where the
comments to suggest for are those not yet placed. Prints one line per method and set: top-1, top-3 and
theme top-1 (mean ± sd over the draws) and the ECE of the first likelihood (fixed temperature), for the
development file if given and for the project's own holdout (examples drawn from the labelled file).
"""
import argparse
import random
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
OWN_POOL = ROOT / "tests" / "data" / "suggestions-labelled.jsonl"
OWN_CHECK = ROOT / "tests" / "data" / "suggestions-holdout.jsonl"

# name -> settings of the variant (see Variant)
VARIANTS = {
    "the model as it is": {},
    **{f"self-training, {rounds} round(s), floor {floor}, weight {weight}":
       {"self_rounds": rounds, "self_floor": floor, "self_weight": weight}
       for rounds in (1, 2, 3) for floor in (0.3, 0.5, 0.7) for weight in (0.3, 1.0)},
    "self-training, 2 rounds, most confident quarter, weight 0.5": {"self_rounds": 2, "self_share": 0.25},
    "self-training, 2 rounds, most confident half, weight 0.5": {"self_rounds": 2, "self_share": 0.5},
    "self-training, 2 rounds, floor 0.5, weight 0.5, hard labels": {"self_rounds": 2, "self_soft": False},
    **{f"Rocchio, n {n}, m {m}, weight {weight}": {"rocchio": (n, m, weight)}
       for n in (3, 5, 10) for m in (10, 30) for weight in (0.3, 1.0)},
    **{f"placed comments weighted {weight}": {"example_weight": weight} for weight in (0.2, 0.35, 0.5, 0.7)},
    **{f"weight {weight} × min(1, count / {count})": {"example_weight": weight, "grow": count}
       for weight in (0.5, 1.0) for count in (5, 10, 20)},
    "nearest placed comments, blend by leave-one-out": {"knn": "loo"},
    "nearest placed comments, blend 1": {"knn": 1.0},
    "nearest placed comments, blend 3": {"knn": 3.0},
    "nearest, leave-one-out, placed weighted 0.5": {"knn": "loo", "example_weight": 0.5},
    **{f"complement naive Bayes α {alpha}, {mode}": {"cnb": (alpha, mode)}
       for alpha in (0.1, 0.3, 1.0) for mode in ("alone", "probabilities", "ranks")},
    **{f"themes: one model per orientation, α {alpha}": {"theme_local": alpha} for alpha in (0.3, 1.0, 3.0)},
    **{f"themes: codings weighted {weight}": {"theme_weight": weight} for weight in (0.5, 2.0, 3.0)},
    "themes: self-training (floor 0.5, weight 0.5)": {"theme_self": (0.5, 0.5)},
    "themes: self-training (floor 0.7, weight 1)": {"theme_self": (0.7, 1.0)},
    "themes: self-training (floor 0.3, weight 0.3)": {"theme_self": (0.3, 0.3)},
    "themes: self-training, and orientations: 2 rounds, floor 0.5, weight 0.3":
        {"theme_self": (0.5, 0.5), "self_rounds": 2, "self_weight": 0.3},
}


class Variant:
    """The scorer's model (same features, structure rows and ridge), plus what the variant changes."""

    def __init__(self, docs, examples, unplaced, settings: dict):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import ComplementNB

        from consult.suggestions import lexicon
        from consult.suggestions.documents import Settings
        from consult.suggestions.scorer import Features, _fit_ridge

        self.base = Settings()
        self.docs, self.options, self.fit = docs, settings, _fit_ridge
        self.classes = len(docs)
        index = {doc.key: position for position, doc in enumerate(docs)}
        texts, owners, weights = [], [], []
        for position, doc in enumerate(docs):
            rows = list(doc.segments) + [(" ".join(theme.names), self.base.theme_name_weight) for theme in doc.themes]
            rows.append((" ".join(doc.context), self.base.context_weight))
            for text, weight in rows:
                if text.strip():
                    texts.append(text)
                    owners.append(position)
                    weights.append(weight)
        self.structure = len(texts)
        counts = {}
        for example in examples:
            counts[example.orientation] = counts.get(example.orientation, 0) + 1
        weight = settings.get("example_weight", 1.0)
        for example in examples:
            texts.append(example.text)
            owners.append(index[example.orientation])
            grow = settings.get("grow")
            weights.append(weight * min(1.0, counts[example.orientation] / grow) if grow else weight)
        self.examples = list(examples)
        self.vectorizer = TfidfVectorizer(analyzer=Features(lexicon.default()), sublinear_tf=True, norm="l2")
        self.matrix = self.vectorizer.fit_transform(texts)
        self.owners, self.weights = np.asarray(owners), np.asarray(weights, dtype=float)
        self.unplaced = self.vectorizer.transform(list(unplaced)) if unplaced else None
        self.model = self.fit(self.matrix, self.owners, self.classes, self.weights, self.base.alpha)
        if settings.get("rocchio") and self.unplaced is not None:
            self.model = self._rocchio(*settings["rocchio"])
        for _round in range(settings.get("self_rounds", 0) if self.unplaced is not None else 0):
            self.model = self._self_train()
        self.naive_bayes = None
        if settings.get("cnb"):
            self.naive_bayes = ComplementNB(alpha=settings["cnb"][0])
            self.naive_bayes.fit(self.matrix, self.owners, sample_weight=self.weights)
        self.knn = self._leave_one_out() if settings.get("knn") == "loo" else settings.get("knn", 0.0)
        self._themes()

    # -- orientations -------------------------------------------------------------------------------

    def _raw(self, model, matrix):
        from consult.suggestions.scorer import _predict

        return _predict(model, matrix)

    def _self_train(self):
        from consult.suggestions.calibration import softmax

        shares = softmax(self._raw(self.model, self.unplaced), self.base.temperature)
        first, likelihood = shares.argmax(axis=1), shares.max(axis=1)
        if self.options.get("self_share"):
            keep = likelihood >= np.quantile(likelihood, 1 - self.options["self_share"])
        else:
            keep = likelihood >= self.options.get("self_floor", 0.5)
        weight = self.options.get("self_weight", 0.5)
        added = weight * (likelihood[keep] if self.options.get("self_soft", True) else np.ones(keep.sum()))
        return self.fit(sparse.vstack([self.matrix, self.unplaced[keep]]).tocsr(),
                        np.concatenate([self.owners, first[keep]]), self.classes,
                        np.concatenate([self.weights, added]), self.base.alpha)

    def _rocchio(self, n: int, m: int, weight: float):
        raw = self._raw(self.model, self.unplaced)
        rows = []
        for position in range(self.classes):
            centroid = np.asarray(self.unplaced[np.argsort(-raw[:, position])[:n]].sum(axis=0)).ravel()
            if m < (centroid > 0).sum():
                centroid[centroid < np.sort(centroid)[-m]] = 0
            rows.append(sparse.csr_matrix(centroid / (np.linalg.norm(centroid) + 1e-12)))
        return self.fit(sparse.vstack([self.matrix, *rows]).tocsr(),
                        np.concatenate([self.owners, np.arange(self.classes)]), self.classes,
                        np.concatenate([self.weights, np.full(self.classes, weight)]), self.base.alpha)

    def _nearest(self, matrix, leave_out: bool = False):
        found = np.zeros((matrix.shape[0], self.classes))
        if not self.examples:
            return found
        sims = (matrix @ self.matrix[self.structure:].T).toarray()
        if leave_out:
            np.fill_diagonal(sims, -1.0)
        labels = self.owners[self.structure:]
        for position in range(self.classes):
            mine = labels == position
            if mine.any():
                found[:, position] = np.sort(sims[:, mine], axis=1)[:, -2:].mean(axis=1)
        return found

    def _leave_one_out(self) -> float:
        """The blend weight that places the placed comments best: each scored by the structure alone
        (which never saw it) plus its nearest other placed comments."""
        if len(self.examples) < 5:
            return 0.0
        structure = self.fit(self.matrix[:self.structure], self.owners[:self.structure], self.classes,
                             self.weights[:self.structure], self.base.alpha)
        placed = self.matrix[self.structure:]
        scores = self._raw(structure, placed) / self.base.temperature
        nearest = self._nearest(placed, leave_out=True)
        labels = self.owners[self.structure:]
        best, chosen = -1.0, 0.0
        for weight in (0, 1, 2, 3, 5, 8, 12, 20):
            right = float(((scores + weight * nearest).argmax(axis=1) == labels).mean())
            if right > best + 1e-9:
                best, chosen = right, float(weight)
        return chosen

    def scores(self, matrix) -> np.ndarray:
        """Log-likelihood-like scores: a softmax of them gives the likelihoods shown."""
        from consult.suggestions.calibration import softmax

        raw = self._raw(self.model, matrix) / self.base.temperature
        if self.knn:
            raw = raw + self.knn * self._nearest(matrix)
        if self.naive_bayes is None:
            return raw
        mode = self.options["cnb"][1]
        bayes = self.naive_bayes.predict_log_proba(matrix)
        if mode == "alone":
            return bayes
        if mode == "probabilities":
            return np.log(0.5 * softmax(raw, 1.0) + 0.5 * softmax(bayes, 1.0) + 1e-12)
        ranks = np.argsort(np.argsort(raw, axis=1), axis=1) + np.argsort(np.argsort(bayes, axis=1), axis=1)
        return ranks + 1e-3 * softmax(raw, 1.0)

    # -- themes -------------------------------------------------------------------------------------

    def _themes(self):
        self.theme_docs = [(position, theme) for position, doc in enumerate(self.docs) for theme in doc.themes]
        self.theme_owner = np.asarray([position for position, _ in self.theme_docs])
        index = {theme.key: number for number, (_, theme) in enumerate(self.theme_docs)}
        rows = [self.vectorizer.transform([" ".join(theme.names)]) for _, theme in self.theme_docs]
        labels, weights = list(range(len(rows))), [1.0] * len(rows)
        for row, example in enumerate(self.examples):
            if example.theme in index:
                rows.append(self.matrix[self.structure + row])
                labels.append(index[example.theme])
                weights.append(self.options.get("theme_weight", self.options.get("example_weight", 1.0)))
        self._fit_themes(sparse.vstack(rows).tocsr(), np.asarray(labels), np.asarray(weights))
        if self.options.get("theme_self") and self.unplaced is not None:
            from consult.suggestions.calibration import softmax

            floor, weight = self.options["theme_self"]
            shares = softmax(self.scores(self.unplaced), 1.0)
            theme_raw = self.theme_scores(self.unplaced)
            added, added_labels, added_weights = [], [], []
            for row in range(self.unplaced.shape[0]):
                picked = self.pick(theme_raw[row], int(shares[row].argmax()))
                if shares[row].max() >= floor and picked is not None:
                    added.append(row)
                    added_labels.append(picked[0])
                    added_weights.append(weight * shares[row].max() * picked[1])
            if added:
                self._fit_themes(sparse.vstack([sparse.vstack(rows), self.unplaced[added]]).tocsr(),
                                 np.concatenate([labels, added_labels]), np.concatenate([weights, added_weights]))

    def _fit_themes(self, matrix, labels, weights):
        self.theme_model, self.local = None, {}
        if "theme_local" not in self.options:
            self.theme_model = self.fit(matrix, labels, len(self.theme_docs), weights, self.base.theme_alpha)
            return
        for position in range(self.classes):
            mine = np.flatnonzero(self.theme_owner == position)
            chosen = np.isin(labels, mine)
            if len(mine) > 1:
                local = {theme: number for number, theme in enumerate(mine)}
                self.local[position] = (mine, self.fit(matrix[chosen], np.asarray([local[t] for t in labels[chosen]]),
                                                       len(mine), weights[chosen], self.options["theme_local"]))

    def theme_scores(self, matrix) -> np.ndarray:
        if self.theme_model is not None:
            return self._raw(self.theme_model, matrix)
        found = np.full((matrix.shape[0], len(self.theme_docs)), -1.0)
        for mine, model in self.local.values():
            found[:, mine] = self._raw(model, matrix)
        for position in range(self.classes):
            mine = np.flatnonzero(self.theme_owner == position)
            if len(mine) == 1:
                found[:, mine[0]] = 1.0
        return found

    def pick(self, raw: np.ndarray, position: int):
        """The theme the scorer would offer under an orientation (same rule as Scorer._pick_theme)."""
        from consult.suggestions.calibration import softmax

        mine = np.flatnonzero(self.theme_owner == position)
        if not len(mine):
            return None
        shares = softmax(raw[mine][None, :], self.base.temperature)[0]
        best = int(np.argmax(shares))
        if (len(mine) > 1 and shares[best] >= self.base.theme_floor + 1 / len(mine)) or \
                (len(mine) == 1 and raw[mine[0]] > 0):
            return int(mine[best]), float(shares[best])
        return None


def measure(docs, passages, shots, draws: int, settings: dict, pool=None, seed: int = 2025) -> dict:
    """{k: (top-1, sd, top-3, sd, theme top-1, sd, ECE, passages scored per draw)} in percent."""
    from consult.suggestions.calibration import reliability, softmax
    from consult.suggestions.evaluation import _draw

    index = {doc.key: position for position, doc in enumerate(docs)}
    found = {}
    for k in shots:
        rng = random.Random(seed)
        top1, top3, themes, shown, right, sizes = [], [], [], [], [], []
        for _draw_number in range(draws if k else 1):
            examples, scored = _draw(passages, k, rng, pool) if k else ([], passages)
            model = Variant(docs, examples, [passage.text for passage in scored], settings)
            matrix = model.vectorizer.transform([passage.text for passage in scored])
            shares = softmax(model.scores(matrix), 1.0)
            theme_raw = model.theme_scores(matrix)
            order = np.argsort(-shares, axis=1, kind="stable")[:, :3]
            labels = np.asarray([index[passage.orientation] for passage in scored])
            first = order[:, 0] == labels
            top1.append(first.mean())
            top3.append((order == labels[:, None]).any(axis=1).mean())
            theme_right = []
            for row, passage in enumerate(scored):
                if passage.theme is not None:
                    picked = model.pick(theme_raw[row], int(order[row, 0])) if matrix[row].nnz else None
                    theme_right.append(bool(first[row] and picked is not None
                                            and model.theme_docs[picked[0]][1].key == passage.theme))
            themes.append(np.mean(theme_right))
            shown += list(shares[np.arange(len(scored)), order[:, 0]])
            right += list(first)
            sizes.append(len(scored))
        found[k] = (100 * np.mean(top1), 100 * np.std(top1), 100 * np.mean(top3), 100 * np.std(top3),
                    100 * np.mean(themes), 100 * np.std(themes), reliability(shown, right).ece, round(np.mean(sizes)))
    return found


def _line(name: str, label: str, figures: dict) -> str:
    cells = " | ".join(f"{a:.1f} ± {b:.1f} / {c:.1f} ± {d:.1f} / {e:.1f} ± {f:.1f} ({g:.3f}; n {n})" if k else
                       f"{a:.1f} / {c:.1f} / {e:.1f} ({g:.3f}; n {n})"
                       for k, (a, b, c, d, e, f, g, n) in figures.items())
    return f"| {name} | {label} | {cells} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggestion_methods", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, help="a labelled file of real passages (not copied into the project)")
    parser.add_argument("--shots", type=int, nargs="+", default=[0, 1, 3, 5])
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--only", nargs="+", help="the variants to measure (names as listed in VARIANTS)")
    args = parser.parse_args(argv)
    from bench.suggestions import demo_structure
    from consult.suggestions.evaluation import read_labelled

    with demo_structure() as (_consultation, docs):
        sets = []
        if args.dev:
            sets.append(("development", read_labelled(args.dev, docs), None))
        sets.append(("own holdout", read_labelled(OWN_CHECK, docs), read_labelled(OWN_POOL, docs)))
        heading = " | ".join(f"k = {k}: top-1 / top-3 / theme top-1 (ECE; n)" for k in args.shots)
        print(f"| method | set | {heading} |\n|---|---|" + "---|" * len(args.shots), flush=True)
        for name, settings in VARIANTS.items():
            if args.only and name not in args.only:
                continue
            for label, passages, pool in sets:
                print(_line(name, label, measure(docs, passages, args.shots, args.draws, settings, pool)),
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
