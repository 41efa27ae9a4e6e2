"""The participant's profile: the questions a person answers about themselves (name, organisation,
group, province or country, language of our emails). The forum sign-up, the questionnaire's start
and profile pages and the "My data" profile are this form with what each of them adds."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ..i18n import LANGUAGE_NAMES, LANGUAGES, localized
from . import regions
from .fields import OUTSIDE_CANADA, name_field, organisation_field
from .services import Profile

CHOOSE = _l("Choose…")  # the empty first choice of a list


def offered(field) -> set[str]:
    return {choice.value for choice in field.choices if choice.value}


class ProfileForm(FlaskForm):
    """The profile questions; a form composing it adds its email and consent questions."""

    name = name_field()
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

    # The order the pages show the fields in (_macros/identity.html), which the error summary follows;
    # what a composing form adds comes after.
    PAGE_ORDER = ("name", "email", "organisation", "category", "region", "country", "preferred_language")

    # Set by validate_country: the ISO code stored for someone outside Canada.
    country_code = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = [name for name in self.PAGE_ORDER if name in self._fields]
        self._fields = {name: self._fields[name] for name in [*first, *(n for n in self._fields if n not in first)]}

    def offer_profile_choices(self, categories, blank=CHOOSE) -> None:
        """The category and region lists; without categories, the category question is not asked."""
        self.category.choices = [SelectChoice("", blank)] + [
            SelectChoice(str(category.id), localized(category, "name").text) for category in categories]
        if not categories:
            del self.category
        self.region.choices = [SelectChoice("", blank)] + [
            SelectChoice(code, name) for code, name in regions.province_choices()] + [
            SelectChoice(OUTSIDE_CANADA, _l("Outside Canada"))]

    # Set by offer_languages when the consultation is held in one language: nothing to choose.
    only_language = ""

    def offer_languages(self, held) -> None:
        """Only the languages the consultation is held in; with one, the question is not asked."""
        held = [code for code in LANGUAGES if code in (held or LANGUAGES)] or list(LANGUAGES)
        if len(held) == 1:
            self.only_language = held[0]
            del self.preferred_language
            return
        self.preferred_language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in held]

    def validate_category(self, field):
        if field.data not in offered(field):
            raise ValidationError(_l("Choose the group that best describes you."))

    def validate_region(self, field):
        if field.data not in offered(field):
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
                       region=self.region_code,
                       preferred_language=self.only_language or self.preferred_language.data)
