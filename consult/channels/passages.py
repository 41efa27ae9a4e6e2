"""A passage placed on a topic that becomes a comment: the notes of a forum or an interview and the
excerpts of a written submission are the same thing. They share the form's language choice, the way
an edit records what changed, and the form fragment (templates/_shared/_passage_form.html); each
channel declares its own fields, because their labels and rules say what the passage is."""
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ..i18n import LANGUAGE_NAMES


class PassageForm(FlaskForm):
    """Base of a passage's form: a subclass declares `topic_id`, `language` and its text field."""

    def offer_languages(self, consultation, preferred: str | None = None) -> None:
        """The consultation's languages as choices; the preferred one (else the first) when nothing is chosen."""
        languages = consultation.language_list or ["fr", "en"]
        self.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in languages
                                 if code in LANGUAGE_NAMES]
        if not self.language.data:
            self.language.data = preferred if preferred in languages else languages[0]


def apply_changes(passage, values: dict) -> dict[str, tuple]:
    """Set each value that differs on the passage; {name: (before, after)} of what changed, for the audit."""
    changes = {}
    for name, value in values.items():
        before = getattr(passage, name)
        if before != value:
            changes[name] = (before, value)
            setattr(passage, name, value)
    return changes
