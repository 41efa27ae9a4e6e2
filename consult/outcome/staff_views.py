"""Staff pages of the outcome: the level of participation and publishing; the coordinator's text per
report section; frozen report versions, their reviewers, the answers to review comments and the final
mark."""
from flask import Response, abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import audit
from ..analysis.blind_coding import closed_while_coding_blind
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..i18n import current_language, localized
from ..items.forms import ActionForm
from ..items.services import ItemError
from ..lookups import get_owned_or_404
from ..models import ReportSectionNote, ReviewComment, Reviewer, Topic
from ..permissions import permission_required
from ..reports.views import report_breadcrumbs
from . import review, services
from .blueprint import bp
from .forms import AnswerForm, LevelForm, ReviewerForm, SectionNoteForm
from .version_docx import version_docx

BASE = "/staff/consultations/<slug>"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _manage_page(consultation, status=200, level_form=None, publish_error=None):
    outcome = services.outcome_of(consultation)
    level_form = level_form or LevelForm.for_consultation(consultation, obj=outcome)
    return render_template(
        "outcome/manage.html", consultation=consultation, outcome=outcome, level_form=level_form,
        publish_form=ActionForm(), publish_error=publish_error, unsupported=services.unsupported(consultation),
        recipients=len(services.recipients(consultation)), held_back=services.held_back(consultation),
        breadcrumbs=report_breadcrumbs(consultation, _("Outcome and publishing"))), status


@bp.get(BASE + "/outcome")
@permission_required("publish_outcome")
def manage(slug):
    return _manage_page(get_consultation(slug))


@bp.post(BASE + "/outcome/level")
@permission_required("publish_outcome")
def save_level(slug):
    consultation = get_consultation(slug)
    form = LevelForm.for_consultation(consultation)
    if not form.validate_on_submit():
        return _manage_page(consultation, 422, level_form=form)
    outcome = services.outcome_of(consultation, create=True)
    for name in LevelForm.FIELDS:
        if name in form:
            setattr(outcome, name, (form[name].data or "").strip())
    audit.record(current_user.id, "outcome.level", "consultation", consultation.id, consultation.id,
                 level=outcome.participation_level)
    db.session.commit()
    flash(_("Level of participation saved."), "success")
    return redirect_after_post(url_for("outcome.manage", slug=slug))


@bp.post(BASE + "/outcome/publish")
@permission_required("publish_outcome")
def publish(slug):
    consultation = get_consultation(slug)
    if not ActionForm().validate_on_submit():
        return _manage_page(consultation, 422, publish_error=_("The form had expired. Send it again."))
    try:
        done = services.publish(consultation, current_user.id, g.now)
    except ItemError as error:
        db.session.rollback()
        return _manage_page(consultation, 422, publish_error=str(error))
    db.session.commit()
    flash((_("The outcome is published.") if done.first_time else _("The outcome was already published."))
          + " " + ngettext("%(num)d email queued.", "%(num)d emails queued.", done.queued), "success")
    return redirect_after_post(url_for("outcome.manage", slug=slug))


@bp.route(BASE + "/reports/sections/<int:topic_id>", methods=["GET", "POST"])
@permission_required("manage_review")
def section_note(slug, topic_id):
    consultation = get_consultation(slug)
    topic = get_owned_or_404(Topic, topic_id, consultation_id=consultation.id)
    note = db.session.query(ReportSectionNote).filter_by(topic_id=topic.id).one_or_none()
    form = SectionNoteForm(obj=note)
    if form.validate_on_submit():
        if note is None:
            note = ReportSectionNote(topic_id=topic.id)
            db.session.add(note)
        note.body_fr, note.body_en = form.body_fr.data.strip(), form.body_en.data.strip()
        note.updated_by_id = current_user.id
        audit.record(current_user.id, "report.section_note", "topic", topic.id, consultation.id)
        db.session.commit()
        flash(_("Text saved."), "success")
        return redirect_after_post(url_for("reports.draft", slug=slug) + f"#topic-{topic.id}")
    title = f"{topic.code} {localized(topic, 'title').text}"
    return render_template("outcome/section_note.html", consultation=consultation, topic=topic, title=title,
                           form=form, breadcrumbs=report_breadcrumbs(consultation, title)), \
        422 if form.is_submitted() else 200


# -- versions and review ---------------------------------------------------------------------------
# A frozen version carries the main codes of every comment, like the draft: closed to a blind second coder.

def _versions_page(consultation, status=200, reviewer_form=None, error=None):
    versions = review.versions_of(consultation)
    return render_template(
        "outcome/versions.html", consultation=consultation, versions=versions, error=error,
        reviewers=review.reviewers_of(consultation),
        reviewer_form=reviewer_form or ReviewerForm.for_consultation(consultation),
        action=ActionForm(), open_comments=review.open_required_comments(consultation),
        breadcrumbs=report_breadcrumbs(consultation, _("Report versions and review"))), status


@bp.get(BASE + "/reports/versions/")
@permission_required("manage_review")
@closed_while_coding_blind
def versions(slug):
    return _versions_page(get_consultation(slug))


