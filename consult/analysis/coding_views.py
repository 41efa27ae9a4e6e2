"""The coding side of the workspace: the actions of a comment row and the topic memos (the codebook
and the second coding have their own modules).

Row actions answer htmx with the row itself (200 when applied, 409 when the page was out of date,
400 for a code or topic that cannot be used, 422 for a missing reason); without JavaScript they
redirect back to the list the person was on, with its filters, at `#comment-<id>`, or show the row
alone in a page with the same statuses.
"""
from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..consultations import get_consultation
from ..extensions import db
from ..htmx import is_htmx, redirect_after_post
from ..i18n import language_name, localized
from ..permissions import permission_required
from . import browse_views, codebook, coding, memos
from .blueprint import bp
from .coding_forms import (
    FlagForm,
    HideForm,
    LanguageForm,
    MemoForm,
    MoveForm,
    RowForm,
    StanceForm,
    ToggleCodeForm,
)
from .navigation import safe_back
from .rows import STANCE_NAMES, row_states

BASE = "/staff/consultations/<slug>/analysis"
COMMENT = BASE + "/comments/<int:comment_id>"
CODE = BASE + "/codebook/<int:code_id>"
TEMPLATES = "analysis/"

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
@permission_required("code_comments")
def comment_codes(slug, comment_id):
    def apply(comment, form):
        code, applied = coding.toggle_code(comment, form.code_id.data, form.revision.data, current_user.id)
        return (_("Comment %(number)d: code “%(code)s” applied.", number=comment.id, code=codebook.code_name(code))
                if applied else
                _("Comment %(number)d: code “%(code)s” removed.", number=comment.id, code=codebook.code_name(code)))
    return _row_action(slug, comment_id, ToggleCodeForm, apply)


@bp.post(COMMENT + "/topic")
@permission_required("code_comments")
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
@permission_required("code_comments")
def comment_stance(slug, comment_id):
    def apply(comment, form):
        coding.set_stance(comment, form.stance.data, form.revision.data, current_user.id)
        return _("Comment %(number)d: stance “%(stance)s” saved.", number=comment.id,
                 stance=STANCE_NAMES[form.stance.data])
    return _row_action(slug, comment_id, StanceForm, apply)


@bp.post(COMMENT + "/language")
@permission_required("code_comments")
def comment_language(slug, comment_id):
    def apply(comment, form):
        coding.set_language(comment, form.language.data, form.revision.data, current_user.id)
        return _("Comment %(number)d: language set to %(language)s.", number=comment.id,
                 language=language_name(form.language.data))
    return _row_action(slug, comment_id, LanguageForm, apply)


@bp.post(COMMENT + "/hide")
@permission_required("code_comments")
def comment_hide(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "hidden", form.reason.data, form.revision.data, current_user.id)
        return _("Comment %(number)d hidden.", number=comment.id)
    return _row_action(slug, comment_id, HideForm, apply, missing_reason=(
        "hide", lambda comment: _("Comment %(number)d was not hidden: say why.", number=comment.id)))


@bp.post(COMMENT + "/flag")
@permission_required("code_comments")
def comment_flag(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "flagged", form.reason.data, form.revision.data, current_user.id)
        return _("Comment %(number)d flagged.", number=comment.id)
    return _row_action(slug, comment_id, FlagForm, apply, missing_reason=(
        "flag", lambda comment: _("Comment %(number)d was not flagged.", number=comment.id)))


@bp.post(COMMENT + "/restore")
@permission_required("code_comments")
def comment_restore(slug, comment_id):
    def apply(comment, form):
        coding.set_visibility(comment, "visible", "", form.revision.data, current_user.id)
        return _("Comment %(number)d is visible again.", number=comment.id)
    return _row_action(slug, comment_id, RowForm, apply)


@bp.post(COMMENT + "/reviewed")
@permission_required("code_comments")
def comment_reviewed(slug, comment_id):
    def apply(comment, form):
        coding.mark_reviewed(comment, form.revision.data, current_user.id)
        return _("Comment %(number)d marked reviewed.", number=comment.id)
    return _row_action(slug, comment_id, RowForm, apply)


# -- memo ----------------------------------------------------------------------------------------

@bp.route(BASE + "/topics/<int:topic_id>/memo", methods=["GET", "POST"])
@permission_required("code_comments")
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
