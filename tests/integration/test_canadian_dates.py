"""Dates and times read as a Québec French or Canadian English editor writes them, in the
consultation's zone, with no seconds and no UTC offset."""
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from consult.web import local_date, local_datetime

MONTREAL = ZoneInfo("America/Montreal")
MOMENT = datetime(2026, 12, 6, 19, 30, tzinfo=timezone.utc)  # 14:30 in Montréal


@pytest.mark.parametrize(("lang", "fmt", "expected"), [
    ("fr", "long", "6 décembre 2026 à 14 h 30"),
    ("en", "long", "December 6, 2026 at 2:30 p.m."),
    ("fr", "medium", "6 déc. 2026, 14 h 30"),
    ("en", "medium", "Dec 6, 2026, 2:30 p.m."),
    ("en", "short", "2026-12-06, 2:30 p.m."),
])
def test_moments_in_canadian_formats(app, lang, fmt, expected):
    with app.test_request_context(f"/?lang={lang}"):
        shown = local_datetime(MOMENT, MONTREAL, fmt)
        clock = shown.rsplit(", " if fmt != "long" else (" à " if lang == "fr" else " at "), 1)[-1]
        assert " " not in clock, f"a line could split the time {clock!r}"
        assert shown.replace("\u00a0", " ").replace("\u202f", " ") == expected
        assert local_date(MOMENT, MONTREAL) == ("6 décembre 2026" if lang == "fr" else "December 6, 2026")


@pytest.mark.parametrize(("hour", "minute", "expected"), [(1, 17, "1 h 17"), (9, 0, "9 h"), (0, 5, "0 h 05"),
                                                         (14, 30, "14 h 30")])
def test_french_hours_have_no_leading_zero(app, hour, minute, expected):
    moment = datetime(2026, 12, 7, hour, minute, tzinfo=MONTREAL)
    with app.test_request_context("/?lang=fr"):
        shown = local_datetime(moment, MONTREAL, "long").replace("\u00a0", " ")
    assert shown == f"7 décembre 2026 à {expected}"


def test_session_times_use_the_canadian_clock(app, client, demo):
    from consult.demo.forums import add_demo_forums
    from consult.extensions import db
    from tests.factories import consultation_of

    with app.app_context():
        consultation = consultation_of(demo)
        add_demo_forums(consultation, datetime.now(timezone.utc).date())
        db.session.commit()
    english = client.get(f"/consultations/{demo}/forums/?lang=en").get_data(as_text=True)
    french = client.get(f"/consultations/{demo}/forums/?lang=fr").get_data(as_text=True)
    assert "p.m." in english and " PM" not in english
    shown = re.sub(r"<[^>]+>", " ", french.split("<main", 1)[-1]).replace("\u00a0", " ")
    assert re.search(r"\b12 h – 13 h 30\b", shown) and not re.search(r"\d:\d\d", shown)
