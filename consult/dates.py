"""Dates and times as Québec French and Canadian English write them: "le 6 décembre 2026 à 14 h 30",
"December 6, 2026 at 2:30 p.m.", never seconds or a UTC offset.

Babel's fr_CA and en_CA data give the words and the clock ("14 h 30", "2:30 p.m."); the long form joins
date and time as an editor would ("à", "at") instead of CLDR's comma, seconds and zone name, and the
first of the month is "1er" in French.
"""
import re
from datetime import date, datetime

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from flask_babel import get_locale, get_timezone

from .i18n import DEFAULT_LANGUAGE

REGIONAL = {"fr": "fr_CA", "en": "en_CA"}
JOINERS = {"fr": "{date} à {time}", "en": "{date} at {time}"}


def regional_locale(language: str | None = None) -> str:
    """The Canadian variant of the interface language (or of `language`): "fr_CA" or "en_CA"."""
    if language is None:
        locale = get_locale()
        language = locale.language if locale else DEFAULT_LANGUAGE
    return REGIONAL.get(language, REGIONAL[DEFAULT_LANGUAGE])


def _local(value: datetime, tz):
    return value.astimezone(tz or get_timezone())


def format_day(value: date | datetime, fmt: str = "long", tz=None, language: str | None = None) -> str:
    """"6 décembre 2026", "December 6, 2026"; fmt is a Babel width (short, medium, long, full)."""
    if isinstance(value, datetime):
        value = _local(value, tz)
    locale = regional_locale(language)
    written = babel_date(value, fmt, locale=locale)
    if value.day == 1 and locale.startswith("fr") and fmt != "short":
        # French writes the first of the month as an ordinal: "1er décembre", not "1 décembre".
        written = re.sub(r"(?<!\d)1(?=[ \u00a0])", "1er", written, count=1)
    return written


def format_clock(value: datetime, tz=None, language: str | None = None) -> str:
    """"14 h 30", "12 h", "2:30 p.m.", with no-break spaces so that a line never splits a time."""
    clock = babel_time(_local(value, tz), "short", locale=regional_locale(language)).replace(" ", "\u00a0")
    # Québec writes the hour without a leading zero ("9 h 05", not "09 h 05"), and alone when the minutes
    # are zero: "12 h", not "12 h 00".
    if len(clock) > 1 and clock[0] == "0" and clock[1].isdigit():
        clock = clock[1:]
    return clock.removesuffix("\u00a0h\u00a000") + "\u00a0h" if clock.endswith("\u00a0h\u00a000") else clock


def format_moment(value: datetime | None, fmt: str = "long", tz=None, language: str | None = None) -> str:
    """A date and its time: "6 décembre 2026 à 14 h 30" (long, full), "6 déc. 2026, 14 h 30" (medium),
    "2026-12-06, 14 h 30" (short)."""
    if value is None:
        return ""
    locale = regional_locale(language)
    day, clock = format_day(value, fmt, tz, language), format_clock(value, tz, language)
    if fmt in ("long", "full"):
        return JOINERS[locale[:2]].format(date=day, time=clock)
    return f"{day}, {clock}"
