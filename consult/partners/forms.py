"""Forms of the partners area: the policy, claims, decisions, the participant's choice, exports."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import upload_images, uploads
from ..form_fields import WholeNumberField
from ..i18n import localized
from ..models.compensation import EXPENSE_KINDS
from ..participants.services import InvalidEmail, normalise_email
from .labels import ACCOMMODATION_LABELS, EXPENSE_LABELS, POOL_LANGUAGE_LABELS  # noqa: F401  (sign-up uses them)
from .messages import receipt_problem
from .money import BadAmount, parse_cents, plain

AMOUNT_MESSAGES = {
    "format": _l("Enter an amount in dollars, for example 12.50."),
    "negative": _l("An amount cannot be negative."),
    "absurd": _l("This amount is far too large. Check the number of digits."),
}
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
NOT_REIMBURSED = _l("Leave blank if this expense is not reimbursed.")


class Checklist(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MoneyField(StringField):
    """Dollars as typed ("12,50", "12.50 $"); `cents` holds the value read, None when left blank."""

    cents: int | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.cents = None

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            self.cents = None
            return
        try:
            self.cents = parse_cents(text)
        except BadAmount as error:
            raise ValidationError(AMOUNT_MESSAGES[error.code]) from error


def required_amount(form, field):
    if field.cents is None and not field.errors:  # an amount that could not be read is said once
        raise ValidationError(_l("Enter the amount."))


def cap_above_zero(form, field):
    if field.cents == 0:
        raise ValidationError(_l("A largest amount of 0 would refuse every claim: leave it blank if this expense "
                                 "is not reimbursed."))


class PolicyForm(FlaskForm):
    eligible = Checklist(_l("Who is eligible"), validate_choice=False,
                         description=_l("The groups of participants who may be compensated."))
    rate_unit = RadioField(_l("The rates are paid"), choices=[SelectChoice("session", _l("per session")),
                                                             SelectChoice("hour", _l("per hour"))], default="session")
    forum_rate = MoneyField(_l("Rate for a forum ($)"), validators=[required_amount])
    interview_rate = MoneyField(_l("Rate for an interview ($)"), validators=[required_amount])
    cap_respite = MoneyField(_l("Respite care: largest amount per claim ($)"),
                             validators=[cap_above_zero], description=NOT_REIMBURSED)
    cap_parking = MoneyField(_l("Parking: largest amount per claim ($)"),
                             validators=[cap_above_zero], description=NOT_REIMBURSED)
    cap_travel = MoneyField(_l("Travel: largest amount per claim ($)"),
                            validators=[cap_above_zero], description=NOT_REIMBURSED)
    cap_other = MoneyField(_l("Other expenses: largest amount per claim ($)"),
                           validators=[cap_above_zero], description=NOT_REIMBURSED)

    @classmethod
    def for_consultation(cls, categories, policy=None, **kwargs):
        if policy is not None and not kwargs.get("formdata"):
            data = {"eligible": [str(i) for i in policy.eligible_category_ids or []], "rate_unit": policy.rate_unit,
                    "forum_rate": plain(policy.forum_rate_cents), "interview_rate": plain(policy.interview_rate_cents)}
            for kind in EXPENSE_KINDS:
                cap = policy.cap_for(kind)
                data[f"cap_{kind}"] = plain(cap) if cap is not None else ""
            kwargs.setdefault("data", data)
        form = cls(**kwargs)
        form.eligible.choices = [SelectChoice(str(c.id), localized(c, "name").text) for c in categories]
        return form

    def validate_eligible(self, field):
        offered = {choice.value for choice in field.choices}
        if not field.data:
            raise ValidationError(_l("Choose at least one group."))
        if any(value not in offered for value in field.data):
            raise ValidationError(_l("Choose among the groups listed."))

    @property
    def caps(self) -> dict[str, int]:
        return {kind: getattr(self, f"cap_{kind}").cents for kind in EXPENSE_KINDS
                if getattr(self, f"cap_{kind}").cents is not None}


class ClaimForm(FlaskForm):
    expense_kind = SelectField(_l("Kind of expense"), validate_choice=False)
    amount = MoneyField(_l("Amount ($)"), validators=[required_amount])
    description = TextAreaField(_l("Details (optional)"), validators=[Length(max=1000)], render_kw={"rows": 2})
    receipt = FileField(_l("Receipt (optional)"),
                        description=_l("A photo (JPEG, PNG) or a PDF, Word, OpenDocument or text file, up to 10 MB."))

    checked_receipt = None

    @classmethod
    def for_policy(cls, policy, **kwargs):
        form = cls(**kwargs)
        form.expense_kind.choices = [SelectChoice(kind, EXPENSE_LABELS[kind]) for kind in EXPENSE_KINDS
                                     if policy is not None and policy.cap_for(kind) is not None]
        return form

    def validate_expense_kind(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the expenses that are reimbursed."))

    def validate_receipt(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.checked_receipt = upload_images.check_document_or_image(
                uploads.read_limited(upload.stream, RECEIPT_MAX_BYTES), upload.filename, RECEIPT_MAX_BYTES)
        except uploads.UploadRefused as refused:
            raise ValidationError(receipt_problem(refused)) from refused


class StaffClaimForm(ClaimForm):
    participant = SelectField(_l("Participant"), validate_choice=False)

    def validate_participant(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a participant in the list."))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                          SelectChoice("refuse", _l("Refuse"))],
                          validators=[DataRequired(message=_l("Choose to approve or refuse."))])
    reason = StringField(_l("Reason (required to refuse)"), validators=[Length(max=500)])

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError(_l("Say why this amount is refused: the participant will read it."))


class ChoiceForm(FlaskForm):
    opted_in = RadioField(_l("Compensation"), choices=[SelectChoice("yes", _l("Yes, I wish to be compensated")),
                                                      SelectChoice("no", _l("No, I take part without compensation"))],
                          validators=[DataRequired(message=_l("Choose yes or no."))])


class IdentifiedExportForm(FlaskForm):
    reason = StringField(_l("Why names are needed"), validators=[
        DataRequired(message=_l("Say why this export needs names: it is recorded.")), Length(max=500)])


class AccessForm(FlaskForm):
    mode = RadioField(_l("Who may sign up"), choices=[
        SelectChoice("open", _l("Anyone")),
        SelectChoice("invitation", _l("Only the people invited to this session")),
        SelectChoice("track", _l("The members of this session's track (invited to or registered for one of its "
                                 "sessions)"))], default="open")
    emails = TextAreaField(_l("Invite these addresses"), render_kw={"rows": 5},
                           description=_l("One address per line. Each receives an email with a personal link to "
                                          "sign up."))
    confirm_over_cap = BooleanField(_l("Invite them even though some were asked often in the last 12 months"))

    addresses: list[str] = []

    def validate_emails(self, field):
        self.addresses = []
        bad = []
        for line in (field.data or "").replace(",", "\n").replace(";", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                self.addresses.append(normalise_email(line))
            except InvalidEmail:
                bad.append(line)
        if bad:
            raise ValidationError(_l("These addresses are not valid: %(addresses)s", addresses=", ".join(bad)))


def targets_form(categories, provinces, row=None, **kwargs):
    """One optional whole number per category and per province or territory."""

    class TargetsForm(FlaskForm):
        pass

    data = {}
    for category in categories:
        name = f"category_{category.id}"
        setattr(TargetsForm, name, WholeNumberField(localized(category, "name").text,
                                                validators=[Optional(), NumberRange(min=0, max=100000)]))
        if row is not None:
            data[name] = (row.by_category or {}).get(str(category.id))
    for code, label in provinces:
        name = f"region_{code}"
        setattr(TargetsForm, name, WholeNumberField(label, validators=[Optional(), NumberRange(min=0, max=100000)]))
        if row is not None:
            data[name] = (row.by_region or {}).get(code)
    if row is not None and not kwargs.get("formdata"):
        kwargs.setdefault("data", data)
    form = TargetsForm(**kwargs)
    form.category_fields = [form[f"category_{category.id}"] for category in categories]
    form.region_fields = [form[f"region_{code}"] for code, _label in provinces]
    return form


class PoolInviteForm(FlaskForm):
    forum = SelectField(_l("Session to invite them to"), validate_choice=False)
    members = Checklist(_l("People to invite"), validate_choice=False)
    confirm_over_cap = BooleanField(_l("Invite them even though some were asked often in the last 12 months"))

    def validate_forum(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the sessions in the list."))

    def validate_members(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one person."))
        if any(not value.isdigit() for value in field.data):
            raise ValidationError(_l("Choose among the people listed."))


class MatchDecisionForm(FlaskForm):
    """Two buttons named "decision": the one pressed is the answer."""
    decision = RadioField(_l("Decision"), choices=[SelectChoice("merge", _l("Same person: merge")),
                                                   SelectChoice("apart", _l("Keep apart"))],
                          validators=[DataRequired(message=_l("Choose to merge or keep apart."))])


class PoolLanguagesForm(FlaskForm):
    languages = Checklist(_l("The languages you can take part in"), validate_choice=False,
                          choices=[SelectChoice(code, label) for code, label in POOL_LANGUAGE_LABELS.items()])

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one language."))
        if any(value not in POOL_LANGUAGE_LABELS for value in field.data):
            raise ValidationError(_l("Choose among the languages listed."))


class LeavePoolForm(FlaskForm):
    """Only the CSRF token: the button is the one click."""
