"""The consultation's settings form (create and edit), the duplicate form and the lifecycle buttons."""
import re
from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..form_fields import DayField
from ..forums.organizer_forms import TopicChecklist
from ..i18n import current_language
from ..models.consultation import CHANNEL_KINDS
from ..vocabulary import presets

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
CODE_MESSAGE = _l("Use letters, digits, dots, dashes or underscores.")
LANGUAGE_CHOICES = [SelectChoice("fr", _l("French")), SelectChoice("en", _l("English"))]
CHANNEL_LABELS = {
    "forums": _l("Forums and interviews"),
    "questionnaire": _l("Online questionnaire"),
    "submissions": _l("Written submissions"),
}
EXTRA_ROWS = 3  # empty rows offered for new tracks and categories, without JavaScript


@cache
def timezone_choices() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name and not name.startswith("Etc/")))


class CodedRowForm(Form):
    """One row of a repeated list (tracks, categories, themes, change targets): a code and its texts.
    A row left empty is not an error: it is skipped."""

    code = StringField(_l("Code"), validators=[Optional(), Length(max=30), Regexp(CODE_PATTERN, message=CODE_MESSAGE)])

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for field in self)


class NamedRowForm(CodedRowForm):
    """A track or a participant category: a code and a name per language."""

    name_fr = StringField(_l("Name in French"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])


class ChannelDatesForm(Form):
    offered = BooleanField(_l("Offered"))
    opens_on = DayField(_l("Opens on"), validators=[Optional()],
                        description=_l("Left empty, it opens with the consultation."))
    closes_on = DayField(_l("Last day"), validators=[Optional()],
                         description=_l("The day included. Left empty, it closes with the consultation."))


class ConsultationSettingsForm(FlaskForm):
    languages = TopicChecklist(_l("Languages the consultation is held in"), choices=LANGUAGE_CHOICES,
                               validators=[DataRequired(message=_l("Choose at least one language."))])
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    intro_fr = TextAreaField(_l("Introduction in French"), validators=[Optional(), Length(max=20000)],
                             render_kw={"rows": 5})
    intro_en = TextAreaField(_l("Introduction in English"), validators=[Optional(), Length(max=20000)],
                             render_kw={"rows": 5})
    timezone = SelectField(_l("Time zone"), default="America/Montreal",
                           description=_l("Dates and times are shown to everyone in this time zone."))
    opens_on = DayField(_l("Opens on"), validators=[Optional()])
    closes_on = DayField(_l("Last day"), validators=[Optional()], description=_l("The day included."))
    forums = FormField(ChannelDatesForm)
    questionnaire = FormField(ChannelDatesForm)
    submissions = FormField(ChannelDatesForm)
    tracks = FieldList(FormField(NamedRowForm), min_entries=EXTRA_ROWS)
    categories = FieldList(FormField(NamedRowForm), min_entries=EXTRA_ROWS)
    retention_until = DayField(
        _l("Keep personal data until"), validators=[Optional()],
        description=_l("The day included. After it, the purge command erases the personal data of this "
                       "consultation."))
    privacy_notice_fr = TextAreaField(_l("Privacy notice in French"), validators=[Optional(), Length(max=50000)],
                                      render_kw={"rows": 8})
    privacy_notice_en = TextAreaField(_l("Privacy notice in English"), validators=[Optional(), Length(max=50000)],
                                      render_kw={"rows": 8})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = list(timezone_choices())

    def channels(self):
        return [(kind, CHANNEL_LABELS[kind], getattr(self, kind)) for kind in CHANNEL_KINDS]

    def held(self) -> list[str]:
        return [lang for lang in ("fr", "en") if lang in (self.languages.data or [])]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        held = self.held()
        for lang in held:
            if not (getattr(self, f"title_{lang}").data or "").strip():
                getattr(self, f"title_{lang}").errors.append(_l("Give the title in this language."))
                valid = False
        valid &= _dates_in_order(self.opens_on, self.closes_on)
        for _kind, _label, channel in self.channels():
            valid &= _dates_in_order(channel.opens_on, channel.closes_on)
        if self.retention_until.data and self.closes_on.data and self.retention_until.data < self.closes_on.data:
            self.retention_until.errors.append(_l("Personal data must be kept at least until the last day."))
            valid = False
        for rows in (self.tracks, self.categories):
            valid &= _rows_valid(rows, held)
        return valid

    def named_rows(self, name: str) -> list[dict]:
        return [{"code": row.code.data.strip(), "name_fr": (row.name_fr.data or "").strip(),
                 "name_en": (row.name_en.data or "").strip()}
                for row in (entry.form for entry in getattr(self, name)) if not row.is_blank()]

    def offer_rows(self, name: str, rows: list) -> None:
        """Show the existing rows, then a few empty ones for new entries."""
        field = getattr(self, name)
        while len(field):
            field.pop_entry()
        for row in rows:
            field.append_entry({"code": row.code, "name_fr": row.name_fr, "name_en": row.name_en})
        for _index in range(EXTRA_ROWS):
            field.append_entry()


