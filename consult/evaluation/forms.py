from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..i18n import localized
from ..models.evaluation import SCALE_VALUES
from .items import KIND_LABELS, SCALE_LABELS

OPEN_MAX = 5000


def field_name(item) -> str:
    return f"item_{item.id}"


def evaluation_form(items, **kwargs) -> FlaskForm:
    """A form with one field per active item: a 1-5 scale or an open text."""

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
        label = localized(item, "label").text
        if item.kind == "scale":
            field = RadioField(label, choices=[SelectChoice(value, SCALE_LABELS[value]) for value in SCALE_VALUES],
                               validators=[Optional()], validate_choice=True)
        else:
            field = TextAreaField(label, validators=[Optional(), Length(max=OPEN_MAX)])
        setattr(EvaluationForm, field_name(item), field)
    return EvaluationForm(**kwargs)


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind of question"), choices=[SelectChoice(key, label) for key, label in KIND_LABELS.items()],
                       validators=[InputRequired()])
    label_fr = TextAreaField(_l("Question in French"), validators=[Optional(), Length(max=1000)])
    label_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=1000)])
    active = BooleanField(_l("Asked in the evaluation"), default=True)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not (self.label_fr.data or "").strip() and not (self.label_en.data or "").strip():
            self.label_fr.errors = [*self.label_fr.errors, _l("Write the question in at least one language.")]
            return False
        return valid


class SettingsForm(FlaskForm):
    evaluation_delay_minutes = IntegerField(
        _l("Delay after a session ends before the evaluation is sent (minutes)"),
        validators=[DataRequired(), NumberRange(min=1, max=7 * 24 * 60)])
    readability_target = IntegerField(
        _l("Reading-ease target for public texts (0 to 100, higher is easier)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        description=_l("60 or more reads easily for most adults; plain-language texts aim for 70."))
