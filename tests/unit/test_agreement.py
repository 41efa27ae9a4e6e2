"""Agreement between the main codes and a second coder's blind codes, against figures computed by hand."""
import pytest

from consult.analysis.agreement import (
    UNDEFINED_NO_COMMENTS,
    UNDEFINED_NO_VARIATION,
    Table,
    agreement,
    cohen_kappa,
)

A, B = "PRECISER", "INCLURE"


def ten_comments():
    """Ten comments coded by both coders with two codes, A and B.

    Code A: both applied it to comments 1-4, only the main coder to 5, only the second coder to 6,
    neither to 7-10.
        p_o = (4 + 4) / 10 = 0.8
        main applied it to 5 of 10 (0.5), second to 5 of 10 (0.5)
        p_e = 0.5 × 0.5 + 0.5 × 0.5 = 0.5
        κ = (0.8 − 0.5) / (1 − 0.5) = 0.6

    Code B: both applied it to comments 1-2, only the main coder to 3-4, neither to 5-10.
        p_o = (2 + 6) / 10 = 0.8
        main 4 of 10 (0.4), second 2 of 10 (0.2)
        p_e = 0.4 × 0.2 + 0.6 × 0.8 = 0.08 + 0.48 = 0.56
        κ = (0.8 − 0.56) / (1 − 0.56) = 0.24 / 0.44 = 0.5454…

    Pooled (20 decisions): both 6, main only 3, second only 1, neither 10.
        p_o = 16 / 20 = 0.8
        main 9 of 20 (0.45), second 7 of 20 (0.35)
        p_e = 0.45 × 0.35 + 0.55 × 0.65 = 0.1575 + 0.3575 = 0.515
        κ = (0.8 − 0.515) / (1 − 0.515) = 0.285 / 0.485 = 0.5876…

    Comments with the same two sets of codes: 1, 2, 7, 8, 9, 10 → 6 of 10.
    """
    pairs = []
    for number in range(1, 11):
        main, second = set(), set()
        if number <= 5:
            main.add(A)
        if number <= 4 or number == 6:
            second.add(A)
        if number <= 4:
            main.add(B)
        if number <= 2:
            second.add(B)
        pairs.append((main, second))
    return pairs


def test_figures_per_code_match_the_hand_computed_example():
    result = agreement(ten_comments(), [A, B])
    assert result.tables[A] == Table(both=4, main_only=1, second_only=1, neither=4)
    assert result.tables[A].percent_agreement == pytest.approx(80.0)
    assert result.tables[A].kappa == pytest.approx(0.6)
    assert result.tables[B] == Table(both=2, main_only=2, second_only=0, neither=6)
    assert result.tables[B].percent_agreement == pytest.approx(80.0)
    assert result.tables[B].kappa == pytest.approx(0.24 / 0.44)


def test_overall_figures_pool_every_decision():
    result = agreement(ten_comments(), [A, B])
    assert result.overall == Table(both=6, main_only=3, second_only=1, neither=10)
    assert result.overall.percent_agreement == pytest.approx(80.0)
    assert result.overall.kappa == pytest.approx(0.285 / 0.485)
    assert result.comments == 10
    assert result.identical == 6
    assert result.identical_percent == pytest.approx(60.0)


def test_codes_default_to_those_either_coder_applied():
    result = agreement([({A}, set()), (set(), set())])
    assert list(result.tables) == [A]


def test_kappa_is_undefined_without_variation():
    # Both coders applied the code to every comment: perfect agreement, but nothing beyond chance to measure.
    table = Table(both=5)
    assert table.percent_agreement == 100
    assert cohen_kappa(table) is None
    assert table.undefined_reason == UNDEFINED_NO_VARIATION
    # Neither applied it anywhere: the same.
    assert Table(neither=7).kappa is None


def test_kappa_is_undefined_without_comments():
    table = agreement([], [A]).tables[A]
    assert table.n == 0
    assert table.percent_agreement is None
    assert table.kappa is None
    assert table.undefined_reason == UNDEFINED_NO_COMMENTS


def test_one_coder_constant_gives_a_kappa_of_zero_not_undefined():
    # The main coder applied the code everywhere, the second coder on half: p_e = 0.5, p_o = 0.5 → κ = 0.
    table = Table(both=2, main_only=2)
    assert table.kappa == pytest.approx(0.0)
    assert table.undefined_reason is None


def test_complete_disagreement_gives_a_negative_kappa():
    assert Table(main_only=3, second_only=3).kappa == pytest.approx(-1.0)
