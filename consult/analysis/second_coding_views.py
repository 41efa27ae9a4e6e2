"""The second coder's pages (a blind sample, coded alone) and the agreement between coders, with the
settling of what they disagree on."""
from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..consultations import get_consultation
from ..extensions import db
from ..htmx import is_htmx, redirect_after_post
from ..i18n import localized
from ..permissions import permission_required
from . import codebook, coding, memos, second_coding
from .blueprint import bp
from .coding_forms import (
    BlindToggleForm,
    DoneForm,
    SampleForm,
    SettleForm,
)
from .navigation import analysis_breadcrumbs, safe_back
from .rows import blind_row_states, topic_options

BASE = "/staff/consultations/<slug>/analysis"
COMMENT = BASE + "/comments/<int:comment_id>"
CODE = BASE + "/codebook/<int:code_id>"
TEMPLATES = "analysis/"

# -- second coder --------------------------------------------------------------------------------

def _second_breadcrumbs(consultation):
    return analysis_breadcrumbs(consultation, (_("Second coding"), None))


@bp.get(BASE + "/second-coding", endpoint="second_coding")
@permission_required("code_comments")
def second_coding_queue(slug):
    consultation = get_consultation(slug)
    codebook.open_codebook(consultation, current_user.id)
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
@permission_required("code_comments")
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
    name = codebook.code_name(code)
    message = (_("Comment %(number)d: code “%(code)s” applied.", number=number, code=name) if applied
               else _("Comment %(number)d: code “%(code)s” removed.", number=number, code=name))
    return _blind_done(consultation, assignment, back, message)


@bp.post(BASE + "/second-coding/<int:assignment_id>/done")
@permission_required("code_comments")
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
    return topic_options({topic.id: topic for topic in consultation.topics})


def _render_agreement(consultation, form, status=200):
    comparison = second_coding.compare(consultation, request.args.get("page", 1, type=int))
    return render_template(TEMPLATES + "agreement.html", consultation=consultation, form=form,
                           comparison=comparison, progress=second_coding.progress(consultation),
                           settle_form=SettleForm(),
                           breadcrumbs=analysis_breadcrumbs(consultation, (_("Agreement between coders"), None))
                           ), status


@bp.route(BASE + "/agreement", methods=["GET", "POST"])
@permission_required("assign_second_coding")
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
@permission_required("assign_second_coding")
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
