"""What each prompt of a questionnaire asks, as the builder, the analysis rows and the exports name it.
Its own module so that analysis and exports need not import the questionnaire's forms."""
from flask_babel import lazy_gettext as _l

PROMPT_NAMES = {
    "liked": _l("What they like"),
    "disliked": _l("What they dislike"),
    "unclear": _l("What is unclear"),
    "adjust": _l("What should be adjusted"),
    "missing": _l("What is missing"),
}
