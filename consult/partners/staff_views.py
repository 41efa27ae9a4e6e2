"""Staff pages of compensation: the policy, the ledger and its decisions, the finance CSV, attestations."""
from flask import Response, abort, flash, g, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import audit, uploads
from ..consultations import get_consultation
from ..csv_safe import csv_lines
from ..extensions import db
from ..htmx import redirect_after_post
from ..i18n import current_language, localized
from ..models import Forum
from ..models.base import utcnow
from ..participants import regions
from ..permissions import can, permission_required
from . import access, attestation, ledger_export, pool_link, services, targets
from .blueprint import bp
from .forms import AccessForm, DecisionForm, IdentifiedExportForm, PolicyForm, StaffClaimForm, targets_form
from .labels import accommodation_label, entry_label, pool_language_label
from .messages import ledger_error, over_cap_message
from .money import shown

BASE = "/staff/consultations/<slug>/compensation"


@bp.app_template_global()
def money(cents: int) -> str:
    return shown(cents)


bp.add_app_template_global(accommodation_label, "accommodation_label")
bp.add_app_template_global(entry_label, "ledger_entry_label")
bp.add_app_template_filter(pool_language_label, "pool_language")


def breadcrumbs(consultation, here) -> list[tuple[str, str | None]]:
    return [(_("Staff area"), url_for("admin.dashboard")),
            (localized(consultation, "title").text, url_for("admin.structure", slug=consultation.slug)),
            (here, None)]


def _csv(header, rows, filename: str) -> Response:
    response = Response(csv_lines(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.mimetype_params["charset"] = "utf-8"
    return response


@bp.route(BASE + "/policy", methods=["GET", "POST"])
@permission_required("manage_compensation")
def policy(slug):
    consultation = get_consultation(slug)
    current = services.policy_of(consultation)
    categories = [category for category in consultation.categories if category.active]
    form = PolicyForm.for_consultation(categories, current)
    if form.validate_on_submit():
        services.save_policy(consultation, eligible_category_ids=[int(value) for value in form.eligible.data],
                             rate_unit=form.rate_unit.data, forum_rate_cents=form.forum_rate.cents,
                             interview_rate_cents=form.interview_rate.cents, expense_caps=form.caps,
                             actor_id=current_user.id)
        db.session.commit()
        flash(_("The compensation policy is saved."), "success")
        return redirect_after_post(url_for("partners.policy", slug=slug))
    return render_template("partners/policy.html", consultation=consultation, form=form, policy=current,
                           breadcrumbs=breadcrumbs(consultation, _("Compensation policy"))), \
        422 if form.is_submitted() else 200


def _render_ledger(consultation, claim_form=None, status=200, identified_form=None, refused=None):
    """`refused`: (entry id, its DecisionForm) when a decision was refused: that row keeps what was chosen
    and typed, with the reason beside the field."""
    current = services.policy_of(consultation)
    if claim_form is None:
        claim_form = _claim_form(consultation, current)
    return render_template("partners/ledger.html", consultation=consultation, policy=current,
                           entries=services.entries(consultation), totals=services.totals(consultation),
                           claim_form=claim_form, decision_form=DecisionForm(formdata=None), refused=refused,
                           identified_form=identified_form or IdentifiedExportForm(formdata=None),
                           breadcrumbs=breadcrumbs(consultation, _("Compensation ledger"))), status


def _claim_form(consultation, current, **kwargs):
    form = StaffClaimForm.for_policy(current, **kwargs)
    form.participant.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(person.id), f"{person.name or person.pseudonym} ({person.email})")
        for person in services.eligible_participants(consultation)]
    return form


@bp.get(BASE + "/ledger")
@permission_required("manage_compensation")
def ledger(slug):
    return _render_ledger(get_consultation(slug))


@bp.post(BASE + "/ledger/expenses")
@permission_required("manage_compensation")
def staff_claim(slug):
    consultation = get_consultation(slug)
    form = _claim_form(consultation, services.policy_of(consultation))
    if form.validate_on_submit():
        person = next(p for p in services.eligible_participants(consultation) if str(p.id) == form.participant.data)
        try:
            services.claim_expense(person, services.Claim(form.expense_kind.data, form.amount.cents,
                                                          form.description.data or "", form.checked_receipt),
                                   actor_id=current_user.id)
        except services.LedgerError as error:
            db.session.rollback()
            form.amount.errors.append(ledger_error(error))
            return _render_ledger(consultation, form, 422)
        db.session.commit()
        flash(_("The expense is entered and waits for a decision."), "success")
        return redirect_after_post(url_for("partners.ledger", slug=slug))
    return _render_ledger(consultation, form, 422)


@bp.post(BASE + "/ledger/<int:entry_id>/decision")
@permission_required("approve_expenses")
def decide(slug, entry_id):
    consultation = get_consultation(slug)
    entry = services.get_entry(consultation, entry_id) or abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_ledger(consultation, status=422, refused=(entry.id, form))
    try:
        services.decide(entry, form.decision.data == "approve", form.reason.data, current_user)
    except services.LedgerError as error:
        db.session.rollback()
        form.decision.errors = [ledger_error(error)]
        return _render_ledger(consultation, status=422, refused=(entry.id, form))
    db.session.commit()
    if entry.status == "approved":
        flash(_("Approved: %(amount)s.", amount=shown(entry.amount_cents)), "success")
    else:
        flash(_("Refused: %(amount)s.", amount=shown(entry.amount_cents)), "success")
    return redirect_after_post(url_for("partners.ledger", slug=slug, _anchor=f"entry-{entry_id}"))


