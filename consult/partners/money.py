"""Amounts typed by people, read into integer cents (never floats) and shown back in the reader's locale."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from ..dates import regional_locale
from ..models.compensation import ABSURD_CENTS


class BadAmount(ValueError):
    """`code`: "format", "negative" or "absurd"."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def parse_cents(raw: str) -> int:
    """"12,50", "12.50", "12.50 $" or "1 250" into cents."""
    text = (raw or "").replace("$", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    text = text.replace(",", ".")
    if not text:
        raise BadAmount("format")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise BadAmount("format") from error
    if not value.is_finite():
        raise BadAmount("format")
    if value < 0:
        raise BadAmount("negative")
    cents = int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if cents > ABSURD_CENTS:
        raise BadAmount("absurd")
    return cents


def plain(cents: int) -> str:
    """"12.50": the amount for a spreadsheet or a form field, without currency or grouping."""
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def shown(cents: int, language: str | None = None) -> str:
    """"12,50 $" or "$12.50", as the reader's (or `language`'s) locale writes Canadian dollars."""
    return format_currency(Decimal(cents) / 100, "CAD", locale=regional_locale(language))
