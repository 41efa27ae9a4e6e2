"""The review of orientation suggestions, for analysts, coordinators and administrators.

The queue lists the comments whose suggestions wait for a person, most confident first (or least),
twenty a page. Each comment is accepted with a click or a key (1, 2, 3), placed elsewhere from a
list, or set aside. With htmx an action replaces the comment by a short confirmation (200), or by the
comment as it is now with the reason it was refused (409 out of date, 400 not this consultation's,
422 nothing chosen); without JavaScript it redirects back to the queue, or shows the comment alone
in a page with the same statuses.
"""
from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..analysis.navigation import analysis_breadcrumbs, safe_back
from ..channels import channel_labels
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import is_htmx, redirect_after_post
from ..i18n import localized
from ..permissions import permission_required
from . import service
from .blueprint import bp
from .forms import AcceptForm, ComputeForm, DismissForm, SuggestForm

BASE = "/staff/consultations/<slug>/analysis/suggestions"
ONE = BASE + "/<int:comment_id>"
TEMPLATES = "suggestions/"


def _breadcrumbs(consultation, here: str | None = None) -> list[tuple[str, str | None]]:
    if not here:
        return analysis_breadcrumbs(consultation, (_("Suggestions"), None))
    return analysis_breadcrumbs(consultation, (_("Suggestions"), url_for("suggestions.queue", slug=consultation.slug)),
                                (here, None))


def _back(target: str | None, consultation) -> str:
    return safe_back(target, consultation, "suggestions.queue")


def _context(consultation, **extra) -> dict:
    return {"consultation": consultation, "topics": service.placeable_topics(consultation),
            "channel_names": channel_labels(), "confidence_floor": service.CONFIDENCE_FLOOR, **extra}


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) <= 6 else 1


@bp.get(BASE)
@permission_required("review_suggestions")
def queue(slug):
    consultation = get_consultation(slug)
    sort = request.args.get("sort", "confident")
    if sort not in service.SORTS:
        sort = "confident"
    listing = service.queue(consultation, sort, _page_number())
    db.session.commit()  # the suggestions made for new, changed or outdated comments shown
    back = url_for("suggestions.queue", slug=slug, sort=listing.sort, page=listing.page)
    return render_template(TEMPLATES + "queue.html", **_context(
        consultation, listing=listing, back=back, compute_form=ComputeForm(),
        breadcrumbs=_breadcrumbs(consultation)))


@bp.post(BASE + "/compute")
@permission_required("review_suggestions")
def compute(slug):
    consultation = get_consultation(slug)
    form = ComputeForm()
    if not form.validate_on_submit():
        abort(400)
    computed = service.compute(consultation, everything=form.everything.data, actor_id=current_user.id)
    db.session.commit()
    if not computed.has_orientations:
        flash(_("This consultation has no part of its proposal to place comments on: "
                  "there is nothing to suggest."), "warning")
    elif computed.count:
        flash(ngettext("Suggestions were computed for %(num)d comment.",
                       "Suggestions were computed for %(num)d comments.", computed.count), "success")
    else:
        flash(_("Every comment not yet placed already has suggestions."), "info")
    return redirect_after_post(url_for("suggestions.queue", slug=slug))


def _comment_or_404(consultation, comment_id):
    comment = service.get_comment(consultation, comment_id)
    if comment is None:
        abort(404)
    return comment


def _render_comment(consultation, comment, back: str, status: int = 200, message: str = "", kind: str = "",
                    form=None):
    """The comment with its suggestions: the item alone for htmx, or a page of its own."""
    db.session.expire(comment)
    comment = _comment_or_404(consultation, comment.id)
    context = _context(consultation, comment=comment, back=back, message=message, message_kind=kind, form=form,
                       similar=service.similar_comments(consultation, [comment]), standalone=not is_htmx(),
                       breadcrumbs=_breadcrumbs(consultation, _("Comment %(number)d", number=comment.id)))
    template = TEMPLATES + ("_item.html" if is_htmx() else "comment.html")
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


