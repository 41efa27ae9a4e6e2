"""Numbers as the command line prints them, in its language: "66,7 %" and "0,8 s" in French,
"66.7 %" and "0.8 s" in English. Counts go through ngettext; these are the figures around them."""
from flask_babel import format_decimal

from .i18n import current_language


def decimal(value: float, places: int = 0) -> str:
    """`value` with exactly `places` decimals, in the command line's format."""
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def percent(value: float, places: int = 1, spread: float | None = None) -> str:
    """A share (0.667) as a percentage ("66,7 %"), with its spread when given ("66,7 ± 2,1 %")."""
    shown = decimal(100 * value, places)
    if spread:
        shown = f"{shown} ± {decimal(100 * spread, places)}"
    return f"{shown}{PERCENT_SPACE[current_language()]}%"


# French sets the sign apart with a no-break space; the English output has always kept a plain one.
PERCENT_SPACE = {"fr": "\u00a0", "en": " "}
