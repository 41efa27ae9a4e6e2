"""The benchmark of other learning methods (bench/suggestion_methods.py) measures the model as it is
exactly as `evaluate-suggestions` does, so that the figures of docs/suggestions.md compare like with
like, and each method it lists does change the model."""
import pytest
from sqlalchemy import select

from bench import suggestion_methods
from consult.extensions import db
from consult.models import Consultation
from consult.suggestions import corpus
from consult.suggestions.evaluation import evaluate, read_labelled


@pytest.fixture
def own_sets(app, demo):
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        docs = corpus.structure(consultation)
        yield (docs, read_labelled(suggestion_methods.OWN_CHECK, docs),
               read_labelled(suggestion_methods.OWN_POOL, docs))


def test_the_model_as_it_is_gives_the_evaluations_figures(own_sets):
    docs, passages, pool = own_sets
    measured = suggestion_methods.measure(docs, passages, (0, 3), 2, {}, pool)
    report = evaluate(docs, passages, shots=(3,), draws=2, pool=pool, baseline=False)
    for shots in (0, 3):
        figures = report.get("suggestions", shots)
        top1, _sd1, top3, _sd3, theme1, _sdt, ece, scored = measured[shots]
        assert (top1, top3, theme1) == pytest.approx((100 * figures.top1, 100 * figures.top3,
                                                      100 * figures.theme_top1))
        assert ece == pytest.approx(figures.ece) and scored == figures.passages == len(passages)


def test_self_training_learns_from_the_unplaced_comments(own_sets):
    docs, passages, _pool = own_sets
    texts = [passage.text for passage in passages]
    alone = suggestion_methods.Variant(docs, [], texts, {})
    trained = suggestion_methods.Variant(docs, [], texts, {"self_rounds": 1, "self_floor": 0.3, "self_weight": 1.0})
    without_pool = suggestion_methods.Variant(docs, [], [], {"self_rounds": 1})
    matrix = alone.vectorizer.transform(texts)
    assert abs(trained.scores(matrix) - alone.scores(matrix)).max() > 0.1
    assert abs(without_pool.scores(matrix) - alone.scores(matrix)).max() == 0
