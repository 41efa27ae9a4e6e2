"""Forms of the questionnaire: starting (identification, profile asked once, consents), the CSRF-only
forms of the answering pages, and the organizers' forms."""
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..form_fields import DayField, shown_language_field
from ..forums.when import to_utc
from ..i18n import LANGUAGE_NAMES, LANGUAGES, current_language, localized
from ..models.questionnaire import DEFAULT_MAX_LENGTH
from ..participants.fields import email_field, profile_answers, single_line, valid_email
from ..participants.forms import ProfileForm as ProfileQuestions
from .prompts import PROMPT_NAMES

MAX_LIST_BYTES = 1024 * 1024
OPTION_SEPARATOR = "|"


class _ProfileAndConsent(ProfileQuestions):
    """The profile questions (asked once) and the consents the questionnaire asks for."""

    consent_processing = BooleanField(
        _l("I agree that my information and my answers are used for this consultation and to describe, "
           "anonymously, who took part (required)"),
        validators=[DataRequired(message=_l("Tick this box to answer the questionnaire: without it we cannot use "
                                            "your answers."))],
        description=_l("As explained in the privacy notice on this page."))
    consent_quotation = BooleanField(_l("My answers may be quoted in the report, without my name (optional)"))

    @classmethod
    def for_consultation(cls, consultation, data: dict | None = None):
        form = cls(data={"preferred_language": current_language(), **(data or {})})
        form.offer_profile_choices([category for category in consultation.categories if category.active])
        form.offer_languages(consultation.language_list)
        return form

    @property
    def consents(self) -> dict[str, bool]:
        return {"processing": bool(self.consent_processing.data), "quotation": bool(self.consent_quotation.data)}


class StartForm(_ProfileAndConsent):
    """Name, email, the profile questions and consent."""

    email = email_field(_l("Your personal link to continue and the copy of your answers are sent here."))
    validate_email = valid_email


class ProfileForm(_ProfileAndConsent):
    """The same questions for someone who came through their invitation: the email is already known."""

    @classmethod
    def for_participant(cls, consultation, participant):
        return cls.for_consultation(consultation, data=profile_answers(participant))


