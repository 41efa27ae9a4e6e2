"""The transcript's forms: upload, the speakers' mapping, and placing turns on a topic."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from ..channels.passages import PassageForm
from ..form_fields import IdField, optional_int
from ..tree import topic_choices
from . import services


class UploadForm(PassageForm):
    """A PassageForm for its language choice: the transcript's turns are passages to place."""

    transcript = FileField(_l("Transcript file"),
                           description=_l("WebVTT (Zoom, Teams), SubRip (.srt), Word (.docx) or plain text with "
                                          "“Name: text” turns."))
    language = SelectField(_l("Language spoken"), invalid_choice_message=_l("Choose the language spoken."))
    retain_until = DateField(_l("Keep the transcript until"),
                             validators=[InputRequired(message=_l("Enter the date until which it is kept."))],
                             description=_l("It is deleted with its placed passages after this date."))

    def __init__(self, consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_languages(consultation)

    @property
    def upload(self) -> FileStorage | None:
        data = self.transcript.data
        return data if isinstance(data, FileStorage) and data.filename else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.upload is None:
            self.transcript.errors = [*self.transcript.errors, _l("Choose the transcript file.")]
            valid = False
        return valid


class MappingForm(FlaskForm):
    """One select per speaker, named speaker_N; built by mapping_form() from the draft's speakers."""

    speaker_fields: list = []

    def mapping(self) -> dict[int, str]:
        return {speaker.number: self[f"speaker_{speaker.number}"].data for speaker in self.speaker_fields}


def mapping_form(speakers, people, **kwargs) -> MappingForm:
    choices = [SelectChoice(services.UNIDENTIFIED, _l("Unidentified")),
               SelectChoice(services.FACILITATOR, _l("Facilitator"))]
    choices += [SelectChoice(str(person.id), f"{person.name} ({person.pseudonym})") for person in people]

    class Form(MappingForm):
        pass

    for speaker in speakers:
        setattr(Form, f"speaker_{speaker.number}", SelectField(
            speaker.label, choices=choices, default=services.suggest(speaker.label, people),
            invalid_choice_message=_l("Choose one of the people listed.")))
    form = Form(**kwargs)
    form.speaker_fields = speakers
    return form


class PlaceForm(FlaskForm):
    turns = SelectMultipleField(_l("Turns"), coerce=int,
                                validators=[InputRequired(message=_l("Tick the turns to place."))],
                                invalid_choice_message=_l("Choose turns of this transcript."))
    topic_id = SelectField(_l("Topic"), coerce=optional_int,
                           invalid_choice_message=_l("Choose one of the topics listed."))

    def __init__(self, transcript, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.turns.choices = [SelectChoice(turn.position, str(turn.position)) for turn in transcript.turns]
        self.topic_id.choices = [SelectChoice("", _l("No topic yet (to be suggested)"))] + topic_choices(topics)


class MoveForm(FlaskForm):
    """A placed passage put on another topic."""

    topic_id = SelectField(_l("Move to"), coerce=optional_int,
                           validators=[InputRequired(message=_l("Choose the topic to move the passage to."))],
                           invalid_choice_message=_l("Choose one of the topics listed."))

    def __init__(self, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_id.choices = [SelectChoice("", _l("Choose a topic"))] + topic_choices(topics)


class QueuePlaceForm(FlaskForm):
    """A turn waiting to be placed: a suggestion accepted (its topic, its theme) or another place chosen."""

    transcript_id = IdField(validators=[InputRequired()])
    position = IdField(validators=[InputRequired()])
    topic_id = IdField(_l("Another place"), validators=[InputRequired(message=_l("Choose where the turn goes."))])
    theme_id = IdField(validators=[Optional()])
    rank = IdField(validators=[Optional()])
    page = IdField(validators=[Optional()])
