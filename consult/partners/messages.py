"""What a refused ledger change tells the person, translated."""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..submissions.forms import megabytes
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


def receipt_problem(refused) -> str:
    """Why a receipt file was refused (consult.uploads.UploadRefused)."""
    if refused.code == "too_big":
        return _("This receipt is larger than %(size)s MB. Take a smaller photo or choose another file.",
                 size=megabytes(refused.details["max_bytes"]))
    if refused.code == "empty":
        return _("This receipt file is empty. Choose the file again.")
    if refused.code == "mismatch":
        return _("This file's name ends in .%(named)s but its content is something else. Check that you chose "
                 "the right file.", named=refused.details["named"])
    return _("A receipt must be a photo (JPEG or PNG) or a document (PDF, Word, OpenDocument or text). This file "
             "is neither: its content was checked, not its name.")


def over_cap_message(names: str) -> str:
    """The warning before one more invitation to people asked as often as the cap allows."""
    cap = current_app.config["POOL_INVITATION_CAP"]
    return ngettext("Already asked %(num)d time or more in the last 12 months: %(names)s. Tick the box to invite "
                    "them anyway.",
                    "Already asked %(num)d times or more in the last 12 months: %(names)s. Tick the box to invite "
                    "them anyway.", cap, names=names)
