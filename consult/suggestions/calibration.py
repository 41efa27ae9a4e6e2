"""Whether the likelihood shown with a suggestion means what it says: of the suggestions shown at 70 %,
about 70 % should be right.

The expected calibration error (ECE) sorts first suggestions into ten equal bins of their likelihood
and averages, weighted by how many fall in each, the gap between the mean likelihood and the share
that was right. The reliability table is those bins. The softmax temperature that turns raw scores
into likelihoods is chosen to make them honest: the one with the smallest log loss on passages the
model was not built from.
"""
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BINS = 10
# Temperatures tried when fitting; the scores are ridge outputs on ±1 targets, so their useful range is narrow.
TEMPERATURES = tuple(round(value, 3) for value in np.arange(0.05, 0.505, 0.005))


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    likelihood: float | None  # the mean likelihood shown, None for an empty bin
    accuracy: float | None  # the share right


@dataclass(frozen=True)
class Calibration:
    count: int
    ece: float
    mean_likelihood: float
    accuracy: float
    bins: tuple[Bin, ...]


def reliability(likelihoods: Sequence[float], right: Sequence[bool], bins: int = BINS) -> Calibration:
    """ECE and reliability table of first suggestions: their likelihood, and whether each was right.
    Bin i holds likelihoods in (i/bins, (i+1)/bins], the first one 0 included."""
    values = np.asarray(likelihoods, dtype=float)
    hits = np.asarray(right, dtype=float)
    if not len(values):
        raise ValueError("calibration needs at least one suggestion")
    where = np.clip(np.ceil(values * bins).astype(int) - 1, 0, bins - 1)
    table, ece = [], 0.0
    for number in range(bins):
        mask = where == number
        count = int(mask.sum())
        if count:
            mean, share = float(values[mask].mean()), float(hits[mask].mean())
            ece += count / len(values) * abs(mean - share)
            table.append(Bin(number / bins, (number + 1) / bins, count, mean, share))
        else:
            table.append(Bin(number / bins, (number + 1) / bins, 0, None, None))
    return Calibration(len(values), float(ece), float(values.mean()), float(hits.mean()), tuple(table))


def softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    scaled = np.asarray(values, dtype=float) / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def log_loss(raw: np.ndarray, truth: Sequence[int], temperature: float) -> float:
    shares = softmax(raw, temperature)
    picked = shares[np.arange(len(truth)), np.asarray(truth, dtype=int)]
    return float(-np.log(np.maximum(picked, 1e-12)).mean())


def fit_temperature(raw: np.ndarray, truth: Sequence[int], temperatures: Sequence[float] = TEMPERATURES) -> float:
    """The temperature with the smallest log loss of the right orientations (rows of raw scores, and
    the column of the right one in each)."""
    return min(temperatures, key=lambda temperature: (log_loss(raw, truth, temperature), temperature))


@dataclass(frozen=True)
class HeldOut:
    """The ECE of likelihoods whose temperature was fitted without the passages they are for."""

    ece: float  # mean over the repeats
    spread: float  # their standard deviation
    low: float
    high: float
    repeats: int
    folds: int


def held_out(raw: np.ndarray, truth: Sequence[int], folds: int = 5, repeats: int = 20, seed: int = 0) -> HeldOut:
    """Cross-fitted calibration: the passages are cut into `folds`; each fold's likelihoods come from
    the temperature fitted on the other folds; the ECE of all of them together, over `repeats` cuts."""
    raw = np.asarray(raw, dtype=float)
    truth = np.asarray(truth, dtype=int)
    count = len(truth)
    if count < folds:
        raise ValueError("held-out calibration needs at least one passage per fold")
    right = raw.argmax(axis=1) == truth
    values = []
    for repeat in range(repeats):
        order = np.random.RandomState(seed + repeat).permutation(count)
        shown = np.zeros(count)
        for fold in np.array_split(order, folds):
            rest = np.setdiff1d(order, fold)
            shown[fold] = softmax(raw[fold], fit_temperature(raw[rest], truth[rest])).max(axis=1)
        values.append(reliability(shown, right).ece)
    return HeldOut(float(np.mean(values)), float(np.std(values)), float(min(values)), float(max(values)), repeats,
                   folds)


def chance_ece(likelihoods: Sequence[float], draws: int = 200, seed: int = 0) -> tuple[float, float]:
    """What a perfectly calibrated model would show: the ECE (mean, standard deviation) when each
    suggestion is right with exactly its likelihood. On few passages this is far from zero, and an
    ECE cannot be read closer than it."""
    values = np.asarray(likelihoods, dtype=float)
    rng = np.random.RandomState(seed)
    found = [reliability(values, rng.random_sample(len(values)) < values).ece for _ in range(draws)]
    return float(np.mean(found)), float(np.std(found))
