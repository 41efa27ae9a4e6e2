"""The evaluation's figures checked against a hand computation on a small labelled file, and the
calibration of likelihoods on fixed examples."""
import json
import re

import pytest

from consult.extensions import db
from consult.suggestions.calibration import chance_ece, fit_temperature, held_out, reliability
from tests.factories import consultation_of, make_comment

SLUG = "politique-premiere-ligne-2025"
FEE = ("Le paiement à l'acte pousse les médecins à multiplier les visites courtes ; une rémunération "
       "par capitation ajustée selon la lourdeur des patients serait plus juste.")
EMR = "Electronic medical records in clinics cannot exchange data with hospital systems, so tests are repeated."
# Six passages, and what the structure alone makes of each (first suggestion, its theme):
PASSAGES = [
    # 4.2 first with theme 4.2.T4: orientation and theme right.
    {"text": FEE, "orientation": "4.2", "theme": "4.2.T4", "language": "fr"},
    # 5.1 first, 4.1 second (with theme 4.1.T1): top-3 only; the theme, named here by its name, is missed.
    {"text": EMR, "orientation": "4.1", "theme": "Interopérabilité & cybersécurité", "language": "en"},
    # 4.2 first with theme 4.2.T3: right.
    {"text": "La rémunération à l'acte des médecins de famille devrait céder la place à la capitation.",
     "orientation": "4.2", "theme": "4.2.T3", "language": "fr"},
    # 4.3 first with theme 4.3.T2: right.
    {"text": "Il manque d'infirmières partout : le recrutement et la rétention du personnel passent par de "
             "meilleures conditions.", "orientation": "4.3", "theme": "4.3.T2", "language": "fr"},
    # 2.1 first, but with theme 2.1.T1: orientation right, theme wrong.
    {"text": "Les pairs aidants apportent un savoir expérientiel que l'équipe de soins devrait reconnaître.",
     "orientation": "2.1", "theme": "2.1.T2", "language": "fr"},
    # Labelled 5.4 although it speaks of digital tools: 4.1 first, 5.4 not among the three.
    {"text": "Patients should be able to book appointments online and see their test results in a secure "
             "digital portal.", "orientation": "5.4", "language": "en"},
]


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("CONSULT_LANG", "en")


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in PASSAGES), encoding="utf-8")
    return path


def _row(output: str, start: str) -> list[str]:
    line = next(line for line in output.splitlines() if re.match(start, line))
    return re.findall(r"\d+(?:\.\d+)?(?: ± \d+\.\d+)? %|—|\b\d\.\d{3}\b", line)


def test_the_figures_of_a_small_file_are_those_computed_by_hand(runner, demo, english, labelled):
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(labelled), "--consultation", SLUG,
                                 "--draws", "2"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "6 passages (en 2, fr 4) on 5 orientations, 5 with a theme; examples drawn 2 times" in out
    # Zero-shot: right first 4 of 6, among three 5 of 6; themes first 3 of 5 (passages 1, 3, 4), and no
    # other theme among the three suggestions of passages 2 and 5.
    assert _row(out, r"suggestions\s+0\s+6\s")[:4] == ["66.7 %", "83.3 %", "60.0 %", "60.0 %"]
    # French: 4 of 4 first; English: none first, passage 2 among three (1 of 2); 3 of 3 French themes, 0 of 1.
    assert _row(out, r"suggestions\s+0 \(fr\)\s+4\s")[:4] == ["100.0 %", "100.0 %", "75.0 %", "75.0 %"]
    assert _row(out, r"suggestions\s+0 \(en\)\s+2\s")[:4] == ["0.0 %", "50.0 %", "0.0 %", "0.0 %"]
    # Only 4.2 has two passages: one is an example, the other scored; every other orientation keeps its
    # single passage to be scored. Five passages scored in each draw, whatever k.
    for k in ("1", "3", "5"):
        assert re.search(rf"^suggestions\s+{k}\s+5\s", out, re.M), k
    # Per top-level node: under 4, passages 1-4 (3 first, 4 among three); under 2 passage 5; under 5 passage 6.
    assert re.search(r"^suggestions\s+0\s+under 4\s+4\s+75.0 %\s+100.0 %", out, re.M)
    assert re.search(r"^suggestions\s+0\s+under 2\s+1\s+100.0 %\s+100.0 %", out, re.M)
    assert re.search(r"^suggestions\s+0\s+under 5\s+1\s+0.0 %\s+0.0 %", out, re.M)
    # The two mistakes, each once.
    confusion = out.split("taken for another")[1].split("Reliability")[0]
    assert re.findall(r"^(\d\.\d)\s+(\d\.\d)\s+(\d+)\s*$", confusion, re.M) == [("4.1", "5.1", "1"),
                                                                              ("5.4", "4.1", "1")]
    # Calibration: the ECE printed is the weighted gap of the table printed under it.
    block = out.split("Reliability of the first suggestion (suggestions, 0)")[1].split("Reliability")[0]
    ece = float(re.search(r"calibration error (\d\.\d{3})", block).group(1))
    bins = re.findall(r"^\d+–\d+ %\s+(\d+)\s+([\d.]+) %\s+([\d.]+) %", block, re.M)
    assert sum(int(count) for count, _, _ in bins) == 6
    by_hand = sum(int(count) / 6 * abs(float(mean) - float(right)) / 100 for count, mean, right in bins)
    assert ece == pytest.approx(by_hand, abs=0.002)
    assert "right 66.7 %" in block
    # Held out: 5 folds of the 6 passages, the temperature of each fitted on the other folds.
    assert re.search(r"Calibration held out \(without examples\): temperature fitted on 4 folds of 5, likelihoods "
                     r"of the fold left out, over 20 cuts: calibration error \d\.\d{3} ± \d\.\d{3}", out)
    assert re.search(r"perfectly calibrated model .* calibration error of \d\.\d{3} ± \d\.\d{3}", out)