class LostLinkForm(FlaskForm):
    # Its own id: the start form beside it has an email field too, and each label must name its own field.
    email = EmailField(
        _l("Email address"), id="lost-link-email",
        validators=[DataRequired(message=_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"})
    validate_email = valid_email


class AnswerPageForm(FlaskForm):
    """The CSRF token of an answering page; the answers themselves are read by the service."""


class SendLinkForm(FlaskForm):
    """Only the CSRF token: "Send me a link to continue"."""


class SubmitForm(FlaskForm):
    version = HiddenField()

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


def answer_error_message(question, error) -> str:
    if error.code == "too_long":
        return _("This answer has %(length)s characters; the limit is %(limit)s. Shorten it: your text is kept "
                 "below, and was not saved yet.", length=error.length, limit=question.max_length)
    return _("Choose one of the options offered.")


# -- organizers ---------------------------------------------------------------------------

ACCESS_CHOICES = [SelectChoice("open", _l("Open link: anyone can identify themselves and answer")),
                  SelectChoice("invitation", _l("Invitation only: only the personal links we email work"))]
STATUS_CHOICES = [SelectChoice("draft", _l("Draft: not shown to participants")),
                  SelectChoice("published", _l("Published: open between the dates below"))]
KIND_CHOICES = [SelectChoice("long_text", _l("Long text")), SelectChoice("single_choice", _l("Single choice")),
                SelectChoice("multiple_choice", _l("Multiple choice")),
                SelectChoice("likert", _l("Likert scale (five points)"))]


class SettingsForm(FlaskForm):
    title_fr = StringField(_l("Title in French"), validators=[Length(max=300)], filters=[single_line])
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)], filters=[single_line])
    intro_fr = TextAreaField(_l("Introduction in French"), validators=[Length(max=5000)])
    intro_en = TextAreaField(_l("Introduction in English"), validators=[Length(max=5000)])
    access = RadioField(_l("Who can answer"), choices=ACCESS_CHOICES, validate_choice=True)
    status = RadioField(_l("Status"), choices=STATUS_CHOICES, validate_choice=True)
    opens_on = DayField(_l("Opening day"), validators=[Optional()],
                        description=_l("The questionnaire opens at the start of this day. Leave empty to keep it "
                                       "closed."))
    closes_on = DayField(_l("Last day"), validators=[Optional()],
                         description=_l("Answers can be given and changed until the end of this day; then the "
                                        "questionnaire is read-only."))

    def __init__(self, tz, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def validate_title_fr(self, field):
        if not (field.data or "").strip() and not (self.title_en.data or "").strip():
            raise ValidationError(_l("Give a title in at least one language."))

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The last day cannot come before the opening day."))

    @property
    def values(self) -> dict:
        opens = to_utc(self.opens_on.data, time(0), self.tz) if self.opens_on.data else None
        closes = to_utc(self.closes_on.data + timedelta(days=1), time(0), self.tz) if self.closes_on.data else None
        return {"title_fr": self.title_fr.data or "", "title_en": self.title_en.data or "",
                "intro_fr": self.intro_fr.data or "", "intro_en": self.intro_en.data or "",
                "access": self.access.data, "status": self.status.data, "opens_at": opens, "closes_at": closes}

    @staticmethod
    def days_of(questionnaire, tz) -> dict:
        def day(moment: datetime | None, shift=0):
            return (moment.astimezone(tz) - timedelta(days=shift)).date() if moment else None
        # A closing moment at midnight means the day before was the last one.
        return {"opens_on": day(questionnaire.opens_at), "closes_on": day(questionnaire.closes_at, 1)}


class GenerateForm(FlaskForm):
    agreement = BooleanField(_l("Also ask, for each part answered, how much they agree with it (five-point scale)"))

    @classmethod
    def with_labels(cls, labels: dict, languages=("fr", "en"), **kwargs):
        """A label per prompt of the consultation and language it is held in, prefilled with its own."""
        class Bound(cls):
            prompt_keys = list(labels)
            held = [lang for lang in ("fr", "en") if lang in languages] or ["fr", "en"]
        for prompt, texts in labels.items():
            name = PROMPT_NAMES.get(prompt) or texts.get(current_language()) or next(
                (text for text in texts.values() if text), prompt)
            for lang in Bound.held:
                wording = _l("%(prompt)s, in French", prompt=name) if lang == "fr" else \
                    _l("%(prompt)s, in English", prompt=name)
                setattr(Bound, f"{prompt}_{lang}", StringField(wording, validators=[Length(max=300)],
                                                              filters=[single_line], default=texts.get(lang, "")))
        return Bound(**kwargs)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for prompt in self.prompt_keys:
            if not any((self[f"{prompt}_{lang}"].data or "").strip() for lang in self.held):
                self[f"{prompt}_{self.held[0]}"].errors.append(_("Give this label in at least one language."))
                valid = False
        return valid

    @property
    def labels(self) -> dict:
        return {prompt: {lang: (self[f"{prompt}_{lang}"].data or "") if lang in self.held else ""
                         for lang in ("fr", "en")}
                for prompt in self.prompt_keys}


def parse_options(text: str) -> list[dict]:
    """One option a line, "French label | English label" (or one label for both)."""
    options = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        parts = [single_line(part) for part in line.split(OPTION_SEPARATOR, 1)]
        label_fr = parts[0]
        label_en = parts[1] if len(parts) > 1 else parts[0]
        options.append({"value": str(len(options) + 1), "label_fr": label_fr, "label_en": label_en})
    return options


def options_text(options: list[dict]) -> str:
    return "\n".join(f"{option.get('label_fr', '')} {OPTION_SEPARATOR} {option.get('label_en', '')}"
                     for option in options or [])


class QuestionForm(FlaskForm):
    label_fr = TextAreaField(_l("Question in French"), validators=[Length(max=2000)], render_kw={"rows": 2})
    label_en = TextAreaField(_l("Question in English"), validators=[Length(max=2000)], render_kw={"rows": 2})
    help_fr = TextAreaField(_l("Help text in French (optional)"), validators=[Length(max=2000)],
                            render_kw={"rows": 2})
    help_en = TextAreaField(_l("Help text in English (optional)"), validators=[Length(max=2000)],
                            render_kw={"rows": 2})
    required = BooleanField(_l("An answer is required before submitting"))
    max_length = IntegerField(
        _l("Longest answer, in characters"), default=DEFAULT_MAX_LENGTH,
        validators=[Optional(), NumberRange(min=10, max=20000, message=_l("Choose between 10 and 20,000."))])
    options = TextAreaField(
        _l("Options, one a line"), validators=[Length(max=5000)], render_kw={"rows": 5},
        description=_l("Write each option as “French label | English label”. The order is the order shown."))

    def __init__(self, kind: str | None, *args, **kwargs):
        """With a kind, only the fields that kind uses; without (a new question), all of them."""
        super().__init__(*args, **kwargs)
        self.question_kind = kind
        if kind is not None and kind != "long_text":
            del self.max_length
        if kind == "long_text":
            del self.options

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not (self.label_fr.data or "").strip() and not (self.label_en.data or "").strip():
            field = shown_language_field(self, "label")
            field.errors = [*field.errors, _l("Write the question in at least one language.")]
            return False
        return valid

    def validate_options(self, field):
        count = len(parse_options(field.data))
        if self.question_kind in ("likert", "agreement") and count == 0:
            return  # the default five-point scale
        if self.question_kind in ("single_choice", "multiple_choice", "likert", "agreement") and count < 2:
            raise ValidationError(_l("Give at least two options."))
        if count > 20:
            raise ValidationError(_l("Give at most 20 options."))

    @property
    def values(self) -> dict:
        values = {name: (self[name].data or "").strip() for name in ("label_fr", "label_en", "help_fr", "help_en")}
        values["required"] = bool(self.required.data)
        if "max_length" in self and self.question_kind in (None, "long_text"):
            values["max_length"] = self.max_length.data or DEFAULT_MAX_LENGTH
        if "options" in self and self.question_kind != "long_text":
            values["options"] = parse_options(self.options.data)
        return values


class NewQuestionForm(QuestionForm):
    kind = SelectField(_l("Kind of question"), choices=KIND_CHOICES, validate_choice=True)
    page_id = SelectField(_l("Page"), coerce=int, validate_choice=True,
                          invalid_choice_message=_l("Choose one of the pages listed."))

    @classmethod
    def for_pages(cls, pages, **kwargs):
        form = cls(None, **kwargs)
        form.question_kind = form.kind.data if form.kind.data in {choice.value for choice in KIND_CHOICES} else None
        form.page_id.choices = [SelectChoice(page.id, localized(page, "title").text or _("Page %(number)s",
                                                                                            number=number))
                                for number, page in enumerate(pages, start=1)]
        return form

    @property
    def values(self) -> dict:
        values = super().values
        if self.question_kind == "long_text":
            values.pop("options", None)
        else:
            values.pop("max_length", None)
        return {**values, "kind": self.question_kind}


class NewPageForm(FlaskForm):
    title_fr = StringField(_l("Page title in French"), validators=[Length(max=400)], filters=[single_line])
    title_en = StringField(_l("Page title in English"), validators=[Length(max=400)], filters=[single_line])

    def validate_title_fr(self, field):
        if not (field.data or "").strip() and not (self.title_en.data or "").strip():
            raise ValidationError(_l("Give a title in at least one language."))


class MoveForm(FlaskForm):
    direction = HiddenField()

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError(_l("Choose up or down."))


class InviteForm(FlaskForm):
    emails = TextAreaField(
        _l("Email addresses, one a line"), render_kw={"rows": 8, "spellcheck": "false"},
        description=_l("An address alone, or an address and a name separated by a comma "
                       "(“ana@example.org, Ana Tremblay”)."))
    upload = FileField(_l("Or a file of addresses (.txt or .csv)"),
                       description=_l("Plain text or CSV, one person a line, at most 1 MB."))
    language = RadioField(_l("Language of the invitation for people we do not know yet"),
                          choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
                          validate_choice=True)

    # Set by validate(): the text read from the field and the file.
    text = ""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        parts = [self.emails.data or ""]
        upload = self.upload.data
        if upload is not None and getattr(upload, "filename", ""):
            content = upload.read(MAX_LIST_BYTES + 1)
            if len(content) > MAX_LIST_BYTES:
                self.upload.errors.append(_("This file is larger than 1 MB."))
                return False
            if b"\x00" in content:
                self.upload.errors.append(_("This file is not plain text or CSV. Its content was checked, "
                                            "not its name."))
                return False
            try:
                parts.append(content.decode("utf-8-sig"))
            except UnicodeDecodeError:
                parts.append(content.decode("cp1252", errors="replace"))
        self.text = "\n".join(part for part in parts if part.strip())
        if valid and not self.text.strip():
            self.emails.errors.append(_("Paste at least one email address, or choose a file."))
            return False
        return valid


def invitation_summary(report, listed) -> list[tuple[str, str]]:
    """(category, message) flashes after inviting."""
    messages = [("success", ngettext("%(num)d invitation was queued for sending.",
                                     "%(num)d invitations were queued for sending.", report.invited))]
    if report.already:
        messages.append(("info", ngettext("%(num)d person had already been invited: nothing was sent again.",
                                          "%(num)d people had already been invited: nothing was sent again.",
                                          report.already)))
    if report.left_over:
        messages.append(("warning", ngettext(
            "%(num)d address was over the limit of one list and was not invited: send it in another list.",
            "%(num)d addresses were over the limit of one list and were not invited: send them in another list.",
            report.left_over)))
    if listed.repeated:
        messages.append(("info", ngettext("%(num)d address appeared more than once and was counted once.",
                                          "%(num)d addresses appeared more than once and were counted once.",
                                          listed.repeated)))
    return messages
