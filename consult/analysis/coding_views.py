"""The coding side of the workspace: the actions of a comment row, the codebook, the topic memos,
the second coder's queue and the agreement page.

Row actions answer htmx with the row itself (200 when applied, 409 when the page was out of date,
400 for a code or topic that cannot be used, 422 for a missing reason); without JavaScript they
redirect back to the list the person was on, with its filters, at `#comment-<id>`, or show the row
alone in a page with the same statuses.
"""
from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..admin.services import get_consultation
from ..auth.roles import role_required
from ..extensions import db
from ..htmx import is_htmx, redirect_after_post
from ..i18n import language_name, localized
from . import bp, browse_views, codebook, coding, memos, second_coding
from .coding_forms import (
    BlindToggleForm,
    CodeForm,
    ConfirmForm,
    DoneForm,
    FlagForm,
    HideForm,
    LanguageForm,
    MemoForm,
    MergeForm,
    MoveForm,
    RowForm,
    SampleForm,
    SettleForm,
    StanceForm,
    ToggleCodeForm,
)
from .navigation import analysis_breadcrumbs, safe_back
from .rows import ASSIGNERS, CODERS, STANCE_NAMES, blind_row_states, row_states

BASE = "/staff/consultations/<slug>/analysis"
COMMENT = BASE + "/comments/<int:comment_id>"
CODE = BASE + "/codebook/<int:code_id>"
TEMPLATES = "analysis/"


bp.add_app_template_global(analysis_breadcrumbs)


@bp.app_template_global()
def coding_shortcuts(consultation) -> list:
    """The codes that answer to a key, for the keyboard help."""
    return [code for code in codebook.active_codes(consultation) if code.shortcut]


def code_name(code) -> str:
    return localized(code, "label").text or code.key


# -- a comment row -------------------------------------------------------------------------------

def _row_response(consultation, comment, back: str, status: int, message: str, kind: str, **extra):
    """The row as it is now, with a message: swapped in by htmx, or shown alone in a page."""
    db.session.expire(comment)
    row = row_states([comment], current_user)[comment.id]
    row.back = back
    for name, value in extra.items():
        setattr(row, name, value)
    if is_htmx():
        row.message, row.message_kind = message, kind
        page = render_template(TEMPLATES + "_comment.html", comment=comment, row=row)
    else:  # the page says it once, above the row
        page = render_template(TEMPLATES + "comment.html", consultation=consultation, comment=comment, row=row,
                               message=message, message_kind=kind)
    response = make_response(page, status)
    response.vary.add("HX-Request")
    return response


def _done(consultation, comment, back: str, message: str):
    if is_htmx():
        return _row_response(consultation, comment, back, 200, message, "success")
    flash(message, "success")
    return redirect_after_post(back.split("#")[0] + f"#comment-{comment.id}")


def _stale(consultation, comment, back: str):
    db.session.rollback()
    return _row_response(consultation, comment, back, 409, _(
        "Someone else changed this comment after your page was shown: nothing was applied. Here it is as it "
        "is now; do it again if it is still needed."), "error")


def _refused(consultation, comment, back: str, message: str, status: int = 400, **extra):
    db.session.rollback()
    return _row_response(consultation, comment, back, status, message, "error", **extra)


def _row_action(slug, comment_id, form_class, apply, missing_reason=None, open_on_refusal=False):
    """Parse the row form, let `apply(comment, form)` make the change and say what it did, answer with the row.

    `missing_reason` is (action, message) for a form that asks for a reason: leaving it out is refused with 422,
    the actions kept open with what was typed. `open_on_refusal` keeps them open when the service refuses the
    choice, for a choice made there.
    """
    consultation = get_consultation(slug)
    comment = coding.get_comment(consultation, comment_id)
    if comment is None:
        abort(404)
    form = form_class()
    back = safe_back(form.next.data, consultation)
    if not form.validate_on_submit():
        if missing_reason is None or set(form.errors) - {"reason"}:
            return _refused(consultation, comment, back, _("The form was incomplete: reload the page and try again."))
        action, message = missing_reason
        # Left out, the reason gets the action's own message; typed but refused (too long), the field's.
        headline = form.reason.errors[0] if (form.reason.data or "").strip() else message(comment)
        return _refused(consultation, comment, back, headline, status=422, open_actions=True,
                        errors={action: form.reason.errors[0]}, typed={action: form.reason.data or ""})
    try:
        message = apply(comment, form)
    except coding.InvalidChoice as error:
        return _refused(consultation, comment, back, str(error), open_actions=open_on_refusal)
    except coding.StaleRevision:
        return _stale(consultation, comment, back)
    db.session.commit()
    return _done(consultation, comment, back, message)


