"""The codebook's pages: the list with a form to add a code, one code (edit, merge, retire, restore)."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..consultations import get_consultation
from ..extensions import db
from ..form_fields import ConfirmForm
from ..htmx import redirect_after_post
from ..permissions import permission_required
from . import codebook
from .blueprint import bp
from .coding_forms import (
    CodeForm,
    MergeForm,
)
from .navigation import analysis_breadcrumbs

BASE = "/staff/consultations/<slug>/analysis"
COMMENT = BASE + "/comments/<int:comment_id>"
CODE = BASE + "/codebook/<int:code_id>"
TEMPLATES = "analysis/"


def _codebook_breadcrumbs(consultation, here=None):
    items = [(_("Codebook"), url_for("analysis.codebook", slug=consultation.slug))]
    if here:
        items.append((here, None))
    return analysis_breadcrumbs(consultation, *items)


@bp.route(BASE + "/codebook", methods=["GET", "POST"], endpoint="codebook")
@permission_required("code_comments")
def codebook_page(slug):
    consultation = get_consultation(slug)
    codebook.open_codebook(consultation, current_user.id)
    form = CodeForm()
    form.consultation = consultation
    if form.validate_on_submit():
        try:
            code = codebook.add_code(consultation, form.values(), current_user.id)
        except codebook.CodebookError as error:
            form.shortcut.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The code “%(code)s” was added.", code=codebook.code_name(code)), "success")
            return redirect_after_post(url_for("analysis.codebook", slug=slug, _anchor=f"code-{code.id}"))
    entries = codebook.codebook_entries(consultation)
    groups = [(kind, [entry for entry in entries if entry.code.kind == kind])
              for kind in ("modification", "theme", "other")]
    return render_template(TEMPLATES + "codebook.html", consultation=consultation, groups=groups, form=form,
                           kind_names=codebook.KIND_NAMES, status_names=codebook.STATUS_NAMES,
                           change_names=codebook.CHANGE_NAMES,
                           breadcrumbs=_codebook_breadcrumbs(consultation)), 422 if form.is_submitted() else 200


def _code_or_404(consultation, code_id):
    code = codebook.get_code(consultation, code_id)
    if code is None:
        abort(404)
    return code


def _render_code(consultation, code, form=None, merge_form=None, status=200):
    form = form or CodeForm(obj=code)
    merge_form = merge_form or MergeForm()
    merge_form.target.choices = [SelectChoice(other.id, f"{other.key} – {codebook.code_name(other)}")
                                 for other in codebook.active_codes(consultation) if other.id != code.id]
    return render_template(TEMPLATES + "code.html", consultation=consultation, code=code, form=form,
                           merge_form=merge_form, confirm_form=ConfirmForm(), comments=codebook.comments_with(code),
                           status_names=codebook.STATUS_NAMES, kind_names=codebook.KIND_NAMES,
                           change_names=codebook.CHANGE_NAMES,
                           breadcrumbs=_codebook_breadcrumbs(consultation, code.key)), status


@bp.route(CODE, methods=["GET", "POST"])
@permission_required("code_comments")
def code(slug, code_id):
    consultation = get_consultation(slug)
    codebook.open_codebook(consultation, current_user.id)
    code = _code_or_404(consultation, code_id)
    form = CodeForm(obj=code)
    form.consultation, form.except_id = consultation, code.id
    if form.validate_on_submit():
        try:
            changed = codebook.edit_code(code, form.values(), current_user.id)
        except codebook.CodebookError as error:
            form.shortcut.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The code “%(code)s” was saved.", code=codebook.code_name(code)) if changed
                  else _("Nothing to save: the code was not changed."), "success" if changed else "info")
            return redirect_after_post(url_for("analysis.code", slug=slug, code_id=code.id))
    return _render_code(consultation, code, form=form, status=422 if form.is_submitted() else 200)


@bp.post(CODE + "/merge")
@permission_required("code_comments")
def code_merge(slug, code_id):
    consultation = get_consultation(slug)
    code = _code_or_404(consultation, code_id)
    form = MergeForm()
    form.target.choices = [SelectChoice(other.id, other.key) for other in codebook.active_codes(consultation)
                           if other.id != code.id]
    if form.validate_on_submit():
        target = codebook.get_code(consultation, form.target.data)
        try:
            moved = codebook.merge_code(code, target, current_user.id)
        except codebook.CodebookError as error:
            form.target.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("“%(code)s” was merged into “%(target)s”: %(count)d comments moved.", code=codebook.code_name(code),
                    target=codebook.code_name(target), count=moved), "success")
            return redirect_after_post(url_for("analysis.code", slug=slug, code_id=target.id))
    return _render_code(consultation, code, merge_form=form, status=422)


@bp.post(CODE + "/retire")
@permission_required("code_comments")
def code_retire(slug, code_id):
    return _status_change(slug, code_id, codebook.retire_code, lambda code: _(
        "“%(code)s” is retired: it can no longer be applied; comments that have it keep it.",
        code=codebook.code_name(code)))


@bp.post(CODE + "/restore")
@permission_required("code_comments")
def code_restore(slug, code_id):
    return _status_change(slug, code_id, codebook.restore_code,
                          lambda code: _("“%(code)s” is in use again.", code=codebook.code_name(code)))


def _status_change(slug, code_id, change, success):
    consultation = get_consultation(slug)
    code = _code_or_404(consultation, code_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(code, current_user.id)
    except codebook.CodebookError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(success(code), "success")
    return redirect_after_post(url_for("analysis.code", slug=slug, code_id=code.id))
