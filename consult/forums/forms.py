"""Forms of the public forum pages: sign-up, cancellation, switching to another session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..extensions import db
from ..i18n import LANGUAGE_NAMES, LANGUAGES, current_language, localized
from ..models import ParticipantCategory
from ..participants import regions
from ..participants.fields import OUTSIDE_CANADA, email_field, name_field, organisation_field, valid_email
from ..participants.services import Profile

CHOOSE = _l("Choose…")  # the empty first choice of a list


def _offered(field) -> set[str]:
    return {choice.value for choice in field.choices if choice.value}


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


class SignupForm(FlaskForm):
    name = name_field()
    email = email_field(_l("We send the confirmation and your personal link to manage your registration here."))
    organisation = organisation_field()
    category = SelectField(_l("Which group best describes you?"), validate_choice=False)
    region = SelectField(_l("Province or territory"), validate_choice=False,
                         render_kw={"autocomplete": "address-level1"})
    country = StringField(
        _l("Country (if you live outside Canada)"), validators=[Length(max=100)],
        description=_l("Only if you chose “Outside Canada” above."),
        render_kw={"autocomplete": "country-name", "list": "country-names"})
    preferred_language = RadioField(
        _l("Language for our emails"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        validate_choice=False)
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

    # Set by validate_country: the ISO code stored for someone outside Canada.
    country_code = ""

    @classmethod
    def for_forum(cls, consultation, forum):
        form = cls(preferred_language=current_language())
        form.offer_profile_choices(_active_categories(consultation))
        if forum.recorded:
            notice = localized(forum, "recording_notice")
            form.consent_recording.description = notice or _l(
                "The session is recorded to support the analysis. The recording is not published.")
        else:
            del form.consent_recording
        return form

    def offer_profile_choices(self, categories, blank=CHOOSE) -> None:
        """The category and region lists; without categories, the category question is not asked."""
        self.category.choices = [SelectChoice("", blank)] + [
            SelectChoice(str(category.id), localized(category, "name").text) for category in categories]
        if not categories:
            del self.category
        self.region.choices = [SelectChoice("", blank)] + [
            SelectChoice(code, name) for code, name in regions.province_choices()] + [
            SelectChoice(OUTSIDE_CANADA, _l("Outside Canada"))]

    validate_email = valid_email

    def validate_category(self, field):
        if field.data not in _offered(field):
            raise ValidationError(_l("Choose the group that best describes you."))

    def validate_region(self, field):
        if field.data not in _offered(field):
            raise ValidationError(_l("Choose your province or territory, or “Outside Canada”."))

    def validate_country(self, field):
        if self.region.data != OUTSIDE_CANADA:
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the country you live in."))
        code = regions.find_country(field.data)
        if code == regions.CANADA:
            raise ValidationError(_l("For Canada, choose your province or territory in the list above."))
        if code is None:
            raise ValidationError(_l("We do not recognize this country. Check the spelling, or choose it from "
                                     "the suggestions."))
        self.country_code = code

    def validate_preferred_language(self, field):
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Choose the language of our emails."))

    @property
    def region_code(self) -> str:
        return self.country_code if self.region.data == OUTSIDE_CANADA else self.region.data

    @property
    def category_id(self) -> int | None:
        return int(self.category.data) if "category" in self and self.category.data else None

    def profile(self) -> Profile:
        return Profile(name=self.name.data, organisation=self.organisation.data or "", category_id=self.category_id,
                       region=self.region_code, preferred_language=self.preferred_language.data)

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
        if field.data not in _offered(field):
            raise ValidationError(_l("Choose one of the sessions in the list."))

    @property
    def target_id(self) -> int:
        return int(self.forum_id.data)
