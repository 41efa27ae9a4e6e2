"""Likelihoods fitted to one consultation from how often its analysts found the first suggestion right."""
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Comment, CommentSuggestion
from consult.suggestions import local_calibration, service
from consult.suggestions.local_calibration import IDENTITY, LocalFit, fit_scale, rescale
from tests.factories import consultation_of, make_comment, topic_of

SLUG = "politique-premiere-ligne-2025"


def test_rescaling_on_a_fixed_example():
    # logit(0.5) = 0, so the shown likelihood is σ(γ): σ(1) = 0.7311; logit(0.8) = ln 4, and with β = 0.5,
    # γ = 0: σ(0.5 ln 4) = σ(ln 2) = 2/3.
    assert rescale(0.5, LocalFit(1.0, 1.0, 0, 0)) == pytest.approx(0.7311, abs=1e-4)
    assert rescale(0.8, LocalFit(0.5, 0.0, 0, 0)) == pytest.approx(2 / 3)
    assert rescale(0.8, IDENTITY) == 0.8 and rescale(0.0, LocalFit(2.0, 1.0, 0, 0)) == 0.0


def test_a_consultation_whose_first_suggestions_are_more_often_right_than_shown_gets_higher_likelihoods():
    # 100 judgements shown at 40 %, 90 of them right: the fit raises 40 % towards what happened.
    fit = fit_scale([0.4] * 100, [True] * 90 + [False] * 10)
    assert fit.decisions == 100 and fit.right == 90
    assert 0.6 < rescale(0.4, fit) < 0.9
    # The prior holds it back: with no prior the fit reaches the 90 % seen.
    free = fit_scale([0.4] * 100, [True] * 90 + [False] * 10, prior_weight=0.0)
    assert rescale(0.4, free) == pytest.approx(0.9, abs=0.02)
    assert rescale(0.4, free) > rescale(0.4, fit)
    # And the other way: shown at 80 %, right 40 % of the time.
    assert rescale(0.8, fit_scale([0.8] * 200, [True] * 80 + [False] * 120)) < 0.6


def test_too_few_judgements_leave_the_likelihoods_as_they_are():
    fit = fit_scale([0.4] * (local_calibration.MIN_DECISIONS - 1), [True] * (local_calibration.MIN_DECISIONS - 1))
    assert (fit.scale, fit.shift) == (1.0, 0.0)


def test_the_live_model_shows_likelihoods_fitted_on_the_analysts_decisions(app, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        topic = topic_of(consultation, "4.2")
        # Sixty comments placed on 4.2 whose first suggestion, stored before, was 4.2 at 35 % (before any
        # rescaling): right every time.
        for number in range(60):
            comment = make_comment(consultation, f"Commentaire placé numéro {number} sur la rémunération.",
                                   topic="4.2", channel="forum", topic_confirmed=True)
            db.session.flush()
            db.session.add(CommentSuggestion(comment_id=comment.id, rank=1, topic_id=topic.id, score=0.35,
                                             reasons={"words": [], "comments": [], "base": 0.35}))
        fresh = make_comment(consultation, "Le paiement à l'acte pousse les médecins à multiplier les visites.",
                             channel="forum")
        db.session.commit()
        service.forget_models()
        scorer = service.scorer_for(consultation)
        assert scorer.local_fit.decisions == 60 and scorer.local_fit.right == 60
        assert scorer.local_fit.shift > 0
        service.suggest_rows(consultation, [(fresh.id, fresh.text)], scorer)
        db.session.commit()
        first = db.session.scalar(select(CommentSuggestion).where(CommentSuggestion.comment_id == fresh.id,
                                                                  CommentSuggestion.rank == 1))
        # What the analyst sees is higher than what the fixed temperature says, which is kept apart.
        assert first.score > first.reasons["base"]
        assert db.session.get(Comment, fresh.id).suggestion_score == pytest.approx(first.score)


def test_the_evaluation_shows_the_live_model_with_the_consultations_own_calibration(app, runner, demo, tmp_path,
                                                                                   monkeypatch):
    import json

    from tests.integration.test_suggestion_truth import PASSAGES

    monkeypatch.setenv("CONSULT_LANG", "en")
    labelled = tmp_path / "small.jsonl"
    labelled.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in PASSAGES), encoding="utf-8")
    with app.app_context():
        consultation = consultation_of(SLUG)
        right, wrong = topic_of(consultation, "4.2"), topic_of(consultation, "2.1")
        # Sixty first suggestions shown at 90 %, of which 18 were where the analyst placed the comment.
        for number in range(60):
            comment = make_comment(consultation, f"Note de forum numéro {number} sur la rémunération.",
                                   topic="4.2", channel="forum", topic_confirmed=True)
            db.session.flush()
            db.session.add(CommentSuggestion(comment_id=comment.id, rank=1, topic_id=(right if number < 18
                                                                                        else wrong).id,
                                             score=0.9, reasons={"words": [], "comments": [], "base": 0.9}))
        db.session.commit()
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(labelled), "--consultation", SLUG,
                                 "--draws", "1", "--with-placed"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "fitted to this consultation" in line)
    assert "from 60 first suggestions placed since (18 right)" in line
    shown = next(line for line in result.output.splitlines()
                 if line.startswith("Reliability of the first suggestion (live model"))
    plain = next(line for line in result.output.splitlines()
                 if line.startswith("Reliability of the first suggestion (suggestions, 0)"))
    # Over-confident judgements make the live model's likelihoods lower than the structure's alone.
    assert _mean_likelihood(shown) < _mean_likelihood(plain)


def _mean_likelihood(line: str) -> float:
    return float(re.search(r"mean likelihood (\d+\.\d) %", line).group(1))


def test_suggesting_again_for_a_placed_comment_is_not_counted_as_a_judgement(app, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        topic = topic_of(consultation, "4.2")
        placed = []
        for number in range(local_calibration.MIN_DECISIONS):
            comment = make_comment(consultation, f"Commentaire placé numéro {number} sur la rémunération.",
                                   topic="4.2", channel="forum", topic_confirmed=True)
            db.session.flush()
            db.session.add(CommentSuggestion(comment_id=comment.id, rank=1, topic_id=topic.id, score=0.35,
                                             reasons={"words": [], "comments": [], "base": 0.35}))
            placed.append(comment)
        db.session.commit()
        assert local_calibration.fit_for(consultation).decisions == local_calibration.MIN_DECISIONS
        # On demand, for a comment already placed: the model learned from it, so this says nothing.
        service.suggest_one(placed[0], None)
        db.session.commit()
        assert local_calibration.fit_for(consultation).decisions == local_calibration.MIN_DECISIONS - 1
