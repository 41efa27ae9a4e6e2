"""Staff pages: evaluation results (grouped, small groups kept back), the questions (edited with the
questionnaire builder's form), and the settings."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record as audit_record
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..models import EvaluationItem
from ..permissions import permission_required
from ..questionnaires.forms import MoveForm
from .blueprint import bp
from .forms import EvaluationQuestionForm, SettingsForm
from .items import add_item, items_of, move_item, settings_of, update_item
from .results import SMALL_GROUP, evaluation_results

BASE = "/staff/consultations/<slug>/evaluation"
QUESTION_FORM = "questionnaires/staff/_question_form.html"


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
    return render_template("evaluation/items.html", consultation=consultation, items=listing)


def _item(consultation, evaluation_item_id) -> EvaluationItem:
    item = db.session.get(EvaluationItem, evaluation_item_id)
    if item is None or item.consultation_id != consultation.id:
        abort(404)
    return item


def _items_url(consultation, item=None) -> str:
    return url_for("evaluation.items", slug=consultation.slug, _anchor=f"item-{item.id}" if item else None)


@bp.route(BASE + "/items/new", methods=["GET", "POST"])
@bp.route(BASE + "/items/<int:evaluation_item_id>/edit", methods=["GET", "POST"])
@permission_required("edit_evaluation")
def edit_item(slug, evaluation_item_id=None):
    consultation = get_consultation(slug)
    item = _item(consultation, evaluation_item_id) if evaluation_item_id is not None else None
    form = EvaluationQuestionForm.for_item(item)
    if form.validate_on_submit():
        if item is None:
            item = add_item(consultation, form.values, current_user.id)
            flash(_("The question was added."), "success")
        else:
            changed = update_item(item, form.values, current_user.id)
            flash(_("The question was saved.") if changed else _("Nothing to save: nothing was changed."),
                  "success" if changed else "info")
        db.session.commit()
        return redirect_after_post(_items_url(consultation, item))
    action = (url_for("evaluation.edit_item", slug=slug, evaluation_item_id=item.id) if item
              else url_for("evaluation.edit_item", slug=slug))
    return render_page_or_fragment("evaluation/question.html", QUESTION_FORM,
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   question=item, form=form, action=action, cancel_url=_items_url(consultation))


@bp.post(BASE + "/items/<int:evaluation_item_id>/move")
@permission_required("edit_evaluation")
def move(slug, evaluation_item_id):
    consultation = get_consultation(slug)
    item = _item(consultation, evaluation_item_id)
    form = MoveForm()
    if form.validate_on_submit():
        move_item(item, form.direction.data, current_user.id)
        db.session.commit()
    return redirect_after_post(_items_url(consultation, item))


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