@bp.post(BASE + "/reports/versions/")
@permission_required("manage_review")
@closed_while_coding_blind
def freeze(slug):
    consultation = get_consultation(slug)
    if not ActionForm().validate_on_submit():
        return _versions_page(consultation, 422, error=_("The form had expired. Send it again."))
    version = review.freeze(consultation, current_user.id, g.now)
    db.session.commit()
    flash(_("Version %(number)d frozen; the reviewers were sent their link.", number=version.number), "success")
    return redirect_after_post(url_for("outcome.version", slug=slug, number=version.number))


@bp.post(BASE + "/reports/reviewers")
@permission_required("manage_review")
def add_reviewer(slug):
    consultation = get_consultation(slug)
    form = ReviewerForm.for_consultation(consultation)
    if form.validate_on_submit():
        try:
            reviewer = review.add_reviewer(consultation, form.email.data, form.language.data, form.required.data,
                                           current_user.id)
        except ItemError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Reviewer %(name)s added.", name=reviewer.pseudonym), "success")
            return redirect_after_post(url_for("outcome.versions", slug=slug))
    return _versions_page(consultation, 422, reviewer_form=form)


@bp.post(BASE + "/reports/reviewers/<int:reviewer_id>/new-link")
@permission_required("manage_review")
def new_reviewer_link(slug, reviewer_id):
    consultation = get_consultation(slug)
    reviewer = get_owned_or_404(Reviewer, reviewer_id, consultation_id=consultation.id)
    if not ActionForm().validate_on_submit():
        return _versions_page(consultation, 422, error=_("The form had expired. Send it again."))
    version = review.send_new_link(reviewer, current_user.id)
    if version is None:
        flash(_("No version is open to review: %(name)s will get a link with the next frozen version.",
                name=reviewer.pseudonym), "error")
    else:
        db.session.commit()
        flash(_("A new link to version %(number)d was sent to %(name)s; the earlier one no longer works.",
                number=version.number, name=reviewer.pseudonym), "success")
    return redirect_after_post(url_for("outcome.versions", slug=slug) + "#reviewers-title")


def _version_or_404(consultation, number):
    version = review.get_version(consultation, number)
    if version is None:
        abort(404)
    return version


def _version_page(consultation, version, status=200, forms=None, error=None):
    lang = current_language()
    all_versions = review.versions_of(consultation)
    previous = next((other for other in reversed(all_versions) if other.number < version.number), None)
    forms = forms or {}
    for item in version.comments:
        forms.setdefault(item.id, AnswerForm(prefix=f"c{item.id}", answer=item.answer, resolve=not item.is_open))
    return render_template(
        "outcome/version.html", consultation=consultation, version=version, content=review.content_in(version, lang),
        changes=review.changes(previous, version, lang), previous=previous, forms=forms, action=ActionForm(),
        error=error, is_latest=version.id == all_versions[-1].id,
        breadcrumbs=report_breadcrumbs(consultation, _("Version %(number)d", number=version.number))), status


@bp.get(BASE + "/reports/versions/<int:number>")
@permission_required("manage_review")
@closed_while_coding_blind
def version(slug, number):
    consultation = get_consultation(slug)
    return _version_page(consultation, _version_or_404(consultation, number))


@bp.get(BASE + "/reports/versions/<int:number>.docx")
@permission_required("manage_review")
@closed_while_coding_blind
def version_download(slug, number):
    consultation = get_consultation(slug)
    found = _version_or_404(consultation, number)
    lang = request.args.get("lang") if request.args.get("lang") in consultation.language_list else current_language()
    response = Response(version_docx(consultation, found, lang), mimetype=DOCX)
    name = f"{consultation.slug}-report-v{found.number}-{lang}.docx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post(BASE + "/reports/versions/<int:number>/comments/<int:comment_id>")
@permission_required("manage_review")
@closed_while_coding_blind
def answer(slug, number, comment_id):
    consultation = get_consultation(slug)
    found = _version_or_404(consultation, number)
    item = get_owned_or_404(ReviewComment, comment_id, version_id=found.id)
    form = AnswerForm(prefix=f"c{item.id}")
    if not form.validate_on_submit():
        return _version_page(consultation, found, 422, forms={item.id: form})
    review.answer(item, form.answer.data or "", form.resolve.data, current_user.id, g.now)
    db.session.commit()
    flash(_("Answer saved."), "success")
    return redirect_after_post(url_for("outcome.version", slug=slug, number=number) + f"#review-comment-{item.id}")


@bp.post(BASE + "/reports/versions/<int:number>/final")
@permission_required("manage_review")
@closed_while_coding_blind
def mark_final(slug, number):
    consultation = get_consultation(slug)
    found = _version_or_404(consultation, number)
    if not ActionForm().validate_on_submit():
        return _version_page(consultation, found, 422, error=_("The form had expired. Send it again."))
    try:
        review.mark_final(found, current_user.id, g.now)
    except ItemError as error:
        db.session.rollback()
        return _version_page(consultation, found, 422, error=str(error))
    db.session.commit()
    flash(_("Version %(number)d is final.", number=found.number), "success")
    return redirect_after_post(url_for("outcome.version", slug=slug, number=number))
