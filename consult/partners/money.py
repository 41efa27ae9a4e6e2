"""Amounts typed by people, read into integer cents (never floats) and shown back in the reader's locale."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from ..dates import regional_locale
from ..models.compensation import ABSURD_CENTS


class BadAmount(ValueError):
    """`code`: "format", "negative" or "absurd"."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


# Thousands grouped by commas or periods ("1,000", "1.250.000"): a sum of dollars has at most two
# decimals, so a separator followed by exactly three digits groups thousands, whatever the language.
GROUPED = re.compile(r"-?[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")


def _decimal_text(text: str) -> str:
    """The amount with a period for its decimals and no grouping ("1,000.50" and "1 000,50": "1000.50")."""
    if GROUPED.fullmatch(text):
        return text.replace(",", "").replace(".", "")
    last = max(text.rfind(","), text.rfind("."))
    if last == -1:
        return text
    whole, decimals = text[:last], text[last + 1:]
    grouping = "." if text[last] == "," else ","
    if grouping in decimals or (whole and not GROUPED.fullmatch(whole) and grouping in whole):
        raise BadAmount("format")
    return whole.replace(grouping, "") + "." + decimals


def parse_cents(raw: str) -> int:
    """"12,50", "12.50", "12.50 $", "1 250", "1,250" or "1 250,75" into cents."""
    text = (raw or "").replace("$", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    if not re.fullmatch(r"-?[\d.,]+", text):  # digits and separators only: no "1e5", "NaN" or "½"
        raise BadAmount("format")
    try:
        value = Decimal(_decimal_text(text))
    except InvalidOperation as error:
        raise BadAmount("format") from error
    if not value.is_finite():
        raise BadAmount("format")
    if value < 0:
        raise BadAmount("negative")
    if value * 100 > ABSURD_CENTS:  # before rounding: a number of forty digits is no amount to round
        raise BadAmount("absurd")
    if value != value.quantize(Decimal("0.01")):
        raise BadAmount("format")
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def plain(cents: int) -> str:
    """"12.50": the amount for a spreadsheet or a form field, without currency or grouping."""
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def shown(cents: int, language: str | None = None) -> str:
    """"12,50 $" or "$12.50", as the reader's (or `language`'s) locale writes Canadian dollars."""
    return format_currency(Decimal(cents) / 100, "CAD", locale=regional_locale(language))
