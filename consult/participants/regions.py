"""Where a participant lives: a Canadian province or territory, or another country.

Participant.region holds the two-letter code of a province or territory (services.REGIONS),
or, for anyone outside Canada, the ISO 3166-1 alpha-3 code of their country. Alpha-3 and not
alpha-2 because five alpha-2 country codes are also province codes (NL the Netherlands and
Newfoundland and Labrador, NU, PE, SK, YT): "NL" must mean one place only.

Country names come from the CLDR data shipped with Babel, in French and in English, so
people can type the name of their country in either language.
"""
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from flask_babel import lazy_gettext as _l

from ..i18n import LANGUAGES, current_language, translated_once
from .services import REGIONS

PROVINCE_NAMES = {
    "AB": _l("Alberta"),
    "BC": _l("British Columbia"),
    "MB": _l("Manitoba"),
    "NB": _l("New Brunswick"),
    "NL": _l("Newfoundland and Labrador"),
    "NS": _l("Nova Scotia"),
    "NT": _l("Northwest Territories"),
    "NU": _l("Nunavut"),
    "ON": _l("Ontario"),
    "PE": _l("Prince Edward Island"),
    "QC": _l("Quebec"),
    "SK": _l("Saskatchewan"),
    "YT": _l("Yukon"),
}
assert set(PROVINCE_NAMES) == set(REGIONS)

CANADA = "CAN"
# Codes CLDR keeps as aliases of a country that no longer exists under that code.
_HISTORIC_ALPHA3 = {"BUR", "DDR", "FXX", "TMP", "YMD", "ZAR"}
# Territories CLDR names that are not places someone lives in.
# XA and XB are CLDR's pseudo-locales ("Pseudo-Accents", "Pseudo-Bidi"), used to test translations.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "ZZ", "XA", "XB"}


def _fold(text: str) -> str:
    """"États-Unis", "etats unis" and "ÉTATS-UNIS" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if char.isalnum()).casefold()


@lru_cache(maxsize=1)
def _alpha2_to_alpha3() -> dict[str, str]:
    named = Locale.parse("en").territories
    mapping = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) != 3 or not alias.isalpha() or len(targets) != 1 or alias in _HISTORIC_ALPHA3:
            continue
        code = targets[0]
        if code in named and code not in _NOT_COUNTRIES:
            mapping.setdefault(code, alias)
    return mapping


@lru_cache(maxsize=len(LANGUAGES))
def _country_names(lang: str) -> dict[str, str]:
    """{alpha-3: name in lang} for every country CLDR names, Canada included."""
    territories = Locale.parse(lang).territories
    alpha3 = _alpha2_to_alpha3()
    return {alpha3[code]: name for code, name in territories.items() if code in alpha3}


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = {}
    for code2, code3 in _alpha2_to_alpha3().items():
        table[_fold(code2)] = code3
        table[_fold(code3)] = code3
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 2 and len(targets) == 1 and targets[0] in _alpha2_to_alpha3():
            table.setdefault(_fold(alias), _alpha2_to_alpha3()[targets[0]])  # "UK"
    for lang in LANGUAGES:
        for code3, name in _country_names(lang).items():
            table[_fold(name)] = code3
    return table


def country_names(lang: str | None = None) -> list[str]:
    """Names of the countries other than Canada, sorted, for suggestions in the country field."""
    names = _country_names(lang or current_language())
    return sorted((name for code, name in names.items() if code != CANADA), key=_fold)


def find_country(text: str) -> str | None:
    """The alpha-3 code of a country typed by name (French or English) or by ISO code."""
    folded = _fold(text)
    return _lookup().get(folded) if folded else None


def province_choices() -> list[tuple[str, str]]:
    """(code, name) of the provinces and territories, sorted by their name in the current language."""
    return list(_province_choices())


@translated_once
def _province_choices() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, str(PROVINCE_NAMES[code])) for code in REGIONS), key=lambda item: _fold(item[1])))


def region_name(code: str) -> str:
    """What a stored region code means, in the current language: "Quebec", "France"."""
    if code in PROVINCE_NAMES:
        return str(PROVINCE_NAMES[code])
    return _country_names(current_language()).get(code, code)