def test_the_live_model_learns_from_the_comments_placed(app, runner, demo, english, labelled):
    with app.app_context():
        consultation = consultation_of(SLUG)
        for text in ("Portail patient en ligne : prendre rendez-vous et voir ses résultats d'analyses.",
                     "Online booking of appointments and test results in a patient portal."):
            make_comment(consultation, text, topic="5.4", channel="submission", topic_confirmed=True)
        make_comment(consultation, PASSAGES[0]["text"], topic="4.2", channel="submission", topic_confirmed=True)
        db.session.commit()
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(labelled), "--consultation", SLUG,
                                 "--draws", "1", "--with-placed"])
    assert result.exit_code == 0, result.output
    # The placed copy of passage 1 is left out: a passage is never scored by a model that learned it.
    live = _row(result.output, r"live model\s+2 placed\s+6\s")
    zero = _row(result.output, r"suggestions\s+0\s+6\s")
    assert live[:2] != zero[:2]
    assert float(live[1].split()[0]) > float(zero[1].split()[0])  # passage 6 is now found among three


def test_calibration_on_a_fixed_example():
    # Bins (0.9, 1]: 0.95 right -> gap 0.05; (0.8, 0.9]: 0.85 right, 0.82 wrong -> mean 0.835, half right,
    # gap 0.335; (0.3, 0.4]: 0.35 right, 0.31 wrong -> mean 0.33, gap 0.17; [0, 0.1]: 0.05 wrong -> 0.05.
    # ECE = (1 x 0.05 + 2 x 0.335 + 2 x 0.17 + 1 x 0.05) / 6 = 1.11 / 6 = 0.185.
    found = reliability([0.95, 0.85, 0.82, 0.35, 0.31, 0.05], [True, True, False, True, False, False])
    assert found.ece == pytest.approx(0.185)
    assert found.count == 6 and found.accuracy == pytest.approx(0.5)
    assert [(item.count, item.accuracy) for item in found.bins if item.count] == [(1, 0.0), (2, 0.5), (2, 0.5),
                                                                                (1, 1.0)]
    assert found.bins[8].likelihood == pytest.approx(0.835)
    assert reliability([0.7] * 10, [True] * 7 + [False] * 3).ece == pytest.approx(0.0)
    with pytest.raises(ValueError):
        reliability([], [])


def test_the_temperature_makes_the_likelihood_match_how_often_it_is_right():
    # The first of two orientations leads by 0.3 and is right 3 times in 4: the log loss is smallest when
    # its likelihood is 3/4, 1 / (1 + exp(-0.3 / T)) = 0.75, T = 0.3 / ln 3 = 0.273.
    raw = [[0.3, 0.0]] * 4
    assert fit_temperature(__import__("numpy").asarray(raw), [0, 0, 0, 1]) == pytest.approx(0.273, abs=0.003)


def test_what_a_perfectly_calibrated_model_would_show_on_few_passages():
    # Always right at 100 %: no gap at all. At 50 % on 100 passages, the share right is binomial: the
    # expected gap |0.5 - share| is sqrt(0.25 / 100) x sqrt(2 / pi) = 0.0399.
    assert chance_ece([1.0] * 30) == (0.0, 0.0)
    mean, spread = chance_ece([0.5] * 100, draws=2000)
    assert mean == pytest.approx(0.0399, abs=0.004)
    assert spread > 0.02


def test_held_out_calibration_fits_the_temperature_without_the_fold_it_scores():
    import numpy as np

    # Every passage alike and always right: each fold's temperature is the smallest tried (0.05), so the
    # likelihood shown is 1 / (1 + exp(-0.3 / 0.05)) = 0.9975 and the gap 0.0025, in every cut.
    found = held_out(np.asarray([[0.3, 0.0]] * 10), [0] * 10, folds=5, repeats=3)
    assert found.ece == pytest.approx(0.0025, abs=0.0002) and found.spread == pytest.approx(0.0, abs=1e-9)
    # Right 3 times in 4 overall, but the folds differ: held out, the gap is larger than when the
    # temperature is fitted on every passage (where it is 0, as above).
    truth = [0, 0, 0, 1] * 5
    raw = np.asarray([[0.3, 0.0]] * 20)
    assert reliability(np.full(20, 0.75), [value == 0 for value in truth]).ece == pytest.approx(0.0)
    assert held_out(raw, truth, folds=5, repeats=10).ece > 0.02
    with pytest.raises(ValueError):
        held_out(raw[:3], truth[:3], folds=5)
