"""What a refused ledger change tells the person, translated."""
from flask_babel import gettext as _

from .money import shown


def ledger_error(error) -> str:
    code = error.code
    if code == "over_cap":
        return _("This is more than the %(cap)s reimbursed per claim for this expense. Enter at most that amount; "
                 "for more, write to the organizers.", cap=shown(error.details["cap"]))
    messages = {
        "not_eligible": _("Compensation is not offered to this participant's group in this consultation."),
        "not_opted_in": _("You chose not to be compensated. Change that choice above to claim an expense."),
        "kind_not_reimbursed": _("This expense is not reimbursed in this consultation."),
        "zero": _("Enter an amount greater than zero."),
        "not_allowed": _("Your role does not allow you to approve or refuse amounts."),
        "already_decided": _("A decision was already made on this amount."),
        "reason_needed": _("Say why this amount is refused: the participant will read it."),
    }
    return messages.get(code, _("This change could not be made. Please try again."))