@bp.post(COMMENT + "/codes")
@role_required(*CODERS)
def comment_codes(slug, comment_id):
    def apply(comment, form):
        code, applied = coding.toggle_code(comment, form.code_id.data, form.revision.data, current_user.id)
        return (_("Comment %(number)d: code “%(code)s” applied.", number=comment.id, code=code_name(code))
                if applied else
                _("Comment %(number)d: code “%(code)s” removed.", number=comment.id, code=code_name(code)))
    return _row_action(slug, comment_id, ToggleCodeForm, apply)


@bp.post(COMMENT + "/topic")
@role_required(*CODERS)
def comment_move(slug, comment_id):
    def apply(comment, form):
        previous = comment.topic_id
        topic = coding.move_comment(comment, form.topic_id.data, form.revision.data, current_user.id)
        where = f"{topic.code} {localized(topic, 'title').text}"
        return (_("Comment %(number)d: its place under %(topic)s is confirmed.", number=comment.id, topic=where)
                if previous == topic.id else
                _("Comment %(number)d moved to %(topic)s.", number=comment.id, topic=where))
    return _row_action(slug, comment_id, MoveForm, apply, open_on_refusal=True)


@bp.post(COMMENT + "/stance")
@role_required(*CODERS)
def comment_stance(slug, comment_id):
    def apply(comment, form):
        coding.set_stance(comment, form.stance.data, form.revision.data, current_user.id)
        return _("Comment %(number)d: stance “%(stance)s” saved.", number=comment.id,
                 stance=STANCE_NAMES[form.stance.data])
    return _row_action(slug, comment_id, StanceForm, apply)


@bp.post(COMMENT + "/language")
@role_required(*CODERS)
def comment_language(slug, comment_id):
    def apply(comment, form):
        coding.set_language(comment, form.language.data, form.revision.data, current_user.id)
        return _("Comment %(number)d: language set to %(language)s.", number=comment.id,
                 language=language_name(form.language.data))
    return _row_action(slug, comment_id, LanguageForm, apply)


@bp.post(COMMENT + "/hide")
@role_required(*CODERS)
def comment_hide(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "hidden", form.reason.data, form.revision.data, current_user.id)
        return _("Comment %(number)d hidden.", number=comment.id)
    return _row_action(slug, comment_id, HideForm, apply, missing_reason=(
        "hide", lambda comment: _("Comment %(number)d was not hidden: say why.", number=comment.id)))


@bp.post(COMMENT + "/flag")
@role_required(*CODERS)
def comment_flag(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "flagged", form.reason.data, form.revision.data, current_user.id)
        return _("Comment %(number)d flagged.", number=comment.id)
    return _row_action(slug, comment_id, FlagForm, apply, missing_reason=(
        "flag", lambda comment: _("Comment %(number)d was not flagged.", number=comment.id)))


@bp.post(COMMENT + "/restore")
@role_required(*CODERS)
def comment_restore(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "visible", "", form.revision.data, current_user.id)
        return _("Comment %(number)d is visible again.", number=comment.id)
    return _row_action(slug, comment_id, RowForm, apply)


@bp.post(COMMENT + "/reviewed")
@role_required(*CODERS)
def comment_reviewed(slug, comment_id):
    def apply(comment, form):
        coding.mark_reviewed(comment, form.revision.data, current_user.id)
        return _("Comment %(number)d marked reviewed.", number=comment.id)
    return _row_action(slug, comment_id, RowForm, apply)


