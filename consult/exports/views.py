"""The export page and the downloads. Pseudonymous exports are plain GET links (coordinators,
analysts, administrators); the identified export is a POST with a reason, for administrators.
Every download is in the audit log before its first byte is sent."""
from flask import Response, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..analysis.blind_coding import closed_while_coding_blind
from ..consultations import get_consultation
from ..extensions import db
from ..i18n import current_language, localized
from ..permissions import permission_required
from . import rows, services, writers
from .blueprint import bp
from .forms import TRUE_VALUES, ExportForm, IdentifiedExportForm

BASE = "/staff/consultations/<slug>/exports"
CHUNK = 256 * 1024


def _breadcrumbs(consultation):
    return [(_("Staff area"), url_for("admin.dashboard")),
            (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug)),
            (_("Comment exports"), None)]


def _render_index(consultation, *, status=200, error=None, identified_form=None):
    interface = current_language()
    languages = services.export_languages(consultation)
    groups = services.groups_of(consultation, interface)
    lang = interface if interface in languages else languages[0]
    defaults = {"axis": "", "delimiter": services.default_delimiter(interface), "lang": lang}
    form = ExportForm(groups, languages, consultation.vocabulary,
                      formdata=request.args if error else None, data=defaults)
    if identified_form is None and current_user.can("export_identified_data"):
        identified_form = IdentifiedExportForm(groups, languages, consultation.vocabulary,
                                               prefix="identified", formdata=None, data=defaults)
    return render_template("exports/index.html", consultation=consultation, groups=groups, form=form,
                           identified_form=identified_form, error=error, languages=languages,
                           breadcrumbs=_breadcrumbs(consultation)), status


@bp.get(BASE + "/")
@permission_required("export_comments")
@closed_while_coding_blind
def index(slug):
    return _render_index(get_consultation(slug))


@bp.get(BASE + "/comments.<fmt>")
@permission_required("export_comments")
@closed_while_coding_blind
def comments(slug, fmt):
    consultation = get_consultation(slug)
    interface = current_language()
    # ?lang= here picks the file's language; it must not switch the interface for the next pages.
    g.pop("locale_from_query", None)
    args = request.args
    try:
        options = services.make_options(
            consultation, fmt, axis=args.get("axis") or None, delimiter=args.get("delimiter") or None,
            lang=args.get("lang") or None, include_hidden=args.get("hidden", "").lower() in TRUE_VALUES,
            interface_lang=interface)
    except services.ExportError as error:
        return _render_index(consultation, status=error.status, error=error.message)
    return _download(options)


@bp.post(BASE + "/identified")
@permission_required("export_identified_data")
def identified(slug):
    consultation = get_consultation(slug)
    languages = services.export_languages(consultation)
    groups = services.groups_of(consultation, current_language())
    form = IdentifiedExportForm(groups, languages, consultation.vocabulary, prefix="identified")
    if not form.validate_on_submit():
        return _render_index(consultation, status=422, identified_form=form)
    lang = form.lang.data if "lang" in form else None
    options = services.make_options(consultation, form.fmt.data, axis=form.axis.data or None,
                                    delimiter=form.delimiter.data or None, lang=lang,
                                    include_hidden=form.hidden.data, identified=True, reason=form.reason.data,
                                    interface_lang=current_language())
    return _download(options)


def _download(options: services.ExportOptions) -> Response:
    reader = rows.RowReader(options)
    name = services.file_name(options)
    services.record_export(options, reader.count, actor_id=current_user.id)
    db.session.commit()
    if options.fmt == "xlsx":
        workbook = writers.xlsx_file(options, reader)
        size = workbook.seek(0, 2)
        workbook.seek(0)
        response = Response(_read(workbook), mimetype=services.MEDIA_TYPES["xlsx"], direct_passthrough=True)
        response.content_length = size
    else:
        # No stream_with_context: the rows are read through a connection of the reader's own, so
        # the generator needs no context, and none stays pushed while a client is slow to read.
        response = Response(writers.stream(options, reader), content_type=services.MEDIA_TYPES[options.fmt])
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _read(file):
    try:
        while chunk := file.read(CHUNK):
            yield chunk
    finally:
        file.close()
