"""Amounts as people type them, read into cents: decimals with a comma or a period, thousands grouped by
spaces, commas or periods, and nothing else."""
import pytest

from consult.partners.money import BadAmount, parse_cents


@pytest.mark.parametrize("typed, cents", [
    ("12,50", 1250), ("12.50", 1250), ("12.50 $", 1250), ("1,5", 150), ("0,5", 50), ("100", 10000),
    ("1 250", 125000), ("1,000", 100000), ("1.000", 100000), ("1,000.50", 100050), ("1.000,50", 100050),
    ("1\u00a0000,75", 100075), ("12.345", 1234500)])
def test_an_amount_is_read_as_people_write_it(typed, cents):
    assert parse_cents(typed) == cents


@pytest.mark.parametrize("typed, code", [
    ("abc", "format"), ("1e5", "format"), ("NaN", "format"), ("1,2,3", "format"), ("0.125", "format"),
    ("", "format"), ("-5", "negative"), ("9" * 40, "absurd"), ("9" * 40 + ",5", "absurd")])
def test_an_amount_that_cannot_be_one_is_refused_with_its_reason(typed, code):
    with pytest.raises(BadAmount) as refused:
        parse_cents(typed)
    assert refused.value.code == code
