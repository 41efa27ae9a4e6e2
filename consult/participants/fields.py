"""Form fields that identify a participant, shared by the forum, questionnaire and submission forms."""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional


def single_line(value):
    """Names go into emails: no line breaks or control characters that could forge a message."""
    if not isinstance(value, str):
        return value
    return " ".join("".join(" " if unicodedata.category(char).startswith("C") else char
                            for char in value).split())


def name_field() -> StringField:
    return StringField(_l("Name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)],
                       filters=[single_line], render_kw={"autocomplete": "name"})


def email_field(description) -> EmailField:
    return EmailField(
        _l("Email address"),
        validators=[DataRequired(message=_l("Enter your email address.")),
                    Length(max=254, message=_l("An email address has at most 254 characters."))],
        description=description, render_kw={"autocomplete": "email", "spellcheck": "false"})


def organisation_field(description="") -> StringField:
    return StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=300)],
                       description=description, filters=[single_line], render_kw={"autocomplete": "organization"})
