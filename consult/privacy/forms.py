"""Forms of the "my data" pages, the privacy notice and the incident register."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..form_fields import DayField, WholeNumberField
from ..i18n import localized
from ..models import Consultation
from ..participants.fields import email_field, profile_answers, valid_email
from ..participants.forms import ProfileForm as ProfileQuestions

NOTICE_MAX = 50_000
INCIDENT_TEXT_MAX = 20_000
TOO_LONG = _l("This text is too long: at most %(max)d characters.")


class RequestLinkForm(FlaskForm):
    email = email_field(_l("The address you used to take part in this consultation."))
    validate_email = valid_email


class ProfileForm(ProfileQuestions):
    """The profile questions of the sign-up forms, for the person to correct their answers."""

    @classmethod
    def for_participant(cls, consultation: Consultation, participant):
        form = cls(data=profile_answers(participant))
        categories = [category for category in consultation.categories
                      if category.active or category.id == participant.category_id]
        form.offer_profile_choices(categories, blank=lazy_pgettext("profile field", "Not given"))
        return form

    # Minimal collection: what was not asked when the person took part need not be given now.
    def validate_category(self, field):
        if field.data:
            super().validate_category(field)

    def validate_region(self, field):
        if field.data:
            super().validate_region(field)


class ConsentForm(FlaskForm):
    """One button per purpose: "granted" says which way."""

    granted = HiddenField()

    def validate_granted(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("This value is not valid."))

    @property
    def decision(self) -> bool:
        return self.granted.data == "yes"


class EraseForm(FlaskForm):
    withdraw_processing = BooleanField(
        _l("Also take what I said out of the analysis"),
        description=_l("Without this, your comments stay in the analysis without your name, email or anything "
                       "that links them to you, as your consent to the processing allowed. With it, they are "
                       "deleted too."))


class NoticeForm(FlaskForm):
    privacy_notice_fr = TextAreaField(
        _l("Privacy notice in French"), validators=[Optional(), Length(max=NOTICE_MAX, message=TOO_LONG)],
        description=_l("Plain text. Leave a blank line between paragraphs; start a line with a dash for a list."),
        render_kw={"rows": 14})
    privacy_notice_en = TextAreaField(
        _l("Privacy notice in English"), validators=[Optional(), Length(max=NOTICE_MAX, message=TOO_LONG)],
        description=_l("Plain text. Leave a blank line between paragraphs; start a line with a dash for a list."),
        render_kw={"rows": 14})
    retention_until = DayField(
        _l("Keep personal data until"), validators=[Optional()],
        description=_l("The day included. After it, the purge command erases the personal data of this "
                       "consultation (see the rule in the documentation)."))


INCIDENT_STATUSES = [SelectChoice("open", lazy_pgettext("incident", "Open")),
                     SelectChoice("closed", lazy_pgettext("incident", "Closed"))]


class IncidentForm(FlaskForm):
    consultation_id = SelectField(_l("Consultation concerned"), validate_choice=False)
    occurred_on = DayField(_l("Date of the incident (if known)"), validators=[Optional()])
    discovered_on = DayField(_l("Date it was discovered"),
                             validators=[DataRequired(message=_l("Enter the date the incident was discovered."))])
    description = TextAreaField(
        _l("What happened"), validators=[DataRequired(message=_l("Describe the incident.")),
                                         Length(max=INCIDENT_TEXT_MAX, message=TOO_LONG)],
        description=_l("The circumstances, without copying the personal information concerned."),
        render_kw={"rows": 6})
    information_concerned = TextAreaField(
        _l("Personal information concerned"), validators=[Optional(), Length(max=INCIDENT_TEXT_MAX, message=TOO_LONG)],
        description=_l("The kinds of information (names, email addresses, answers...), not the information itself."),
        render_kw={"rows": 3})
    people_affected = WholeNumberField(
        _l("Number of people concerned (if known)"), validators=[Optional(), NumberRange(min=0)])
    risk_of_serious_injury = BooleanField(
        _l("There is a risk of serious injury"),
        description=_l("If so, the Commission d'accès à l'information and the people concerned must be told "
                       "promptly."))
    measures_taken = TextAreaField(
        _l("Measures taken"), validators=[Optional(), Length(max=INCIDENT_TEXT_MAX, message=TOO_LONG)],
        description=_l("To reduce the risk of injury and to prevent it from happening again."),
        render_kw={"rows": 4})
    authority_notified_on = DayField(_l("Date the Commission was notified"), validators=[Optional()])
    people_notified_on = DayField(_l("Date the people concerned were notified"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=INCIDENT_STATUSES, validate_choice=False)

    @classmethod
    def with_consultations(cls, consultations, **kwargs):
        form = cls(**kwargs)
        form.consultation_id.choices = [SelectChoice("", _l("None in particular"))] + [
            SelectChoice(str(item.id), localized(item, "title").text) for item in consultations]
        return form

    def validate_consultation_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a consultation from the list."))

    def validate_status(self, field):
        if field.data not in ("open", "closed"):
            raise ValidationError(_l("Choose a status from the list."))

    def validate_discovered_on(self, field):
        if field.data and self.occurred_on.data and field.data < self.occurred_on.data:
            raise ValidationError(_l("An incident is discovered on or after the day it happened."))

    @property
    def chosen_consultation_id(self) -> int | None:
        return int(self.consultation_id.data) if self.consultation_id.data else None
