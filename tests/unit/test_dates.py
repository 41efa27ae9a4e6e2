"""Dates as Québec French and Canadian English write them."""
from datetime import date, datetime, timezone

import pytest

from consult.dates import format_day, format_moment


@pytest.mark.parametrize("fmt, french", [
    ("medium", "1er déc. 2026"), ("long", "1er décembre 2026"), ("full", "mardi 1er décembre 2026")])
def test_the_first_of_the_month_is_an_ordinal_in_french_only(fmt, french):
    assert format_day(date(2026, 12, 1), fmt, language="fr") == french
    assert format_day(date(2026, 12, 1), "short", language="fr") == "2026-12-01"
    assert format_day(date(2026, 12, 11), "long", language="fr") == "11 décembre 2026"
    assert format_day(date(2021, 1, 1), "long", language="en") == "January 1, 2021"


def test_a_moment_on_the_first_reads_1er_before_its_time():
    moment = datetime(2026, 12, 1, 19, 30, tzinfo=timezone.utc)
    assert format_moment(moment, "long", tz=timezone.utc, language="fr") == "1er décembre 2026 à 19\u00a0h\u00a030"