@bp.get(ONE)
@permission_required("review_suggestions")
def comment(slug, comment_id):
    consultation = get_consultation(slug)
    found = _comment_or_404(consultation, comment_id)
    if service.refresh_comment(consultation, found):
        db.session.commit()
    return _render_comment(consultation, found, _back(request.args.get("next"), consultation))


@bp.post(ONE + "/suggest")
@permission_required("review_suggestions")
def suggest(slug, comment_id):
    consultation = get_consultation(slug)
    found = _comment_or_404(consultation, comment_id)
    form = SuggestForm()
    if not form.validate_on_submit():
        abort(400)
    done = service.suggest_one(found, current_user.id)
    db.session.commit()
    if done:
        flash(_("Suggestions were computed for comment %(number)d.", number=comment_id), "success")
    else:
        flash(_("This consultation has no part of its proposal to place comments on: "
                  "there is nothing to suggest."), "warning")
    return redirect_after_post(url_for("suggestions.comment", slug=slug, comment_id=comment_id,
                                       next=_back(form.next.data, consultation)))


def _done(consultation, comment, back: str, message: str):
    if is_htmx():
        response = make_response(render_template(TEMPLATES + "_done.html", comment=comment, message=message), 200)
        response.vary.add("HX-Request")
        return response
    flash(message, "success")
    return redirect_after_post(back)


def _refused(consultation, comment, back: str, status: int, message: str, form=None):
    db.session.rollback()
    return _render_comment(consultation, comment, back, status, message, "error", form)


def _incomplete(consultation, comment, back: str):
    return _refused(consultation, comment, back, 400, _("The form was incomplete: reload the page and try again."))


def _stale(consultation, comment, back: str):
    return _refused(consultation, comment, back, 409, _(
        "Someone else changed this comment after your page was shown: nothing was applied. Here it is as it "
        "is now; choose again if it still needs placing."))


def _comment_action(slug, comment_id, form_class):
    """The consultation, the comment (404 if not this consultation's), the form and where to come back to."""
    consultation = get_consultation(slug)
    found = _comment_or_404(consultation, comment_id)
    form = form_class()
    return consultation, found, form, _back(form.next.data, consultation)


def _placed_message(comment_id: int, accepted) -> str:
    place = accepted.topic.code
    if accepted.code is not None:
        return _("Comment %(number)d is placed on %(place)s and coded “%(code)s”.", number=comment_id, place=place,
                 code=localized(accepted.code, "label").text or accepted.code.key)
    if accepted.theme is not None:
        return _("Comment %(number)d is placed on %(place)s; the theme's code is retired, so no theme was coded.",
                 number=comment_id, place=place)
    return _("Comment %(number)d is placed on %(place)s.", number=comment_id, place=place)


@bp.post(ONE + "/accept")
@permission_required("review_suggestions")
def accept(slug, comment_id):
    consultation, found, form, back = _comment_action(slug, comment_id, AcceptForm)
    if not form.validate_on_submit():
        if form.revision.errors or form.csrf_token.errors:
            return _incomplete(consultation, found, back)
        return _refused(consultation, found, back, 422, _("Choose where the comment goes."), form)
    try:
        accepted = service.accept(found, form.topic_id.data, form.theme_id.data, form.revision.data,
                                  current_user.id)
    except service.StaleRevision:
        return _stale(consultation, found, back)
    except service.InvalidChoice as error:
        return _refused(consultation, found, back, 400, str(error))
    db.session.commit()
    return _done(consultation, found, back, _placed_message(comment_id, accepted))


@bp.post(ONE + "/dismiss")
@permission_required("review_suggestions")
def dismiss(slug, comment_id):
    consultation, found, form, back = _comment_action(slug, comment_id, DismissForm)
    if not form.validate_on_submit():
        return _incomplete(consultation, found, back)
    try:
        service.dismiss(found, form.revision.data, current_user.id)
    except service.StaleRevision:
        return _stale(consultation, found, back)
    db.session.commit()
    return _done(consultation, found, back, _(
        "The suggestions for comment %(number)d are set aside; it stays to be placed.", number=comment_id))
