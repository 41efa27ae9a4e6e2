"""Form fields shared by several areas, and the URL converter for ids."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField, ValidationError

# What a database integer column holds (SQLite and PostgreSQL BIGINT alike); a larger number typed
# into a form or a URL could never name a row, and would make the driver raise instead of answer.
LARGEST_ID = 2**63 - 1


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
