"""Forms of the item pages and of the workspace's "add to item"."""
import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from ..form_fields import LARGEST_ID
from ..models.items import RESPONSES
from .decisions import RESPONSE_LABELS, DecisionInput
from .services import Statement

STATEMENT_MAX = 4000
REASON_MAX = 8000
MAX_COMMENTS = 500


class IdListField(Field):
    """Comment numbers, from checkboxes (one value each) or typed ("12, 45 78")."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data, self.invalid = [], False
        for value in valuelist:
            for part in re.split(r"[\s,;]+", value or ""):
                part = part.strip().lstrip("#")
                if not part:
                    continue
                if not part.isdigit() or int(part) > LARGEST_ID:
                    self.invalid = True
                    continue
                if int(part) not in self.data:
                    self.data.append(int(part))

    def process_data(self, value):
        self.data, self.invalid = list(value or []), False

    def pre_validate(self, form):
        if getattr(self, "invalid", False):
            raise ValidationError(_l("Comment numbers are whole numbers, separated by commas or spaces."))
        if len(self.data or []) > MAX_COMMENTS:
            raise ValidationError(ngettext("At most %(num)d comment at a time.", "At most %(num)d comments at a time.",
                                           MAX_COMMENTS))

    def _value(self):
        return ", ".join(str(number) for number in self.data or [])


def _drop_languages(form, consultation, *names):
    """Content fields only in the languages the consultation is held in."""
    held = consultation.language_list or ["fr"]
    for name in names:
        for lang in ("fr", "en"):
            if lang not in held:
                delattr(form, f"{name}_{lang}")


def _statement_given(form) -> bool:
    """At least one statement in the languages held; the error goes next to the first statement field."""
    fields = [field for field in (getattr(form, "statement_fr", None), getattr(form, "statement_en", None))
              if field is not None]
    if fields and not any((field.data or "").strip() for field in fields):
        fields[0].errors = [*fields[0].errors, _l("Write the statement of the item.")]
        return False
    return True


class ItemForm(FlaskForm):
    topic_id = SelectField(_l("Part of the proposal"), coerce=int, validate_choice=True)
    kind = SelectField(_l("Kind"), validate_choice=True)
    statement_fr = TextAreaField(_l("Statement in French"), validators=[Length(max=STATEMENT_MAX)])
    statement_en = TextAreaField(_l("Statement in English"), validators=[Length(max=STATEMENT_MAX)])
    comments = IdListField(_l("Supporting comments (numbers)"),
                           description=_l("The numbers shown on the comments, separated by commas. Optional."))

    @classmethod
    def for_consultation(cls, consultation, topics, kinds, **kwargs):
        form = cls(**kwargs)
        form.topic_id.choices = [SelectChoice(topic.id, label) for topic, label in topics]
        form.kind.choices = [SelectChoice(key, label) for key, label in kinds]
        _drop_languages(form, consultation, "statement")
        return form

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return _statement_given(self) and valid

    def statement(self):
        return Statement(fr=self.statement_fr.data or "" if hasattr(self, "statement_fr") else "",
                         en=self.statement_en.data or "" if hasattr(self, "statement_en") else "")


class AddCommentsForm(FlaskForm):
    comments = IdListField(_l("Comment numbers"), validators=[DataRequired()],
                           description=_l("The numbers shown on the comments in the workspace, separated by commas."))


class AddToItemForm(FlaskForm):
    """The workspace's selection: the checked comments, and the item they go to ("" for a new one)."""

    comment_ids = IdListField(_l("Selected comments"))
    item = SelectField(_l("Add the selected comments to"), validate_choice=True)
    next = HiddenField()


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge this item into"), coerce=int, validate_choice=True)


class SplitForm(FlaskForm):
    comment_ids = IdListField(_l("Comments the new item takes"))
    statement_fr = TextAreaField(_l("Statement of the new item in French"), validators=[Length(max=STATEMENT_MAX)])
    statement_en = TextAreaField(_l("Statement of the new item in English"), validators=[Length(max=STATEMENT_MAX)])

    @classmethod
    def for_consultation(cls, consultation, **kwargs):
        form = cls(**kwargs)
        _drop_languages(form, consultation, "statement")
        return form

    statement = ItemForm.statement

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return _statement_given(self) and valid


class MoveForm(FlaskForm):
    direction = SelectField(choices=[SelectChoice("up"), SelectChoice("down")], validate_choice=True)


class ActionForm(FlaskForm):
    """A button with nothing to type (remove a comment, publish...): the CSRF token is its only field."""


class DecisionForm(FlaskForm):
    response = RadioField(_l("Response"), choices=[SelectChoice(value, RESPONSE_LABELS[value]) for value in RESPONSES],
                          validators=[DataRequired(message=_l("Choose the response."))])
    reason_fr = TextAreaField(_l("Reason in French"), validators=[Length(max=REASON_MAX)])
    reason_en = TextAreaField(_l("Reason in English"), validators=[Length(max=REASON_MAX)])
    landing_fr = TextAreaField(_l("Where it landed, in French (the revised text)"), validators=[Length(max=REASON_MAX)])
    landing_en = TextAreaField(_l("Where it landed, in English (the revised text)"),
                               validators=[Length(max=REASON_MAX)])
    landing_url = StringField(_l("Link to the revised text"), validators=[
        Optional(), Length(max=500), URL(require_tld=False, message=_l("Give a whole address, starting with https://."))])

    @classmethod
    def for_consultation(cls, consultation, **kwargs):
        form = cls(**kwargs)
        _drop_languages(form, consultation, "reason", "landing")
        return form

    def validate_landing_url(self, field):
        # Only web addresses; said once when the address is not one at all.
        if field.data and not field.errors and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Give a whole address, starting with https://."))

    def values(self):
        def text(name):
            return getattr(self, name).data or "" if hasattr(self, name) else ""

        return DecisionInput(self.response.data, text("reason_fr"), text("reason_en"), text("landing_fr"),
                             text("landing_en"), self.landing_url.data or "")


class SupportSuggestedForm(FlaskForm):
    """An analyst's click on a proposed item: this comment supports it. Back to the page it came from."""

    comment_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=LARGEST_ID)])
    next = HiddenField()