# -- codebook ------------------------------------------------------------------------------------

def _open_codebook(consultation) -> None:
    """Opening the codebook adds the codes of themes added to the structure since."""
    if codebook.ensure_codebook(consultation, current_user.id):
        db.session.commit()


def _codebook_breadcrumbs(consultation, here=None):
    items = [(_("Codebook"), url_for("analysis.codebook", slug=consultation.slug))]
    if here:
        items.append((here, None))
    return analysis_breadcrumbs(consultation, *items)


@bp.route(BASE + "/codebook", methods=["GET", "POST"], endpoint="codebook")
@role_required(*CODERS)
def codebook_page(slug):
    consultation = get_consultation(slug)
    _open_codebook(consultation)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            code = codebook.add_code(consultation, form.values(), current_user.id)
        except codebook.CodebookError as error:
            form.shortcut.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The code “%(code)s” was added.", code=code_name(code)), "success")
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
    merge_form.target.choices = [SelectChoice(other.id, f"{other.key} – {code_name(other)}")
                                 for other in codebook.active_codes(consultation) if other.id != code.id]
    return render_template(TEMPLATES + "code.html", consultation=consultation, code=code, form=form,
                           merge_form=merge_form, confirm_form=ConfirmForm(), comments=codebook.comments_with(code),
                           status_names=codebook.STATUS_NAMES, kind_names=codebook.KIND_NAMES,
                           change_names=codebook.CHANGE_NAMES,
                           breadcrumbs=_codebook_breadcrumbs(consultation, code.key)), status


@bp.route(CODE, methods=["GET", "POST"])
@role_required(*CODERS)
def code(slug, code_id):
    consultation = get_consultation(slug)
    _open_codebook(consultation)
    code = _code_or_404(consultation, code_id)
    form = CodeForm(obj=code)
    if form.validate_on_submit():
        try:
            changed = codebook.edit_code(code, form.values(), current_user.id)
        except codebook.CodebookError as error:
            form.shortcut.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The code “%(code)s” was saved.", code=code_name(code)) if changed
                  else _("Nothing to save: the code was not changed."), "success" if changed else "info")
            return redirect_after_post(url_for("analysis.code", slug=slug, code_id=code.id))
    return _render_code(consultation, code, form=form, status=422 if form.is_submitted() else 200)


@bp.post(CODE + "/merge")
@role_required(*CODERS)
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
            flash(_("“%(code)s” was merged into “%(target)s”: %(count)d comments moved.", code=code_name(code),
                    target=code_name(target), count=moved), "success")
            return redirect_after_post(url_for("analysis.code", slug=slug, code_id=target.id))
    return _render_code(consultation, code, merge_form=form, status=422)


@bp.post(CODE + "/retire")
@role_required(*CODERS)
def code_retire(slug, code_id):
    return _status_change(slug, code_id, codebook.retire_code, lambda code: _(
        "“%(code)s” is retired: it can no longer be applied; comments that have it keep it.", code=code_name(code)))


@bp.post(CODE + "/restore")
@role_required(*CODERS)
def code_restore(slug, code_id):
    return _status_change(slug, code_id, codebook.restore_code,
                          lambda code: _("“%(code)s” is in use again.", code=code_name(code)))


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


# -- memo ----------------------------------------------------------------------------------------

