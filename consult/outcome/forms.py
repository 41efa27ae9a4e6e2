"""Forms of the outcome's staff page and of the review."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models.review import VERDICTS
from ..participants.fields import valid_email
from .level import level_choices

TEXT_MAX = 8000


class LevelForm(FlaskForm):
    participation_level = SelectField(_l("Level of participation"), validate_choice=True)
    level_label_fr = StringField(_l("Its name in French (optional)"), validators=[Optional(), Length(max=200)])
    level_label_en = StringField(_l("Its name in English (optional)"), validators=[Optional(), Length(max=200)])
    could_influence_fr = TextAreaField(_l("What participants could influence, in French"),
                                       validators=[Length(max=TEXT_MAX)])
    could_influence_en = TextAreaField(_l("What participants could influence, in English"),
                                       validators=[Length(max=TEXT_MAX)])
    could_not_influence_fr = TextAreaField(_l("What participants could not influence, in French"),
                                           validators=[Length(max=TEXT_MAX)])
    could_not_influence_en = TextAreaField(_l("What participants could not influence, in English"),
                                           validators=[Length(max=TEXT_MAX)])

    FIELDS = ("participation_level", "level_label_fr", "level_label_en", "could_influence_fr", "could_influence_en",
              "could_not_influence_fr", "could_not_influence_en")

    @classmethod
    def for_consultation(cls, consultation, **kwargs):
        form = cls(**kwargs)
        form.participation_level.choices = [("", _l("Not stated yet"))] + level_choices()
        held = consultation.language_list or ["fr"]
        for name in cls.FIELDS[1:]:
            if name[-2:] not in held:
                delattr(form, name)
        return form


class ReviewerForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(message=_l("Enter the email address.")),
        Length(max=254, message=_l("An email address has at most 254 characters.")), valid_email],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email", "spellcheck": "false"})
    language = SelectField(_l("Language of the emails"), choices=[SelectChoice("fr", "Français"),
                                                                     SelectChoice("en", "English")],
                           validate_choice=True)
    required = BooleanField(_l("Their approval is required before the report is final"), default=True)

    @classmethod
    def for_consultation(cls, consultation, **kwargs):
        """Emails in the languages the consultation holds: its report is written in those alone."""
        form = cls(**kwargs)
        held = consultation.language_list or ["fr"]
        form.language.choices = [choice for choice in form.language.choices if choice.value in held]
        if not form.is_submitted() and form.language.data not in held:
            form.language.data = held[0]
        return form


class ReviewCommentForm(FlaskForm):
    section = SelectField(_l("Section"), validate_choice=True)
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(message=_l("Write your comment.")),
                                                        Length(max=TEXT_MAX)])


class VerdictForm(FlaskForm):
    verdict = RadioField(_l("Your verdict on this version"),
                         choices=[SelectChoice(VERDICTS[0], _l("I approve this version")),
                                  SelectChoice(VERDICTS[1], _l("I ask for changes"))],
                         validators=[DataRequired(message=_l("Choose approve or ask for changes."))])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[Length(max=TEXT_MAX)])
    resolve = BooleanField(_l("Resolved"))


class SectionNoteForm(FlaskForm):
    body_fr = TextAreaField(_l("Text in French"), validators=[Length(max=50_000)])
    body_en = TextAreaField(_l("Text in English"), validators=[Length(max=50_000)])
