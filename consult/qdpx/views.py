"""Download the REFI-QDA project (staff exports page) and import another coder's codings from one
(coordinators, beside the agreement between coders)."""
import tempfile

from flask import flash, g, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .. import audit, uploads
from ..analysis import second_coding
from ..analysis.navigation import analysis_breadcrumbs
from ..consultations import get_consultation
from ..exports.forms import TRUE_VALUES
from ..extensions import db
from ..htmx import redirect_after_post
from ..permissions import permission_required
from ..submissions.notifications import file_size
from .blueprint import bp
from .export import write
from .importer import MAX_BYTES, QdpxError, import_codings

MEMORY = 8 * 1024 * 1024


@bp.get("/staff/consultations/<slug>/exports/project.qdpx")
@permission_required("export_comments")
def export(slug):
    consultation = get_consultation(slug)
    with_codings = request.args.get("without_codings", "").lower() not in TRUE_VALUES
    archive = tempfile.SpooledTemporaryFile(max_size=MEMORY)
    write(consultation, archive, with_codings=with_codings)
    archive.seek(0)
    audit.record(current_user.id, "export.qdpx", "consultation", consultation.id, consultation.id,
                 with_codings=with_codings)
    db.session.commit()
    name = f"{consultation.slug}-{g.now:%Y-%m-%d}{'' if with_codings else '-for-coding'}.qdpx"
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


class ImportForm(FlaskForm):
    project = FileField(_l("REFI-QDA project (.qdpx)"),
                        description=_l("Exported from here, then coded in NVivo, ATLAS.ti, MAXQDA or QualCoder."))
    coder = SelectField(_l("Whose codings these are"), coerce=int,
                        invalid_choice_message=_l("Choose one of the second coders listed."))

    @property
    def upload(self) -> FileStorage | None:
        data = self.project.data
        return data if isinstance(data, FileStorage) and data.filename else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.upload is None:
            self.project.errors = [*self.project.errors, _("Choose the .qdpx file.")]
            valid = False
        return valid


def _page(consultation, form, status=200):
    return render_template("qdpx/import.html", consultation=consultation, form=form,
                           breadcrumbs=analysis_breadcrumbs(consultation, (_("Agreement between coders"),
                                                                           url_for("analysis.agreement",
                                                                                   slug=consultation.slug)),
                                                            (_("Import codings"), None))), status


@bp.route("/staff/consultations/<slug>/analysis/agreement/import", methods=["GET", "POST"])
@permission_required("assign_second_coding")
def import_page(slug):
    consultation = get_consultation(slug)
    coders = second_coding.second_coders()
    form = ImportForm()
    form.coder.choices = [SelectChoice(coder.id, coder.name or coder.email) for coder in coders]
    if form.validate_on_submit():
        data = uploads.read_limited(form.upload.stream, MAX_BYTES)
        if len(data) > MAX_BYTES:  # a cut file would read as a damaged one: say what is wrong
            form.project.errors = [*form.project.errors, _(
                "The file is larger than %(size)s, the largest project accepted.", size=file_size(MAX_BYTES))]
            return _page(consultation, form, 422)
        try:
            coder = next(coder for coder in coders if coder.id == form.coder.data)
            done = import_codings(consultation, data, coder, current_user.id)
        except QdpxError as error:
            db.session.rollback()
            form.project.errors = [*form.project.errors, str(error.message)]
            return _page(consultation, form, 422)
        db.session.commit()
        flash(ngettext("%(num)d comment coded by the second coder was imported.",
                       "%(num)d comments coded by the second coder were imported.", done.comments), "success")
        if done.skipped_comments:
            flash(ngettext("%(num)d comment left out: it is in another second coder's sample.",
                           "%(num)d comments left out: they are in another second coder's sample.",
                           len(done.skipped_comments)), "warning")
        return redirect_after_post(url_for("analysis.agreement", slug=slug))
    return _page(consultation, form, 422 if form.is_submitted() else 200)
