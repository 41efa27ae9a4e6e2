"""Staff pages of the reports: the "what we heard" draft (page and Word document) and the participation
dashboard (page and CSV). Coordinators, analysts and administrators read the draft; organizers may
also read the participation figures."""
from flask import Response, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..analysis.blind_coding import closed_while_coding_blind
from ..channels import channel_label
from ..consultations import get_consultation
from ..csv_safe import csv_lines
from ..evaluation.results import SMALL_GROUP, evaluation_results
from ..extensions import db
from ..i18n import current_language, localized
from ..models.base import utcnow
from ..permissions import permission_required
from . import services
from .blueprint import bp
from .charts import Bar, bar_chart
from .docx_report import build_docx
from .participation import TOTAL, participation
from .participation import csv_rows as participation_rows
from .report_draft import GROUPS, build, group_title, modifications_heading, report_language

BASE = "/staff/consultations/<slug>/reports"
CHART_ROWS = 15
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_breadcrumbs(consultation, here) -> list[tuple[str, str | None]]:
    return [(_("Staff area"), url_for("admin.dashboard")),
            (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug)),
            (here, None)]


def _report_language(consultation) -> str:
    """The report's language (?language=, else the interface's) when the consultation is held in it,
    else its first. It never changes the interface's language: a French-only consultation's report
    is French while the pages around it stay in the staff member's language."""
    return report_language(consultation, request.args.get("language") or current_language())


@bp.get(BASE + "/draft")
@permission_required("read_report")
@closed_while_coding_blind
def draft(slug):
    consultation = get_consultation(slug)
    lang = _report_language(consultation)
    report = build(consultation, lang)
    with force_locale(lang):
        body = Markup(render_template(
            "reports/_draft_body.html", consultation=consultation, draft=report, channel_label=channel_label,
            groups=[(group, group_title(group, consultation, lang)) for group in GROUPS],
            modifications_heading=modifications_heading(consultation, lang),
            evaluation=evaluation_results(consultation), small_group=SMALL_GROUP))
    return render_template("reports/draft.html", consultation=consultation, draft=report, report_body=body,
                           now=utcnow())


@bp.get(BASE + "/draft.docx")
@permission_required("read_report")
@closed_while_coding_blind
def draft_docx(slug):
    consultation = get_consultation(slug)
    lang = _report_language(consultation)
    now = utcnow()
    with force_locale(lang):
        content = build_docx(build(consultation, lang), now.astimezone(consultation.tz),
                             evaluation_results(consultation))
    services.record_report_download(consultation, current_user.id, lang, "docx")
    db.session.commit()
    response = Response(content, mimetype=DOCX)
    name = services.download_name(consultation, "what-we-heard", lang, "docx")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _charts(figures, vocabulary):
    charts = {"channel": bar_chart("chart-channel", _("Participants by channel"),
                                   [Bar(count.label, count.total) for count in figures.by_channel])}
    charts["track"] = bar_chart("chart-track", _("Participants by track"),
                                [Bar(summary.label, summary.participants) for summary in figures.tracks
                                 if summary.key != TOTAL])
    for breakdown in figures.breakdowns:
        rows, title = breakdown.rows, breakdown.title
        if len(rows) > CHART_ROWS:
            # The table below lists every one; the chart keeps the largest.
            rows = sorted(rows, key=lambda row: -row.total)[:CHART_ROWS]
            title = ngettext("%(title)s: the largest", "%(title)s: the %(num)d largest", CHART_ROWS, title=title)
        charts[breakdown.key] = bar_chart(f"chart-{breakdown.key}", title, [Bar(row.label, row.total) for row in rows])
    charts["fill"] = bar_chart("chart-fill", _("Fill rate by session (%)"),
                               [Bar(row.label, row.fill_rate or 0, _percent(row.fill_rate))
                                for row in figures.sessions], maximum=100)
    level = vocabulary.term(vocabulary.leaf).text
    charts["completion"] = bar_chart("chart-completion", _("Questionnaire completion by %(level)s (%%)", level=level),
                                     [Bar(f"{item.code} {item.title.text}", item.share or 0, _percent(item.share))
                                      for item in figures.completion], maximum=100)
    return charts


def _percent(value) -> str:
    return "—" if value is None else _("%(value)s %%", value=f"{value:.0f}")


@bp.get(BASE + "/participation", endpoint="participation")
@permission_required("read_participation")
def participation_page(slug):
    consultation = get_consultation(slug)
    figures = participation(consultation)
    return render_template("reports/participation.html", consultation=consultation, figures=figures,
                           charts=_charts(figures, consultation.vocabulary), percent=_percent, TOTAL=TOTAL)


@bp.get(BASE + "/participation.csv")
@permission_required("read_participation")
def participation_csv(slug):
    consultation = get_consultation(slug)
    rows = participation_rows(participation(consultation), consultation.tz, consultation.vocabulary)
    services.record_participation_export(consultation, current_user.id, len(rows))
    db.session.commit()
    # French-locale spreadsheets split on semicolons (the comma is their decimal mark), as the comment exports do.
    delimiter = ";" if current_language() == "fr" else ","
    response = Response(csv_lines([_("Section"), _("Label"), _("Value")], rows, delimiter=delimiter),
                        mimetype="text/csv")
    name = services.download_name(consultation, "participation", "", "csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.mimetype_params["charset"] = "utf-8"
    return response
