"""The words of a comment row, translated once per worker and language: a list of 25 rows wrote the
same twenty labels 25 times, each through the template's translation call."""
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from markupsafe import Markup

from ..i18n import translated_once

WORDS = {
    "failed": _l("The change was not made: check the connection or reload the page (you may have to sign in "
                 "again), then try again."),
    "no_shortcut": _l("No code answers to this key on this comment."),
    "comment": _l("Comment"),
    "select": _l("Select"),
    "comment_number": _l("comment %(number)d"),
    "details_number": _l("details and actions, comment %(number)d"),
    "track": _l("Track"),
    "category": _l("Category"),
    "region": _l("Province or country"),
    "language": _l("Language"),
    "date": _l("Date"),
    "topic": _l("Topic"),
    "presumed": _l("presumed"),
    "no_topic": _l("No topic yet"),
    "hidden": _l("Hidden"),
    "flagged": _l("Flagged"),
    "needs_review": _l("Needs review"),
    "codes": _l("Codes:"),
    "stance": _l("Stance:"),
    "none_yet": _l("none yet"),
    "retired": _l("retired"),
    "apply": _l("Apply or remove a code"),
    "more": _l("More"),
    "details": _l("Details"),
    "question": _l("Question"),
    "origin": _l("Origin"),
    "open_actions": _l("Open the actions of this comment"),
    "detected": _l("read from the text"),
    "by_analyst": _l("corrected by an analyst"),
    "by_person": _l("chosen by the person"),
}


class RowTexts:
    """WORDS in the request's language, as attributes (`texts.comment`); as the templates' own
    translations, they are markup (a translator's apostrophe is written as typed)."""

    def __init__(self):
        for name, word in WORDS.items():
            setattr(self, name, Markup(str(word)))
        self.language_names = {"fr": pgettext("language named inside a sentence", "French"),
                               "en": pgettext("language named inside a sentence", "English")}


@translated_once
def row_texts() -> RowTexts:
    """WORDS in the request's language (shared between requests: nothing may change them)."""
    return RowTexts()