@bp.route(BASE + "/topics/<int:topic_id>/memo", methods=["GET", "POST"])
@role_required(*CODERS)
def memo(slug, topic_id):
    consultation = get_consultation(slug)
    topic = memos.get_topic(consultation, topic_id)
    if topic is None:
        abort(404)
    current = memos.memo_of(topic)
    form = MemoForm(obj=current) if request.method == "GET" else MemoForm()
    if request.method == "GET":
        form.revision.data = str(current.revision if current else 0)
    conflict = None
    status = 200
    if form.validate_on_submit():
        try:
            changed = memos.save_memo(topic, form.body_fr.data or "", form.body_en.data or "",
                                      form.shown_revision(), current_user.id)
        except coding.StaleRevision:
            db.session.rollback()
            conflict = memos.memo_of(topic)
            # Saving again replaces what was saved meanwhile, knowingly: the page now shows it.
            form.revision.data = str(conflict.revision if conflict else 0)
            status = 409
        else:
            db.session.commit()
            flash(_("The memo was saved.") if changed else _("Nothing to save: the memo was not changed."),
                  "success" if changed else "info")
            return redirect_after_post(url_for("analysis.memo", slug=slug, topic_id=topic.id))
    elif form.is_submitted():
        status = 422
    current = memos.memo_of(topic)
    return render_template(TEMPLATES + "memo.html", consultation=consultation, topic=topic, memo=current, form=form,
                           conflict=conflict, conflicted=status == 409,
                           code_counts=memos.code_counts(consultation, topic),
                           comment_count=memos.comment_count(consultation, topic),
                           breadcrumbs=browse_views.breadcrumbs(consultation, topic, _("Memo"))), status


# -- second coder --------------------------------------------------------------------------------

def _second_breadcrumbs(consultation):
    return analysis_breadcrumbs(consultation, (_("Second coding"), None))


@bp.get(BASE + "/second-coding", endpoint="second_coding")
@role_required(*CODERS)
def second_coding_queue(slug):
    consultation = get_consultation(slug)
    _open_codebook(consultation)
    listing = second_coding.queue(consultation, current_user.id, request.args.get("page", 1, type=int))
    rows = blind_row_states(listing.assignments, current_user)
    return render_template(TEMPLATES + "second_coding.html", consultation=consultation, listing=listing, rows=rows,
                           breadcrumbs=_second_breadcrumbs(consultation))


def _blind_row_response(consultation, assignment, back, status, message, kind):
    db.session.expire_all()
    row = blind_row_states([assignment], current_user)[assignment.id]
    row.back = back
    if is_htmx():
        row.message, row.message_kind = message, kind
        page = render_template(TEMPLATES + "_second_comment.html", comment=row.comment, row=row)
    else:
        page = render_template(TEMPLATES + "second_comment.html", consultation=consultation, comment=row.comment,
                               row=row, message=message, message_kind=kind,
                               breadcrumbs=_second_breadcrumbs(consultation))
    response = make_response(page, status)
    response.vary.add("HX-Request")
    return response


def _blind_action(slug, assignment_id, form_class):
    consultation = get_consultation(slug)
    assignment = coding.get_assignment(consultation, assignment_id, current_user.id)
    if assignment is None:
        abort(404)
    form = form_class()
    return consultation, assignment, form, safe_back(form.next.data, consultation, "analysis.second_coding")


def _blind_done(consultation, assignment, back, message, progress=False):
    if is_htmx():
        response = _blind_row_response(consultation, assignment, back, 200, message, "success")
        if progress:
            listing = second_coding.queue(consultation, current_user.id)
            response.set_data(response.get_data(as_text=True) + render_template(
                TEMPLATES + "_second_progress.html", listing=listing, oob=True))
        return response
    flash(message, "success")
    return redirect_after_post(back.split("#")[0] + f"#comment-{assignment.comment_id}")


@bp.post(BASE + "/second-coding/<int:assignment_id>/codes")
@role_required(*CODERS)
def second_coding_codes(slug, assignment_id):
    consultation, assignment, form, back = _blind_action(slug, assignment_id, BlindToggleForm)
    if not form.validate_on_submit():
        abort(400)
    try:
        code, applied = coding.toggle_blind_code(assignment, form.code_id.data, coding.parse_shown(form.shown.data),
                                                 current_user.id)
    except coding.InvalidChoice as error:
        db.session.rollback()
        return _blind_row_response(consultation, assignment, back, 400, str(error), "error")
    except coding.StaleRevision:
        db.session.rollback()
        return _blind_row_response(consultation, assignment, back, 409, _(
            "Your codes for this comment changed in another window: nothing was applied. Here they are as "
            "they are now."), "error")
    db.session.commit()
    number = assignment.comment_id
    message = (_("Comment %(number)d: code “%(code)s” applied.", number=number, code=code_name(code)) if applied
               else _("Comment %(number)d: code “%(code)s” removed.", number=number, code=code_name(code)))
    return _blind_done(consultation, assignment, back, message)


