"""Forms of the organizers' pages. Choices depend on the consultation, so they are set in __init__."""
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import uploads
from ..channels.passages import PassageForm
from ..form_fields import ClockField, DayField, WholeNumberField, optional_int
from ..i18n import localized
from ..participants.services import InvalidEmail, normalise_email
from ..tree import topic_choices
from .when import NonexistentLocalTime, to_utc

KIND_CHOICES = [SelectChoice("forum", _l("Forum")), SelectChoice("interview", _l("Interview"))]
SESSION_LANGUAGE_CHOICES = [SelectChoice("fr", _l("French")), SelectChoice("en", _l("English")),
                            SelectChoice("bilingual", _l("Bilingual (French and English)"))]
PREREADING_CHOICES = [
    SelectChoice("none", _l("None")),
    SelectChoice("synoptic", _l("The synoptic table of the proposal")),
    SelectChoice("dossier", _l("A dossier generated from the topics covered")),
    SelectChoice("file", _l("A file you upload (PDF, DOCX, ODT or TXT)")),
]
UPLOAD_MESSAGES = {
    "empty": _l("The file is empty."),
    "type": _l("This file is not a PDF, DOCX, ODT or plain-text document. Its content was checked, "
               "not its name."),
}
CHOOSE_FILE_AGAIN = _l("Choose the file again: browsers do not keep a chosen file when a form comes back "
                       "with errors.")


