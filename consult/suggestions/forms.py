"""Forms of the suggestion review. The many small forms of a page are written out in `_item.html`;
these classes parse and check what they send."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Optional

from ..form_fields import IdField


class ItemForm(FlaskForm):
    """What every action on a comment sends: its revision as the page showed it, and where to go back."""

    revision = IdField(validators=[InputRequired()])
    next = HiddenField()


class AcceptForm(ItemForm):
    """A suggestion accepted (its orientation and theme), or another place picked from the list."""

    topic_id = IdField(_l("Another place"),
                            validators=[InputRequired(message=_l("Choose where the comment goes."))])
    theme_id = IdField(validators=[Optional()])


class DismissForm(ItemForm):
    pass


class SuggestForm(FlaskForm):
    next = HiddenField()


class ComputeForm(FlaskForm):
    everything = BooleanField(_l("Also suggest again for comments already suggested (with what was learned since)"))
