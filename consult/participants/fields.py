"""Form fields that identify a participant, shared by the forum, questionnaire, submission and "my data" forms."""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..i18n import current_language
from . import regions
from .services import InvalidEmail, normalise_email

# The region choice of someone who lives outside Canada and gives their country instead.
OUTSIDE_CANADA = "outside"


# Zero-width non-joiner and joiner are part of how Persian and Indic names and emoji sequences are written.
JOINERS = frozenset("\u200c\u200d")


def single_line(value):
    """Names go into emails: no line breaks, control or direction characters that could forge a message."""
    if not isinstance(value, str):
        return value
    return " ".join("".join(" " if unicodedata.category(char).startswith("C") and char not in JOINERS else char
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
    return StringField(_l("Organization (optional)"), validators=[Optional(), Length(max=300)],
                       description=description, filters=[single_line], render_kw={"autocomplete": "organization"})


def valid_email(form, field) -> None:
    """A form's `validate_email`: an address mail can be sent to (an empty one is left to DataRequired)."""
    if field.data:
        try:
            normalise_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(_l("Enter a valid email address, such as name@example.org.")) from error


def profile_answers(participant) -> dict:
    """What a participant answered to the profile questions, as the data of a form where they correct it."""
    data = {"name": participant.name, "organisation": participant.organisation,
            "preferred_language": participant.preferred_language or current_language()}
    if participant.category_id:
        data["category"] = str(participant.category_id)
    if participant.region in dict(regions.province_choices()):
        data["region"] = participant.region
    elif participant.region:
        data["region"], data["country"] = OUTSIDE_CANADA, regions.region_name(participant.region)
    return data
