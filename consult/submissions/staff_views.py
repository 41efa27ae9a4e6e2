"""Staff pages for written submissions: list, read, download documents, mark processed, excerpts.

Analysts, coordinators and administrators do all of it; organizers may read.
"""
from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..channels.passage_views import passage_deleted, passage_saved
from ..consultations import get_consultation
from ..extensions import db
from ..form_fields import ConfirmForm
from ..htmx import redirect_after_post, redirect_to_page, render_page_or_fragment
from ..i18n import localized
from ..permissions import permission_required
from ..tree import topic_options
from . import services
from . import staff_services as staff
from .blueprint import bp
from .forms import ExcerptForm, ProcessedForm

BASE = "/staff/consultations/<slug>/submissions"
ONE = BASE + "/<int:submission_id>"
TEMPLATES = "submissions/staff/"


def submission_breadcrumbs(consultation, submission=None, here=None) -> list[tuple[str, str | None]]:
    items = [(_("Staff area"), url_for("admin.dashboard")),
             (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug)),
             (_("Written submissions"), url_for("submissions.staff_index", slug=consultation.slug))]
    if submission is not None:
        items.append((submission.reference, url_for("submissions.staff_show", slug=consultation.slug,
                                                    submission_id=submission.id)))
    if here:
        items.append((here, None))
    return items


@bp.get(BASE + "/")
@permission_required("read_submissions")
def staff_index(slug):
    consultation = get_consultation(slug)
    filters = staff.Filters.from_args(request.args)
    listing = staff.list_submissions(consultation, filters, request.args.get("page", 1, type=int))
    return render_page_or_fragment(TEMPLATES + "index.html", TEMPLATES + "_list.html", consultation=consultation,
                                   listing=listing, filters=filters)


def _render_show(consultation, submission, excerpt_form=None, status=200):
    can_edit = current_user.can("process_submissions")
    if excerpt_form is None and can_edit:
        excerpt_form = ExcerptForm(consultation, submission, topic_options(consultation))
    return render_page_or_fragment(TEMPLATES + "show.html", TEMPLATES + "_excerpt_form.html", status=status,
                                   consultation=consultation, submission=submission, can_edit=can_edit,
                                   texts=staff.sorted_texts(submission), form=excerpt_form,
                                   processed_form=ProcessedForm(),
                                   form_action=url_for("submissions.staff_excerpt_create", slug=consultation.slug,
                                                       submission_id=submission.id))


@bp.get(ONE)
@permission_required("read_submissions")
def staff_show(slug, submission_id):
    consultation = get_consultation(slug)
    return _render_show(consultation, staff.get_submission(consultation, submission_id))


@bp.get(ONE + "/attachments/<int:attachment_id>")
@permission_required("read_submissions")
def staff_attachment(slug, submission_id, attachment_id):
    consultation = get_consultation(slug)
    submission = staff.get_submission(consultation, submission_id)
    attachment = staff.get_attachment(submission, attachment_id)
    path = services.attachment_path(attachment)
    if path is None:
        abort(404)
    staff.record_download(attachment, current_user.id)
    db.session.commit()
    # Always a download, never shown in the browser: a document is the sender's, not ours to render.
    response = send_file(path, mimetype=attachment.mimetype, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(ONE + "/processed")
@permission_required("process_submissions")
def staff_processed(slug, submission_id):
    consultation = get_consultation(slug)
    submission = staff.get_submission(consultation, submission_id)
    form = ProcessedForm()
    if not form.validate_on_submit():
        abort(400)
    processed = form.processed.data == "yes"
    if staff.set_processed(submission, processed, current_user.id):
        db.session.commit()
    flash(_("%(reference)s is marked processed.", reference=submission.reference) if processed else
          _("%(reference)s is back among the submissions to process.", reference=submission.reference), "success")
    return redirect_after_post(url_for("submissions.staff_show", slug=slug, submission_id=submission.id))


@bp.post(ONE + "/excerpts")
@permission_required("process_submissions")
def staff_excerpt_create(slug, submission_id):
    consultation = get_consultation(slug)
    submission = staff.get_submission(consultation, submission_id)
    form = ExcerptForm(consultation, submission, topic_options(consultation))
    if form.validate_on_submit():
        excerpt = staff.create_excerpt(submission, form.values(), current_user.id)
        db.session.commit()
        flash(_("The excerpt was saved."), "success")
        return redirect_to_page(url_for("submissions.staff_show", slug=slug, submission_id=submission.id,
                                           _anchor=f"excerpt-{excerpt.id}"))
    return _render_show(consultation, submission, form, status=422)


@bp.route(ONE + "/excerpts/<int:excerpt_id>/edit", methods=["GET", "POST"])
@permission_required("process_submissions")
def staff_excerpt_edit(slug, submission_id, excerpt_id):
    consultation = get_consultation(slug)
    submission = staff.get_submission(consultation, submission_id)
    excerpt = staff.get_excerpt(submission, excerpt_id)
    form = ExcerptForm(consultation, submission, topic_options(consultation), obj=excerpt,
                       source=ExcerptForm.source_of(excerpt))
    if form.validate_on_submit():
        return passage_saved(staff.update_excerpt(excerpt, form.values(), current_user.id),
                             _("The excerpt was saved."), _("Nothing to save: the excerpt was not changed."),
                             url_for("submissions.staff_show", slug=slug, submission_id=submission.id,
                                     _anchor=f"excerpt-{excerpt.id}"))
    return render_page_or_fragment(TEMPLATES + "excerpt_edit.html", TEMPLATES + "_excerpt_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   submission=submission, excerpt=excerpt, form=form,
                                   form_action=url_for("submissions.staff_excerpt_edit", slug=slug,
                                                       submission_id=submission.id, excerpt_id=excerpt.id))


@bp.route(ONE + "/excerpts/<int:excerpt_id>/delete", methods=["GET", "POST"])
@permission_required("process_submissions")
def staff_excerpt_delete(slug, submission_id, excerpt_id):
    consultation = get_consultation(slug)
    submission = staff.get_submission(consultation, submission_id)
    excerpt = staff.get_excerpt(submission, excerpt_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        staff.delete_excerpt(excerpt, current_user.id)
        return passage_deleted(_("The excerpt was deleted."), url_for(
            "submissions.staff_show", slug=slug, submission_id=submission.id, _anchor="excerpts"))
    return render_template(TEMPLATES + "excerpt_delete.html", consultation=consultation, submission=submission,
                           excerpt=excerpt, form=form), 422 if form.is_submitted() else 200
