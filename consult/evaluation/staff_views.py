"""Staff pages: evaluation results (grouped, small groups kept back), the items, and the settings."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record as audit_record
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..models import EvaluationItem
from ..permissions import permission_required
from .blueprint import bp
from .forms import ItemForm, SettingsForm
from .items import KIND_LABELS, items_of, save_item, settings_of
from .results import SMALL_GROUP, evaluation_results

BASE = "/staff/consultations/<slug>/evaluation"


@bp.get(BASE + "/")
@permission_required("read_evaluation")
def results(slug):
    consultation = get_consultation(slug)
    outcome = evaluation_results(consultation)
    db.session.commit()  # the starting items, made the first time
    return render_template("evaluation/results.html", consultation=consultation, results=outcome,
                           small_group=SMALL_GROUP)


@bp.get(BASE + "/items")
@permission_required("edit_evaluation")
def items(slug):
    consultation = get_consultation(slug)
    listing = items_of(consultation, active_only=False)
    db.session.commit()
    return render_template("evaluation/items.html", consultation=consultation, items=listing,
                           kind_labels=KIND_LABELS, form=ItemForm(formdata=None))


@bp.route(BASE + "/items/new", methods=["GET", "POST"])
@bp.route(BASE + "/items/<int:evaluation_item_id>/edit", methods=["GET", "POST"])
@permission_required("edit_evaluation")
def edit_item(slug, evaluation_item_id=None):
    consultation = get_consultation(slug)
    item = None
    if evaluation_item_id is not None:
        item = db.session.get(EvaluationItem, evaluation_item_id)
        if item is None or item.consultation_id != consultation.id:
            abort(404)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        save_item(consultation, item, form.data, current_user.id)
        db.session.commit()
        flash(_("Evaluation question saved."), "success")
        return redirect_after_post(url_for("evaluation.items", slug=slug))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("evaluation/item_edit.html", "evaluation/_item_form.html", status=status,
                                   consultation=consultation, item=item, form=form)


@bp.route("/staff/consultations/<slug>/engagement-settings", methods=["GET", "POST"])
@permission_required("set_engagement_targets")
def settings(slug):
    consultation = get_consultation(slug)
    current = settings_of(consultation)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        before = {"evaluation_delay_minutes": current.evaluation_delay_minutes,
                  "readability_target": current.readability_target}
        current.evaluation_delay_minutes = form.evaluation_delay_minutes.data
        current.readability_target = form.readability_target.data
        audit_record(current_user.id, "engagement_settings.edit", "consultation", consultation.id, consultation.id,
                     before=before, after={"evaluation_delay_minutes": current.evaluation_delay_minutes,
                                           "readability_target": current.readability_target})
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect_after_post(url_for("evaluation.settings", slug=slug))
    status = 422 if form.is_submitted() else 200
    db.session.commit()
    return render_template("evaluation/settings.html", consultation=consultation, form=form), status
