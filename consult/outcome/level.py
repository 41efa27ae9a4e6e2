"""Where a consultation sits on the participation continuum, said in plain words."""
from flask_babel import lazy_gettext as _l

from ..i18n import localized
from ..models import ConsultationOutcome
from ..models.items import PARTICIPATION_LEVELS

LEVEL_NAMES = {
    "information": _l("Information"),
    "consultation": _l("Consultation"),
    "collaboration": _l("Collaboration"),
    "partnership": _l("Partnership and co-construction"),
}
LEVEL_MEANINGS = {
    "information": _l("You were informed of the proposal; what you said could not change the decisions."),
    "consultation": _l("You were asked for your views; those who commissioned the consultation decide, and "
                       "this page tells what they did with each proposed change."),
    "collaboration": _l("You worked with the team on the options; your advice was followed as far as possible, "
                        "and any departure from it is explained."),
    "partnership": _l("You shared the decisions as partners, from the design of the consultation to its results."),
}


def level_choices():
    return [(level, LEVEL_NAMES[level]) for level in PARTICIPATION_LEVELS]


def level_name(outcome: ConsultationOutcome | None, lang: str | None = None) -> str:
    if outcome is None or not outcome.participation_level:
        return ""
    own = localized(outcome, "level_label", lang)
    return own.text or str(LEVEL_NAMES[outcome.participation_level])


def level_meaning(outcome: ConsultationOutcome | None) -> str:
    if outcome is None or not outcome.participation_level:
        return ""
    return str(LEVEL_MEANINGS[outcome.participation_level])