@bp.get(BASE + "/ledger/<int:entry_id>/receipt")
@permission_required("approve_expenses")
def receipt(slug, entry_id):
    consultation = get_consultation(slug)
    entry = services.get_entry(consultation, entry_id) or abort(404)
    path = uploads.path_of(entry.receipt_file, services.RECEIPTS) or abort(404)
    response = send_file(path, mimetype=entry.receipt_mimetype, as_attachment=True,
                         download_name=entry.receipt_filename)
    response.headers["Cache-Control"] = "no-store"  # a person's receipt: never in a shared cache
    return response


@bp.get(BASE + "/ledger.csv")
@permission_required("export_ledger")
def ledger_csv(slug):
    consultation = get_consultation(slug)
    header, rows = ledger_export.export(consultation, actor_id=current_user.id)
    db.session.commit()
    return _csv(header, rows, f"ledger-{consultation.slug}.csv")


@bp.post(BASE + "/ledger-with-names.csv")
@permission_required("export_identified_data")
def ledger_csv_identified(slug):
    consultation = get_consultation(slug)
    form = IdentifiedExportForm()
    if not form.validate_on_submit():
        return _render_ledger(consultation, status=422, identified_form=form)
    header, rows = ledger_export.export(consultation, actor_id=current_user.id, identified=True,
                                        reason=form.reason.data.strip())
    db.session.commit()
    return _csv(header, rows, f"ledger-{consultation.slug}-names.csv")


@bp.get(BASE + "/attestations.zip")
@permission_required("issue_attestations")
def attestations(slug):
    consultation = get_consultation(slug)
    data, count = attestation.bulk_zip(consultation, utcnow())
    audit.record(current_user.id, "attestations.issued", "consultation", consultation.id, consultation.id,
                 count=count)
    db.session.commit()
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="attestations-{consultation.slug}.zip"'
    return response


@bp.route("/staff/consultations/<slug>/forums/<int:forum_id>/access", methods=["GET", "POST"])
@permission_required("run_forums")
def forum_access(slug, forum_id):
    consultation = get_consultation(slug)
    forum = db.session.get(Forum, forum_id)
    if forum is None or forum.consultation_id != consultation.id:
        abort(404)
    form = AccessForm(data={"mode": access.mode_of(forum)} if request.method == "GET" else None)
    if form.validate_on_submit() and _screened(form, forum):
        access.set_mode(forum, form.mode.data, current_user.id)
        made = access.invite(forum, form.addresses, current_user.id, _invitation_language(forum))
        db.session.commit()
        flash(ngettext("Saved. %(num)d invitation is on its way.", "Saved. %(num)d invitations are on their way.",
                       len(made)), "success")
        return redirect_after_post(url_for("partners.forum_access", slug=slug, forum_id=forum_id))
    return render_template("partners/access.html", consultation=consultation, forum=forum, form=form,
                           invitations=access.invitations(forum),
                           breadcrumbs=breadcrumbs(consultation, _("Who may sign up"))), \
        422 if form.is_submitted() else 200


def _screened(form, forum) -> bool:
    """Nobody who left the pool is invited; members already asked often need the box ticked."""
    already = {item.email for item in access.invitations(forum)}
    left, often = pool_link.screen([email for email in form.addresses if email not in already], g.now)
    if left:
        form.emails.errors.append(ngettext(
            "%(addresses)s left our pool of partners and asked not to be invited again. Remove this address.",
            "%(addresses)s left our pool of partners and asked not to be invited again. Remove these addresses.",
            len(left), addresses=", ".join(left)))
    if often and not form.confirm_over_cap.data:
        form.confirm_over_cap.errors.append(over_cap_message(", ".join(often)))
    return not left and not (often and not form.confirm_over_cap.data)


def _invitation_language(forum) -> str:
    """The session's language; for a bilingual session, the interface's."""
    return forum.language if forum.language in ("fr", "en") else current_language()


@bp.route("/staff/consultations/<slug>/representation", methods=["GET", "POST"])
@permission_required("read_participation")
def representation(slug):
    consultation = get_consultation(slug)
    categories = [category for category in consultation.categories if category.active]
    form = targets_form(categories, regions.province_choices(), targets.targets_of(consultation))
    if request.method == "POST":
        if not can("set_targets"):
            abort(403)
        if form.validate_on_submit():
            targets.save(consultation, {str(c.id): form[f"category_{c.id}"].data for c in categories},
                         {field.name.removeprefix("region_"): field.data for field in form.region_fields},
                         current_user.id)
            db.session.commit()
            flash(_("The representation targets are saved."), "success")
            return redirect_after_post(url_for("partners.representation", slug=slug))
    by_category, by_region = targets.progress(consultation)
    return render_template("partners/representation.html", consultation=consultation, form=form,
                           by_category=by_category, by_region=by_region,
                           breadcrumbs=breadcrumbs(consultation, _("Representation targets"))), \
        422 if form.is_submitted() else 200


@bp.app_template_global()
def representation_missing(consultation) -> list:
    """The groups and regions still short of their target (for the participation dashboard)."""
    by_category, by_region = targets.progress(consultation)
    return [line for line in [*by_category, *by_region] if line.missing]