def _dates_in_order(opens, closes) -> bool:
    if opens.data and closes.data and closes.data < opens.data:
        closes.errors.append(_l("The last day cannot come before the opening day."))
        return False
    return True


def filled_rows_with_codes(rows: FieldList) -> tuple[list, bool]:
    """The rows of a repeated list that are not left blank, and whether each has a code used once;
    a missing or repeated code is marked on its row."""
    filled, valid, seen = [], True, set()
    for entry in rows:
        row = entry.form
        if row.is_blank():
            continue
        filled.append(row)
        code = (row.code.data or "").strip()
        if not code:
            row.code.errors.append(_l("Give a code."))
            valid = False
        elif code in seen:
            row.code.errors.append(_l("The code “%(code)s” is used twice.", code=code))
            valid = False
        seen.add(code)
    return filled, valid


def _rows_valid(rows: FieldList, held: list[str]) -> bool:
    filled, valid = filled_rows_with_codes(rows)
    for row in filled:
        for lang in held:
            if not (getattr(row, f"name_{lang}").data or "").strip():
                getattr(row, f"name_{lang}").errors.append(_l("Give the name in this language."))
                valid = False
    return valid


class NewConsultationForm(ConsultationSettingsForm):
    level_preset = SelectField(
        _l("Names of the levels of the structure"), default=presets.NEW_CONSULTATION_LEVELS,
        description=_l("Top level first. They can be changed afterwards, in each language, on the page of the "
                       "consultation's words."))
    prompt_preset = SelectField(
        _l("Questions asked about each part in the questionnaire"), default=presets.DEFAULT_PROMPTS,
        description=_l("They can be rewritten afterwards on the page of the consultation's words."))
    codebook_preset = SelectField(
        _l("Codes analysts apply to comments"), default=presets.DEFAULT_CODEBOOK,
        description=_l("They can be changed afterwards on the page of the consultation's words."))
    slug = StringField(
        _l("Web address name"), validators=[DataRequired(message=_l("Give the consultation a web address name.")),
                                            Length(max=80)],
        description=_l("Lower-case letters, digits and dashes; it appears in every address of the consultation, "
                       "for example annual-survey-2027."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.level_preset.choices = [SelectChoice(key, presets.level_preset_label(key, lang))
                                     for key in presets.LEVEL_PRESETS]
        self.prompt_preset.choices = [
            SelectChoice(key, ", ".join(prompt["label"][lang] for prompt in prompts))
            for key, prompts in presets.PROMPT_PRESETS.items()]
        self.codebook_preset.choices = [
            SelectChoice(key, ", ".join(code["label"][lang] for code in codebook["codes"]))
            for key, codebook in presets.CODEBOOK_PRESETS.items()]

    def validate_slug(self, field):
        field.data = (field.data or "").strip()
        if not SLUG_PATTERN.match(field.data):
            raise ValidationError(_l("Use lower-case letters, digits and dashes, starting and ending with a letter "
                                    "or a digit."))


class DuplicateForm(FlaskForm):
    slug = NewConsultationForm.slug
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])

    validate_slug = NewConsultationForm.validate_slug


class LifecycleForm(FlaskForm):
    """The open, close and archive buttons: a CSRF token and nothing else."""
