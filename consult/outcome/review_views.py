"""The reviewer's pages, behind their personal link: the versions of their consultation's report,
one version with a comment form per section, and their verdict. Nothing else opens with the link."""
from flask import abort, current_app, g, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db, limiter
from ..htmx import redirect_after_post
from ..i18n import current_language
from ..items.services import ItemError
from ..models import Consultation
from ..permissions import reviewer_can
from ..security import personal_pages
from ..tokens import LinkError
from . import review
from .blueprint import bp
from .forms import ReviewCommentForm, VerdictForm

REVIEW_ENDPOINTS = {"outcome.review_home", "outcome.review_version", "outcome.review_comment",
                    "outcome.review_verdict"}
BASE = "/review/<token>"


def _limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


bp.after_request(personal_pages(REVIEW_ENDPOINTS))


@bp.errorhandler(LinkError)
def _bad_link(error):
    status = 410 if error.reason == "expired" else 404
    return render_template("outcome/review_link_error.html", reason=error.reason), status


def _reviewer_and_version(token, number):
    reviewer = review.reviewer_from_token(token)
    consultation = db.session.get(Consultation, reviewer.consultation_id)
    if not reviewer_can(reviewer, "read_report_versions", consultation):
        abort(404)
    version = review.get_version(consultation, number) if number is not None else None
    if number is not None and version is None:
        abort(404)
    return reviewer, consultation, version


@bp.get(BASE)
def review_home(token):
    reviewer, consultation, _version = _reviewer_and_version(token, None)
    return render_template("outcome/review_home.html", reviewer=reviewer, consultation=consultation, token=token,
                           versions=review.versions_of(consultation))


def _page(token, reviewer, consultation, version, status=200, comment_form=None, verdict_form=None):
    content = review.content_in(version, current_language())
    sections = [(review.INTRO, _("The report as a whole"))] + [
        (section["key"], section["heading"]) for section in content["sections"]]
    comment_form = comment_form or ReviewCommentForm()
    comment_form.section.choices = sections
    mine = [item for item in version.comments if item.reviewer_id == reviewer.id]
    verdict = next((item for item in version.verdicts if item.reviewer_id == reviewer.id), None)
    return render_template("outcome/review_version.html", reviewer=reviewer, consultation=consultation, token=token,
                           version=version, latest=review.latest_number(consultation.id), content=content,
                           sections=dict(sections), mine=mine, verdict=verdict,
                           comment_form=comment_form, verdict_form=verdict_form or VerdictForm()), status


@bp.get(BASE + "/versions/<int:number>")
def review_version(token, number):
    reviewer, consultation, version = _reviewer_and_version(token, number)
    return _page(token, reviewer, consultation, version)


@bp.post(BASE + "/versions/<int:number>/comments")
@limiter.limit(_limit)
def review_comment(token, number):
    reviewer, consultation, version = _reviewer_and_version(token, number)
    if not reviewer_can(reviewer, "comment_report_versions", consultation):
        abort(404)
    form = ReviewCommentForm()
    form.section.choices = [(key, key) for key in review.section_keys(version)]
    if form.validate_on_submit():
        try:
            item = review.comment(version, reviewer, form.section.data, form.body.data, g.now)
        except ItemError as error:
            form.body.errors = [str(error)]
        else:
            db.session.commit()
            return redirect_after_post(url_for("outcome.review_version", token=token, number=number)
                                       + f"#my-comment-{item.id}")
    return _page(token, reviewer, consultation, version, 422, comment_form=form)


@bp.post(BASE + "/versions/<int:number>/verdict")
@limiter.limit(_limit)
def review_verdict(token, number):
    reviewer, consultation, version = _reviewer_and_version(token, number)
    if not reviewer_can(reviewer, "comment_report_versions", consultation):
        abort(404)
    form = VerdictForm()
    if form.validate_on_submit():
        try:
            review.give_verdict(version, reviewer, form.verdict.data, g.now)
        except ItemError as error:
            form.verdict.errors = [str(error)]
        else:
            db.session.commit()
            return redirect_after_post(url_for("outcome.review_version", token=token, number=number) + "#verdict")
    return _page(token, reviewer, consultation, version, 422, verdict_form=form)
