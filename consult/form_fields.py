"""Form parts shared by several areas (fields, the confirmation form) and the URL converter for ids.
The participant's own questions live in participants/forms.py."""
from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from werkzeug.routing import IntegerConverter
from wtforms import DateField, IntegerField, TimeField, ValidationError

# What a database integer column holds (SQLite and PostgreSQL BIGINT alike); a larger number typed
# into a form or a URL could never name a row, and would make the driver raise instead of answer.
LARGEST_ID = 2**63 - 1


def shown_language_field(form, name: str):
    """`<name>_fr`, or `<name>_en` when the page does not ask for French (an English-only consultation): where
    an error about a text missing in every language goes, so that it stands next to a field the page shows."""
    asked = g.get("languages_asked") or ()
    return form[f"{name}_en"] if asked and "fr" not in asked else form[f"{name}_fr"]


def optional_int(value):
    """Coerce of a select whose first choice is "none": its empty value is None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class IdField(IntegerField):
    """The id of a row (or a revision number) sent back by a page: a whole number the database can hold."""

    def pre_validate(self, form):
        if self.data is not None and not 0 <= self.data <= LARGEST_ID:
            self.data = None
            raise ValidationError(_l("This number is not one of the choices offered."))


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id larger than the database can hold is a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class _CSRFWithoutId(_FlaskFormCSRF):
    """The hidden CSRF field of every form, written without an id: a page with several forms would otherwise
    repeat id="csrf_token", and no page may repeat an id."""

    def setup_form(self, form):
        fields = super().setup_form(form)
        for _name, unbound in fields:
            unbound.kwargs["render_kw"] = {**unbound.kwargs.get("render_kw", {}), "id": False}
        return fields


FlaskForm.Meta.csrf_class = _CSRFWithoutId
class _ClearMessages:
    """Parsing errors in our own words (and translated), and no error for an empty value:
    the required-field validator then says what to do."""

    parse_message = _l("This value is not valid.")

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(str(self.parse_message)) from error


class DayField(_ClearMessages, DateField):
    parse_message = _l("Enter a date such as 2026-05-12.")


class ClockField(_ClearMessages, TimeField):
    parse_message = _l("Enter a time such as 13:30.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H:%M:%S"])
        super().__init__(*args, **kwargs)


class WholeNumberField(_ClearMessages, IntegerField):
    parse_message = _l("Enter a whole number.")


class ConfirmForm(FlaskForm):
    """A confirmation step or a button with nothing to fill in: the form carries the CSRF token."""
