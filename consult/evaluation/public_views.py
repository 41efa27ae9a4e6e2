"""The page a participant opens from their evaluation email: one answer, then a thank-you."""
from flask import current_app, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..consultations import get_public_consultation
from ..extensions import db, limiter
from ..htmx import redirect_after_post
from .answering import EvaluationError, invitation_for, record_answer
from .blueprint import bp
from .forms import evaluation_form, field_name
from .items import items_of


def _messages() -> dict[str, str]:
    return {
        "invalid": _("This evaluation link is not valid. Please use the link from your email, in full."),
        "expired": _("This evaluation link has expired."),
        "not_held": _("This session has not been held, so it cannot be evaluated yet."),
        "answered": _("This evaluation was already answered with this link. Thank you: only one answer per "
                      "person and session is kept."),
    }


def _limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.route("/evaluation/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def answer(token):
    try:
        invitation = invitation_for(token, g.now)
    except EvaluationError as error:
        status = {"invalid": 404, "expired": 410}.get(error.reason, 409)
        return render_template("evaluation/unavailable.html", message=_messages()[error.reason]), status
    forum = invitation.forum
    items = items_of(forum.consultation)
    form = evaluation_form(items)
    if form.validate_on_submit():
        try:
            record_answer(invitation, items, {item.id: form[field_name(item)].data for item in items})
        except EvaluationError as error:
            db.session.rollback()
            return render_template("evaluation/unavailable.html", message=_messages()[error.reason]), 409
        db.session.commit()
        return redirect_after_post(url_for("evaluation.thanks", slug=forum.consultation.slug))
    status = 422 if form.is_submitted() else 200
    db.session.commit()  # the starting items, made the first time a consultation's evaluation is opened
    return render_template("evaluation/answer.html", form=form, forum=forum, items=items,
                           field_name=field_name), status


@bp.get("/consultations/<slug>/evaluation/thanks")
def thanks(slug):
    consultation = get_public_consultation(slug)
    return render_template("evaluation/thanks.html", consultation=consultation)


@bp.get("/evaluation/")
def no_token():
    return redirect(url_for("public.home"))