class TopicChecklist(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def https_url(form, field):
    value = (field.data or "").strip()
    field.data = value
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(char.isspace() for char in value):
        raise ValidationError(_l("Enter a secure web address starting with https://"))


def _title_in_one_language(form) -> bool:
    if (form.title_fr.data or "").strip() or (form.title_en.data or "").strip():
        return True
    # The error goes next to a title field the page shows: the English one in an English-only consultation.
    held = form.consultation.language_list or ["fr"]
    field = form.title_fr if "fr" in held else form.title_en
    message = _("Give a title in at least one language.") if len(held) > 1 else _("Give the session a title.")
    field.errors = [*field.errors, message]
    return False


def _start(form, day_field, time_field, tz, now: datetime, unchanged: datetime | None = None):
    """The start in UTC, or None with an error on the field; past starts are refused
    unless they are the one already saved (a past forum can still get its notes fixed)."""
    if day_field.data is None or time_field.data is None:
        return None
    try:
        start = to_utc(day_field.data, time_field.data, tz)
    except NonexistentLocalTime:
        time_field.errors = [*time_field.errors, _(
            "This time does not exist on that day in %(zone)s: the clocks go forward. Choose another time.",
            zone=tz.key)]
        return None
    if unchanged is not None and start == unchanged.replace(second=0, microsecond=0):
        return unchanged  # the saved start, shown to the minute and sent back as it was
    if start <= now:
        day_field.errors = [*day_field.errors, _("This date and time are already past. Choose a later start.")]
        return None
    return start


class _SessionFields(FlaskForm):
    """What a forum and a series of interview slots have in common."""

    track_id = SelectField(_l("Track"), coerce=optional_int,
                           invalid_choice_message=_l("Choose one of the tracks listed."))
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    topic_ids = TopicChecklist(_l("Topics covered"), coerce=int,
                               invalid_choice_message=_l("Choose among the topics listed."),
                               description=_l("The parts of the proposal discussed."))
    language = RadioField(_l("Language of the session"), choices=SESSION_LANGUAGE_CHOICES, default="fr",
                          invalid_choice_message=_l("Choose the language of the session."))
    meeting_link = StringField(_l("Meeting link"), validators=[Length(max=500), https_url],
                               description=_l("Shown only to people with a confirmed seat. "
                                              "Starts with https://"))

    def __init__(self, consultation, topics, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.tz = consultation.tz
        self.now = now
        self.starts_at = None
        self.track_id.choices = [SelectChoice("", _l("No particular track"))] + [
            SelectChoice(track.id, localized(track, "name").text) for track in consultation.tracks]
        self.topic_ids.choices = topic_choices(topics)
        if self.topic_ids.data is None:
            self.topic_ids.data = []
        saved = getattr(kwargs.get("obj"), "language", None)
        self.language.choices = session_languages(consultation.language_list, saved)
        if not self.is_submitted() and self.language.data not in {choice.value for choice in self.language.choices}:
            self.language.data = self.language.choices[0].value


def session_languages(held: list[str], saved: str | None) -> list[SelectChoice]:
    """The languages a session of a consultation may be held in: those it holds, bilingual only when it holds
    both; a session's saved language stays offered, so editing it never changes it silently."""
    return [choice for choice in SESSION_LANGUAGE_CHOICES
            if choice.value == saved or choice.value in held or (choice.value == "bilingual" and len(held) > 1)]


class ForumForm(_SessionFields):
    kind = RadioField(_l("Kind"), choices=KIND_CHOICES, default="forum",
                      invalid_choice_message=_l("Choose forum or interview."))
    description_fr = TextAreaField(_l("Description in French"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    start_date = DayField(_l("Date"), validators=[DataRequired(message=_l("Enter the date."))])
    start_time = ClockField(_l("Start time"), validators=[DataRequired(message=_l("Enter the start time."))])
    duration_minutes = WholeNumberField(
        _l("Duration in minutes"), default=90,
        validators=[InputRequired(message=_l("Enter the duration.")),
                    NumberRange(min=15, max=480, message=_l("The duration is between 15 and 480 minutes."))])
    capacity = WholeNumberField(
        _l("Seats"), default=20, description=_l("When they are all taken, people join the waitlist."),
        validators=[InputRequired(message=_l("Enter the number of seats.")),
                    NumberRange(min=1, max=10000, message=_l("Give at least one seat."))])
    recorded = BooleanField(_l("The session is recorded"))
    recording_notice_fr = TextAreaField(_l("Recording notice in French"), validators=[Optional(), Length(max=5000)])
    recording_notice_en = TextAreaField(_l("Recording notice in English"), validators=[Optional(), Length(max=5000)])
    prereading_kind = RadioField(_l("Pre-reading"), choices=PREREADING_CHOICES, default="none",
                                 invalid_choice_message=_l("Choose the pre-reading."))
    prereading_upload = FileField(_l("Pre-reading file"),
                                  description=_l("PDF, DOCX, ODT or plain text."))

    def __init__(self, consultation, topics, *args, forum=None, max_bytes: int, **kwargs):
        super().__init__(consultation, topics, *args, **kwargs)
        self.forum = forum
        self.max_bytes = max_bytes
        self.checked_file: uploads.CheckedFile | None = None
        self.prereading_upload.description = _l(
            "PDF, DOCX, ODT or plain text, up to %(size)s MB.", size=_megabytes(max_bytes))

    @property
    def has_upload(self) -> bool:
        data = self.prereading_upload.data
        return isinstance(data, FileStorage) and bool(data.filename)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        valid = _title_in_one_language(self) and valid
        saved_start = self.forum.starts_at if self.forum else None
        self.starts_at = _start(self, self.start_date, self.start_time, self.tz, self.now, saved_start)
        valid = valid and self.starts_at is not None
        if self.forum is not None and self.capacity.data is not None and self.capacity.data < self.forum.seats_taken:
            self.capacity.errors = [*self.capacity.errors, confirmed_message(self.forum.seats_taken)]
            valid = False
        if self.recorded.data and not ((self.recording_notice_fr.data or "").strip()
                                       or (self.recording_notice_en.data or "").strip()):
            self.recording_notice_fr.errors = [*self.recording_notice_fr.errors, _(
                "A recorded session needs a recording notice in at least one language.")]
            valid = False
        if self.prereading_kind.data == "dossier" and not self.topic_ids.data:
            self.topic_ids.errors = [*self.topic_ids.errors, _("Choose the topics the dossier presents.")]
            valid = False
        valid = self._check_upload() and valid
        if not valid and self.has_upload and not self.prereading_upload.errors:
            self.prereading_upload.errors = [*self.prereading_upload.errors, str(CHOOSE_FILE_AGAIN)]
        return valid

    def _check_upload(self) -> bool:
        field = self.prereading_upload
        if self.has_upload and self.prereading_kind.data == "none":
            self.prereading_kind.data = "file"  # a file chosen means it is the pre-reading
        if self.prereading_kind.data != "file":
            if self.has_upload:
                field.errors = [*field.errors, _(
                    "To send this file, choose “A file you upload” as the pre-reading. %(again)s",
                    again=CHOOSE_FILE_AGAIN)]
                return False
            return True
        if not self.has_upload:
            if self.forum is not None and self.forum.prereading_file:
                return True  # keep the file already there
            field.errors = [*field.errors, _("Choose the file to send as pre-reading.")]
            return False
        upload = field.data
        try:
            self.checked_file = uploads.check_document(uploads.read_limited(upload.stream, self.max_bytes),
                                                       upload.filename, self.max_bytes)
        except uploads.UploadRefused as refused:
            if refused.code == "too_big":
                message = _("The file is larger than %(size)s MB.", size=_megabytes(self.max_bytes))
            elif refused.code == "mismatch":
                message = _("The name of this file ends in .%(named)s but its content is something else. "
                            "Check that you chose the right file.", named=refused.details["named"])
            else:
                message = str(UPLOAD_MESSAGES[refused.code])
            field.errors = [*field.errors, f"{message} {CHOOSE_FILE_AGAIN}"]
            return False
        return True


def confirmed_message(count: int) -> str:
    return ngettext("There is already %(num)d confirmed person: give at least that many seats.",
                    "There are already %(num)d confirmed people: give at least that many seats.", count)


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


class InterviewSlotsForm(_SessionFields):
    day = DayField(_l("Date"), validators=[DataRequired(message=_l("Enter the date."))])
    first_start = ClockField(_l("Start of the first slot"),
                             validators=[DataRequired(message=_l("Enter the start time."))])
    count = WholeNumberField(
        _l("Number of slots"), default=4,
        validators=[InputRequired(message=_l("Enter the number of slots.")),
                    NumberRange(min=1, max=24, message=_l("Publish between 1 and 24 slots at a time."))])
    slot_minutes = WholeNumberField(
        _l("Length of a slot in minutes"), default=60,
        validators=[InputRequired(message=_l("Enter the length of a slot.")),
                    NumberRange(min=15, max=480, message=_l("The duration is between 15 and 480 minutes."))])
    gap_minutes = WholeNumberField(
        _l("Break between slots in minutes"), default=15,
        validators=[InputRequired(message=_l("Enter the break between slots (0 for none).")),
                    NumberRange(min=0, max=480, message=_l("The break is between 0 and 480 minutes."))])
    prereading_kind = RadioField(_l("Pre-reading"), choices=PREREADING_CHOICES[:3], default="synoptic",
                                 invalid_choice_message=_l("Choose the pre-reading."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        valid = _title_in_one_language(self) and valid
        self.starts_at = _start(self, self.day, self.first_start, self.tz, self.now)
        valid = valid and self.starts_at is not None
        if self.prereading_kind.data == "dossier" and not self.topic_ids.data:
            self.topic_ids.errors = [*self.topic_ids.errors, _("Choose the topics the dossier presents.")]
            valid = False
        return valid


class CancelForumForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)],
                           description=_l("Sent to the people registered, with the notice of cancellation."))


class AttendanceForm(FlaskForm):
    # "clear" undoes a mark made by mistake: the seat is simply confirmed again.
    attended = SelectField(choices=[SelectChoice("yes"), SelectChoice("no"), SelectChoice("clear")],
                           invalid_choice_message=_l("Say whether the person attended."))


class WalkInForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                               Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter the email address.")),
                                                        Length(max=254)])
    organisation = StringField(_l("Organization"), validators=[Optional(), Length(max=300)])
    category_id = SelectField(_l("Category"), coerce=optional_int,
                              invalid_choice_message=_l("Choose one of the categories listed."))

    def __init__(self, consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [SelectChoice("", lazy_pgettext("profile field", "Not given"))] + [
            SelectChoice(category.id, localized(category, "name").text)
            for category in consultation.categories if category.active]

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(_l("Enter an email address such as name@example.org.")) from error


class NoteForm(PassageForm):
    topic_id = SelectField(_l("Topic discussed"), coerce=optional_int,
                           invalid_choice_message=_l("Choose one of the topics listed."))
    language = RadioField(_l("Language of the note"), invalid_choice_message=_l("Choose the language of the note."))
    body = TextAreaField(_l("Note"), validators=[DataRequired(message=_l("Write the note.")), Length(max=20000)],
                         description=_l("Plain text. Leave a blank line between paragraphs."))

    def __init__(self, consultation, forum, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        covered = {topic.id for topic in forum.topics}
        general = SelectChoice("", _l("General (no particular topic)"))
        in_forum = str(_l("Topics of this session"))
        others = str(_l("Other topics of the consultation"))
        choices = [general]
        choices += [SelectChoice(choice.value, choice.label, optgroup=in_forum)
                    for choice in topic_choices(topics) if choice.value in covered]
        choices += [SelectChoice(choice.value, choice.label, optgroup=others)
                    for choice in topic_choices(topics) if choice.value not in covered]
        self.topic_id.choices = choices
        self.offer_languages(consultation)
