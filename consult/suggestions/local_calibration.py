"""Likelihoods fitted to one consultation: how often its analysts found the first suggestion right.

The fixed temperature (`calibration.py`) makes likelihoods honest on text like the development
set's; a consultation whose comments are closer to, or further from, its structure's words needs
them sharper or flatter. Every first suggestion that was stored before an analyst placed the comment
is a held-out judgement of the model: its likelihood, and whether the comment went there. The
likelihoods are rescaled on their log-odds, p' = σ(β · logit p + γ), with β and γ chosen by the
smallest log loss on those judgements plus a prior that pulls them towards β = 1, γ = 0 (the fixed
fit) with weight PRIOR_WEIGHT (each judgement adds about 0.2 to the curvature of the log loss, so
the prior counts as some sixty judgements): with few decisions little moves, with hundreds the
consultation's own figures take over. γ is needed because the first of many places can be right more
(or less) often than even a likelihood under one half says. The likelihood before rescaling is kept
with each suggestion ("base" in its reasons), so that a refit never learns from its own output.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from ..extensions import db
from ..models import Comment, CommentSuggestion, Consultation

# Fewer judgements than this and the fixed fit stays as it is: on 72 development passages a fit
# made the other 72's likelihoods no better (docs/suggestions.md).
MIN_DECISIONS = 50
# The weight of the prior on (log β)² + γ²; measured on the project's own passages: 6 took their
# calibration error from 0.30 to 0.17 (docs/suggestions.md).
PRIOR_WEIGHT = 6.0
# The most recent judgements read: enough to fit one number.
MAX_DECISIONS = 5_000
EDGE = 1e-6


@cache
def _grid():
    """(β, γ) candidates; numpy loads with the first fit, not with the app."""
    import numpy as np

    return np.exp(np.linspace(np.log(0.25), np.log(4.0), 41)), np.linspace(-2.5, 2.5, 51)


@dataclass(frozen=True)
class LocalFit:
    scale: float  # β; with γ = 0, 1 leaves the likelihoods as the fixed temperature makes them
    shift: float  # γ
    decisions: int  # judgements it was fitted on
    right: int  # of which the first suggestion was right


IDENTITY = LocalFit(1.0, 0.0, 0, 0)


def _logit(values):
    import numpy as np

    values = np.clip(values, EDGE, 1 - EDGE)
    return np.log(values / (1 - values))


def rescale(likelihood: float, fit: LocalFit) -> float:
    """The likelihood shown once the consultation's fit is applied."""
    if (fit.scale == 1.0 and fit.shift == 0.0) or likelihood <= 0.0:
        return likelihood
    value = min(max(likelihood, EDGE), 1 - EDGE)
    return 1.0 / (1.0 + math.exp(-(fit.scale * math.log(value / (1 - value)) + fit.shift)))


def fit_scale(likelihoods: Sequence[float], right: Sequence[bool], prior_weight: float = PRIOR_WEIGHT,
              minimum: int = MIN_DECISIONS) -> LocalFit:
    """β and γ with the smallest log loss of the judgements plus prior_weight · ((log β)² + γ²), on a
    grid."""
    import numpy as np

    scales, shifts = _grid()
    values = np.asarray(likelihoods, dtype=float)
    hits = np.asarray(right, dtype=bool)
    keep = values > 0
    values, hits = values[keep], hits[keep]
    if len(values) < minimum:
        return LocalFit(1.0, 0.0, int(len(values)), int(hits.sum()))
    # Judgements with the same log-odds (to 0.01) counted together: a few hundred distinct values at most.
    logits, where = np.unique(np.round(_logit(values), 2), return_inverse=True)
    right = np.bincount(where, weights=hits, minlength=len(logits))
    wrong = np.bincount(where, weights=~hits, minlength=len(logits))
    loss = np.empty((len(scales), len(shifts)))
    for row, scale in enumerate(scales):
        shown = scale * logits[None, :] + shifts[:, None]  # shifts x distinct log-odds
        loss[row] = (right * np.logaddexp(0.0, -shown) + wrong * np.logaddexp(0.0, shown)).sum(axis=1)
    cost = loss + prior_weight * (np.log(scales)[:, None] ** 2 + shifts[None, :] ** 2)
    best = np.unravel_index(np.argmin(cost), cost.shape)
    return LocalFit(float(scales[best[0]]), float(shifts[best[1]]), int(len(values)), int(hits.sum()))


def decisions(consultation: Consultation) -> tuple[list[float], list[bool]]:
    """The first suggestions of the comments people have since placed: likelihood before any
    rescaling, and whether the comment went to that place."""
    rows = db.session.execute(
        select(CommentSuggestion.score, CommentSuggestion.reasons, CommentSuggestion.topic_id, Comment.topic_id)
        .join(Comment, Comment.id == CommentSuggestion.comment_id)
        .where(Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(True),
               CommentSuggestion.rank == 1)
        .order_by(Comment.id.desc()).limit(MAX_DECISIONS)
    ).all()
    likelihoods, right = [], []
    for score, reasons, suggested, placed in rows:
        reasons = reasons if isinstance(reasons, dict) else {}
        if reasons.get("learned"):  # suggested again after it was placed: the model had learned it
            continue
        base = reasons.get("base")
        likelihoods.append(float(base if isinstance(base, (int, float)) else score))
        right.append(suggested == placed)
    return likelihoods, right


def fit_for(consultation: Consultation) -> LocalFit:
    return fit_scale(*decisions(consultation))
