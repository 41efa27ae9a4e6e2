"""Forms of the public forum pages: sign-up, cancellation, switching to another session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..extensions import db
from ..i18n import current_language, localized
from ..models import ParticipantCategory
from ..models.compensation import ACCOMMODATION_NEEDS
from ..participants.fields import email_field, valid_email
from ..participants.forms import CHOOSE, ProfileForm, offered
from ..partners.forms import Checklist
from ..partners.labels import ACCOMMODATION_LABELS, POOL_LANGUAGE_CHOICES
from ..partners.money import shown
from ..partners.services import policy_of

# Only what the choices show: every sign-up builds them, and full rows cost more to load than to use.
_ACTIVE_CATEGORIES = (select(ParticipantCategory.id, ParticipantCategory.name_fr, ParticipantCategory.name_en)
                      .where(ParticipantCategory.consultation_id == bindparam("consultation_id"),
                             ParticipantCategory.active.is_(True))
                      .order_by(ParticipantCategory.position, ParticipantCategory.id))


def _active_categories(consultation) -> list:
    """The consultation's active categories (rows or loaded objects, with id and name_fr/name_en), in order."""
    if "categories" in consultation.__dict__:
        return [category for category in consultation.categories if category.active]
    return db.session.execute(_ACTIVE_CATEGORIES, {"consultation_id": consultation.id}).all()


class SignupForm(ProfileForm):
    """The profile, the email the confirmation goes to, and the consents a session asks for."""

    email = email_field(_l("We send the confirmation and your personal link to manage your registration here."))
    consent_processing = BooleanField(
        _l("I agree that my information is used to organize my participation and to describe, anonymously, "
           "who took part (required)"),
        validators=[DataRequired(message=_l("Tick this box to sign up: without it we cannot organize your "
                                            "participation."))],
        description=_l("As explained in the privacy notice on this page."))
    consent_recording = BooleanField(
        _l("I agree that this session is recorded (required for this session)"),
        validators=[DataRequired(message=_l("This session is recorded: tick this box to sign up, or choose a "
                                            "session that is not recorded."))])
    consent_quotation = BooleanField(
        _l("My comments may be quoted in the report, without my name (optional)"))
    consent_contact = BooleanField(
        _l("You may contact me about future consultations (optional)"))
    contact_language_codes = Checklist(
        _l("If we may contact you: the languages you can take part in (optional)"), validate_choice=False,
        choices=[SelectChoice(code, label) for code, label in POOL_LANGUAGE_CHOICES.items()],
        description=_l("We invite you to sessions held in them or interpreted into them. Without an answer, we use "
                       "the language you chose for our emails."))

    compensation = RadioField(
        _l("Would you like to be compensated for taking part?"), validate_choice=False,
        choices=[SelectChoice("yes", _l("Yes, I wish to be compensated")),
                 SelectChoice("no", _l("No, I take part without compensation"))])
    accommodations = Checklist(
        _l("What would help you take part? (optional)"), validate_choice=False,
        choices=[SelectChoice(code, ACCOMMODATION_LABELS[code]) for code in ACCOMMODATION_NEEDS],
        description=_l("Only the organizers of this session see your answer."))
    accommodation_other = StringField(_l("Tell us more about what would help (optional)"),
                                      validators=[Length(max=500)])

    validate_email = valid_email

    @classmethod
    def for_forum(cls, consultation, forum):
        form = cls(preferred_language=current_language())
        categories = _active_categories(consultation)
        form.offer_profile_choices(categories)
        form.offer_languages(consultation.language_list)
        policy = policy_of(consultation)
        eligible = [category for category in categories
                    if policy is not None and category.id in (policy.eligible_category_ids or [])]
        if eligible:
            rate = policy.rate_for(forum)
            form.compensation.description = _l(
                "Offered to: %(groups)s. You would receive %(rate)s for this session, and eligible expenses "
                "are reimbursed. You can change your mind later from your personal link.",
                groups=", ".join(localized(category, "name").text for category in eligible), rate=shown(rate))
        else:
            del form.compensation
        return form._with_recording(forum)

    def _with_recording(self, forum):
        form = self
        if forum.recorded:
            notice = localized(forum, "recording_notice")
            form.consent_recording.description = notice or _l(
                "The session is recorded to support the analysis. The recording is not published.")
        else:
            del form.consent_recording
        return form

    def validate_compensation(self, field):
        if field.data not in ("yes", "no", None, "", "None"):
            raise ValidationError(_l("Choose yes or no."))

    def validate_contact_language_codes(self, field):
        if any(value not in POOL_LANGUAGE_CHOICES for value in field.data or []):
            raise ValidationError(_l("Choose among the languages listed."))

    @property
    def contact_languages(self) -> list[str]:
        return list(self.contact_language_codes.data or []) if self.consent_contact.data else []

    def validate_accommodations(self, field):
        if any(value not in ACCOMMODATION_NEEDS for value in field.data or []):
            raise ValidationError(_l("Choose among the options listed."))

    @property
    def compensation_choice(self) -> bool | None:
        """True or False when asked and answered; None otherwise."""
        if "compensation" not in self or self.compensation.data not in ("yes", "no"):
            return None
        return self.compensation.data == "yes"

    @property
    def accommodation(self) -> tuple[list[str], str]:
        return list(self.accommodations.data or []), (self.accommodation_other.data or "").strip()

    @property
    def consents(self) -> dict[str, bool]:
        """One decision per purpose asked on this form."""
        decisions = {"processing": bool(self.consent_processing.data)}
        if "consent_recording" in self:
            decisions["recording"] = bool(self.consent_recording.data)
        decisions["quotation"] = bool(self.consent_quotation.data)
        decisions["contact"] = bool(self.consent_contact.data)
        return decisions


class CancelForm(FlaskForm):
    """Only the CSRF token: the page that shows it is the confirmation step."""


class SwitchForm(FlaskForm):
    forum_id = SelectField(_l("Session to move to"), validate_choice=False,
                           description=_l("If the session you choose is full, you join its waitlist and your "
                                          "current seat goes to someone else."))

    @classmethod
    def for_options(cls, choices: list[tuple[str, str]]):
        form = cls()
        form.forum_id.choices = [SelectChoice("", CHOOSE)] + [
            SelectChoice(value, label) for value, label in choices]
        return form

    def validate_forum_id(self, field):
        if field.data not in offered(field):
            raise ValidationError(_l("Choose one of the sessions in the list."))

    @property
    def target_id(self) -> int:
        return int(self.forum_id.data)
