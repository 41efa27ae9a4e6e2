"""Forms of the coding side of the workspace: the actions of a comment row, the second coder's
actions, the codebook, the topic memo and the assignment of samples. The row forms are written out
in `_comment.html` (many small forms per page); these classes parse and check what they send."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..form_fields import LARGEST_ID, IdField, shown_language_field
from ..models.analysis import STANCES
from . import codebook
from .second_coding import MAX_SAMPLE

REASON_MAX = 1000
MEMO_MAX = 50_000


def single_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class RowForm(FlaskForm):
    """What every row action sends: the comment's revision as the page showed it, and the list to go
    back to without JavaScript."""

    revision = IdField(validators=[InputRequired()])
    next = HiddenField()


class ToggleCodeForm(RowForm):
    code_id = IdField(validators=[Optional()])


class MoveForm(RowForm):
    topic_id = IdField(_l("Place in the proposal"), validators=[Optional()])


class LanguageForm(RowForm):
    language = SelectField(_l("Language"), choices=[SelectChoice("fr", "fr"), SelectChoice("en", "en")],
                           validate_choice=True)


class StanceForm(RowForm):
    stance = SelectField(_l("Stance"), choices=[SelectChoice(value, value) for value in STANCES], validate_choice=True)


class HideForm(RowForm):
    reason = StringField(_l("Why hide it (required)"), filters=[single_line],
                         validators=[DataRequired(message=_l("Say why the comment is hidden.")),
                                     Length(max=REASON_MAX)])


class FlagForm(RowForm):
    reason = StringField(_l("Why flag it (optional)"), filters=[single_line], validators=[Length(max=REASON_MAX)])


class BlindToggleForm(FlaskForm):
    code_id = IdField(validators=[Optional()])
    # The blind codes the page showed, "3,7": a toggle sent from an older page is refused.
    shown = HiddenField()
    next = HiddenField()


class DoneForm(FlaskForm):
    done = HiddenField()
    next = HiddenField()


# -- codebook -------------------------------------------------------------------------------------

class CodeForm(FlaskForm):
    label_fr = StringField(_l("Label in French"), filters=[single_line], validators=[Length(max=300)])
    label_en = StringField(_l("Label in English"), filters=[single_line], validators=[Length(max=300)])
    description_fr = TextAreaField(_l("Description in French (optional)"), validators=[Length(max=2000)],
                                   render_kw={"rows": 3})
    description_en = TextAreaField(_l("Description in English (optional)"), validators=[Length(max=2000)],
                                   render_kw={"rows": 3})
    shortcut = StringField(_l("Keyboard shortcut (optional)"), filters=[lambda value: (value or "").strip().lower()],
                           validators=[Length(max=1)],
                           description=_l("One digit or letter pressed on a focused comment to apply or remove "
                                          "the code. J, K and ? are taken."),
                           render_kw={"maxlength": 1, "autocomplete": "off", "class": "shortcut-input"})

    # Set by the view: the consultation whose shortcuts are checked, and the code being edited (if any).
    consultation = None
    except_id: int | None = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Every problem at once: a missing label does not hide a key that cannot be a shortcut (the
        # service checks the key again when it writes).
        if self.consultation is not None and not self.shortcut.errors:
            problem = codebook.shortcut_problem(self.consultation, self.shortcut.data, self.except_id)
            if problem:
                self.shortcut.errors = [*self.shortcut.errors, problem]
                valid = False
        if not self.label_fr.data and not self.label_en.data:
            field = shown_language_field(self, "label")
            field.errors = [*field.errors, _l("Give the code a label, in French or in English.")]
            return False
        return valid

    def values(self) -> dict:
        return {name: self[name].data or "" for name in
                ("label_fr", "label_en", "description_fr", "description_en", "shortcut")}


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), coerce=int, validate_choice=True,
                         description=_l("Its comments get the chosen code instead; this code stays in the "
                                        "codebook, marked merged."))


# -- memo ----------------------------------------------------------------------------------------

class MemoForm(FlaskForm):
    body_fr = TextAreaField(_l("What we heard, in French"), validators=[Length(max=MEMO_MAX)],
                            render_kw={"rows": 14, "lang": "fr"})
    body_en = TextAreaField(_l("What we heard, in English"), validators=[Length(max=MEMO_MAX)],
                            render_kw={"rows": 14, "lang": "en"})
    revision = HiddenField()

    def shown_revision(self) -> int:
        try:
            shown = int(self.revision.data or 0)
        except ValueError:
            return -1
        return shown if 0 <= shown <= LARGEST_ID else -1


# -- two coders ----------------------------------------------------------------------------------

class SampleForm(FlaskForm):
    coder = SelectField(_l("Second coder"), coerce=int, validate_choice=True,
                        validators=[InputRequired(message=_l("Choose who codes the sample."))])
    topic = SelectField(_l("Comments on"), validate_choice=True)
    size = IntegerField(_l("Number of comments"), default=20,
                        validators=[InputRequired(message=_l("Say how many comments to assign.")),
                                    NumberRange(min=1, max=MAX_SAMPLE,
                                                message=_l("Choose between 1 and %(max)d comments.", max=MAX_SAMPLE))],
                        render_kw={"min": 1, "max": MAX_SAMPLE, "inputmode": "numeric"})
    only_coded = BooleanField(_l("Only comments that already have codes"), default=True,
                              description=_l("The agreement compares the second coder's codes with the main "
                                             "codes: a comment nobody coded yet tells little."))


class SettleForm(FlaskForm):
    decision = HiddenField()