@bp.post(BASE + "/second-coding/<int:assignment_id>/done")
@role_required(*CODERS)
def second_coding_done(slug, assignment_id):
    consultation, assignment, form, back = _blind_action(slug, assignment_id, DoneForm)
    if not form.validate_on_submit() or form.done.data not in ("yes", "no"):
        abort(400)
    try:
        coding.set_done(assignment, form.done.data == "yes", current_user.id)
    except coding.InvalidChoice as error:
        db.session.rollback()
        return _blind_row_response(consultation, assignment, back, 400, str(error), "error")
    db.session.commit()
    number = assignment.comment_id
    message = (_("Comment %(number)d is done: it counts in the agreement.", number=number)
               if form.done.data == "yes" else _("Comment %(number)d is open again.", number=number))
    return _blind_done(consultation, assignment, back, message, progress=True)


# -- agreement -----------------------------------------------------------------------------------

def _sample_form(consultation, form=None):
    form = form or SampleForm()
    form.coder.choices = [SelectChoice(user.id, f"{user.name} ({user.email})" if user.name else user.email)
                          for user in second_coding.second_coders()]
    form.topic.choices = [SelectChoice("", _("All topics"))] + [
        SelectChoice(str(option.topic.id),
                     "\u2003" * option.depth + f"{option.topic.code} {localized(option.topic, 'title')}")
        for option in _topic_options(consultation)]
    return form


def _topic_options(consultation):
    from .rows import topic_options

    return topic_options({topic.id: topic for topic in consultation.topics})


def _render_agreement(consultation, form, status=200):
    comparison = second_coding.compare(consultation, request.args.get("page", 1, type=int))
    return render_template(TEMPLATES + "agreement.html", consultation=consultation, form=form,
                           comparison=comparison, progress=second_coding.progress(consultation),
                           settle_form=SettleForm(),
                           breadcrumbs=analysis_breadcrumbs(consultation, (_("Agreement between coders"), None))
                           ), status


@bp.route(BASE + "/agreement", methods=["GET", "POST"])
@role_required(*ASSIGNERS)
def agreement(slug):
    consultation = get_consultation(slug)
    form = _sample_form(consultation)
    if form.validate_on_submit():
        coder = next(user for user in second_coding.second_coders() if user.id == form.coder.data)
        topic = memos.get_topic(consultation, int(form.topic.data)) if form.topic.data else None
        assigned = second_coding.assign_sample(consultation, coder, topic, form.size.data, form.only_coded.data,
                                               current_user.id)
        db.session.commit()
        who = coder.name or coder.email
        if not assigned:
            flash(_("No comment could be given to %(coder)s: every comment that fits is already in a sample, "
                    "hidden, coded by them or not coded yet.", coder=who), "warning")
        elif len(assigned) < form.size.data:
            flash(_("Only %(count)d comments fitted; all of them were given to %(coder)s.", count=len(assigned),
                    coder=who), "warning")
        else:
            flash(_("%(count)d comments were given to %(coder)s to code blind.", count=len(assigned), coder=who),
                  "success")
        return redirect_after_post(url_for("analysis.agreement", slug=slug))
    return _render_agreement(consultation, form, 422 if form.is_submitted() else 200)


@bp.post(BASE + "/agreement/<int:assignment_id>/settle")
@role_required(*ASSIGNERS)
def agreement_settle(slug, assignment_id):
    consultation = get_consultation(slug)
    assignment = second_coding.get_assignment(consultation, assignment_id)
    if assignment is None:
        abort(404)
    form = SettleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        second_coding.settle(assignment, form.decision.data, current_user.id)
    except coding.InvalidChoice as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Comment %(number)d: the second coder's codes are now its codes.", number=assignment.comment_id)
              if form.decision.data == "adopt" else
              _("Comment %(number)d: its codes are kept.", number=assignment.comment_id), "success")
    return redirect_after_post(url_for("analysis.agreement", slug=slug, _anchor="disagreements"))
