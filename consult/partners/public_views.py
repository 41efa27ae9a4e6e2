"""The participant's compensation page behind their personal link: their choice, their expense claims,
the ledger's decisions, and their attestation of participation."""
from flask import current_app, flash, g, make_response, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db, limiter
from ..htmx import redirect_after_post
from ..models import Consultation
from ..security import personal_pages
from ..tokens import LinkError
from . import attestation, services
from .blueprint import bp
from .forms import ChoiceForm, ClaimForm
from .messages import ledger_error

PERSONAL_ENDPOINTS = {"partners.personal", "partners.choice", "partners.claim", "partners.attestation_pdf"}

bp.after_request(personal_pages(PERSONAL_ENDPOINTS))


def _limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.errorhandler(LinkError)
def _bad_link(error):
    status = 410 if error.reason == "expired" else 404
    return render_template("forums/link_error.html", reason=error.reason), status


@bp.app_template_global()
def compensation_link(participant) -> str:
    """The participant's compensation and attestation page."""
    return url_for("partners.personal", token=services.personal_token(participant))


def _render(participant, token, choice_form=None, claim_form=None, status=200):
    policy = services.policy_of_participant(participant)
    eligible = policy is not None and policy.eligible(participant)
    opted = services.opted_in(participant)
    if choice_form is None:
        choice_form = ChoiceForm(formdata=None, opted_in="yes" if opted else "no")
    if claim_form is None:
        claim_form = ClaimForm.for_policy(policy, formdata=None)
    return render_template("partners/personal.html", participant=participant, token=token, policy=policy,
                           eligible=eligible, opted_in=opted, entries=services.entries_of(participant),
                           sessions=services.attended_sessions(participant), choice_form=choice_form,
                           claim_form=claim_form,
                           consultation=db.session.get(Consultation, participant.consultation_id)), status


@bp.get("/compensation/<token>")
def personal(token):
    return _render(services.participant_from_token(token), token)


@bp.post("/compensation/<token>/choice")
@limiter.limit(_limit)
def choice(token):
    participant = services.participant_from_token(token)
    form = ChoiceForm()
    if not form.validate_on_submit():
        return _render(participant, token, choice_form=form, status=422)
    opted = form.opted_in.data == "yes"
    services.set_choice(participant, opted)
    db.session.commit()
    flash(_("Your choice is saved: you will be compensated.") if opted
          else _("Your choice is saved: you take part without compensation."), "success")
    return redirect_after_post(url_for("partners.personal", token=token))


@bp.post("/compensation/<token>/expenses")
@limiter.limit(_limit)
def claim(token):
    participant = services.participant_from_token(token)
    policy = services.policy_of_participant(participant)
    form = ClaimForm.for_policy(policy)
    if form.validate_on_submit():
        try:
            services.claim_expense(participant, services.Claim(form.expense_kind.data, form.amount.cents,
                                                               form.description.data or "", form.checked_receipt))
        except services.LedgerError as error:
            db.session.rollback()
            form.amount.errors.append(ledger_error(error))
            return _render(participant, token, claim_form=form, status=422)
        db.session.commit()
        flash(_("Your expense is sent. The coordinator will approve or refuse it."), "success")
        return redirect_after_post(url_for("partners.personal", token=token))
    return _render(participant, token, claim_form=form, status=422)


@bp.get("/compensation/<token>/attestation.pdf")
def attestation_pdf(token):
    participant = services.participant_from_token(token)
    if not services.attended_sessions(participant):
        # Nothing to attest yet: a PDF saying "took part" above "no participation recorded" helps no one.
        flash(_("The attestation can be downloaded once a session you attended is recorded."), "error")
        return redirect_after_post(url_for("partners.personal", token=token) + "#attestation-title")
    response = make_response(attestation.build(participant, g.now))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="attestation-{participant.pseudonym}.pdf"'
    return response
