"""Evaluation forms: the answer form a participant fills, and the staff question form (the builder's)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..form_fields import WholeNumberField
from ..i18n import localized
from ..models.evaluation import ITEM_KINDS
from ..questionnaires.copies import answer_text_of_option
from ..questionnaires.forms import KIND_CHOICES, QuestionForm, options_text


def field_name(item) -> str:
    return f"item_{item.id}"


def evaluation_form(items, **kwargs) -> FlaskForm:
    """A form with one field per active item: a scale of its options, or an open text."""

    class EvaluationForm(FlaskForm):
        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            if valid and not any((self[field_name(item)].data or "").strip() for item in items):
                first = self[field_name(items[0])] if items else None
                if first is not None:
                    first.errors = [*first.errors, _l("Answer at least one question before sending.")]
                return False
            return valid

    for item in items:
        label = localized(item, "label").text + (" " + _("(required)") if item.required else "")
        description = localized(item, "help").text
        needed = InputRequired(_l("Answer this question.")) if item.required else Optional()
        if item.is_scale:
            choices = [SelectChoice(option["value"], answer_text_of_option(option)) for option in item.options or []]
            field = RadioField(label, description=description, validators=[needed], validate_choice=True,
                               choices=choices)
        else:
            field = TextAreaField(label, description=description,
                                  validators=[needed, Length(max=item.max_length or 5000)])
        setattr(EvaluationForm, field_name(item), field)
    return EvaluationForm(**kwargs)


class EvaluationQuestionForm(QuestionForm):
    """The questionnaire builder's question form, with the kinds an evaluation asks and whether it is asked."""

    kind = SelectField(_l("Kind of question"), validate_choice=True,
                       choices=[choice for choice in KIND_CHOICES if choice.value in ITEM_KINDS])
    active = BooleanField(_l("Asked in the evaluation"), default=True)

    @classmethod
    def for_item(cls, item, **kwargs):
        """Editing an item: its kind is fixed, as in the builder. Adding one: the kind is chosen."""
        if item is not None:
            form = cls(item.kind, obj=item, **kwargs)
            del form.kind
            if not form.is_submitted() and "options" in form:
                form.options.data = options_text(item.options)
            return form
        form = cls(None, **kwargs)
        form.question_kind = form.kind.data if form.kind.data in ITEM_KINDS else None
        return form

    @property
    def values(self) -> dict:
        values = {**super().values, "active": bool(self.active.data)}
        if "kind" in self:
            values["kind"] = self.question_kind
            values.pop("options" if self.question_kind == "long_text" else "max_length", None)
        return values


def _a_week_at_most(form, field):
    # Said only of a whole number: anything else was already told "Enter a whole number."
    if field.data is not None and not 1 <= field.data <= 7 * 24 * 60:
        raise ValidationError(_l("The delay is between 1 and 10,080 minutes (a week)."))


class SettingsForm(FlaskForm):
    evaluation_delay_minutes = WholeNumberField(
        _l("Delay after a session ends before the evaluation is sent (minutes)"),
        validators=[InputRequired(message=_l("Enter the delay in minutes.")), _a_week_at_most])
    readability_target = IntegerField(
        _l("Reading-ease target for public texts (0 to 100, higher is easier)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        description=_l("60 or more reads easily for most adults; plain-language texts aim for 70."))
