"""Forms of the staff accounts pages. Role choices name the consultations, so they are set per request."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forums.organizer_forms import TopicChecklist
from ..i18n import localized
from ..models.staff import ROLES
from ..participants.services import InvalidEmail, normalise_email
from .staff_accounts import Grant

ROLE_LABELS = {
    "admin": _l("administrator"),
    "organizer": _l("organizer"),
    "analyst": _l("analyst"),
    "coordinator": _l("coordinator"),
}


class RolesForm(FlaskForm):
    site_roles = TopicChecklist(_l("Roles in every consultation"), validate_choice=True)
    scoped_roles = TopicChecklist(_l("Roles in one consultation only"), validate_choice=True,
                                  description=_l("Someone whose roles are all in one consultation sees no other."))

    def __init__(self, consultations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultations = consultations
        self.site_roles.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
        self.scoped_roles.choices = [SelectChoice(f"{role}:{item.id}", ROLE_LABELS[role])
                                     for item in consultations for role in ROLES if role != "admin"]

    def scoped_groups(self):
        """The scoped checkboxes grouped by consultation, for one fieldset each."""
        choices = {choice.data: choice for choice in self.scoped_roles}
        return [(item, localized(item, "title"), [choices[f"{role}:{item.id}"] for role in ROLES if role != "admin"])
                for item in self.consultations]

    def grants(self) -> list[Grant]:
        site = [Grant(role, None) for role in self.site_roles.data or []]
        scoped = []
        for value in self.scoped_roles.data or []:
            role, _sep, consultation_id = value.partition(":")
            if role not in self.site_roles.data:  # held everywhere already
                scoped.append(Grant(role, int(consultation_id)))
        return site + scoped

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.grants():
            self.site_roles.errors.append(_l("Choose at least one role, in every consultation or in one."))
            return False
        return valid


class InviteForm(RolesForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter the email address."))])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    language = RadioField(_l("Language of the invitation"), choices=[SelectChoice("fr", _l("French")),
                                                                      SelectChoice("en", _l("English"))],
                          default="fr")

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data or "")
        except (InvalidEmail, ValueError) as error:
            raise ValidationError(_l("Enter an email address such as name@example.org.")) from error


class LinkForm(FlaskForm):
    """Deactivate, reactivate, send a reset link: a CSRF token and nothing else."""

