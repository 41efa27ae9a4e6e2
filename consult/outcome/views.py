"""The public outcome page of a consultation: what was consulted on, how, who took part, the items with
their decisions, quotes with consent, and the final report. Open to all once published; staff who
publish may preview it before."""
from flask import Response, abort, g, render_template
from flask_login import current_user

from ..channels import channel_label
from ..consultations import get_public_consultation
from ..i18n import current_language, localized
from ..items.decisions import response_label
from ..permissions import user_can
from . import page, services
from .blueprint import bp
from .level import level_meaning, level_name
from .version_docx import version_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _visible(consultation):
    outcome = services.outcome_of(consultation)
    published = outcome is not None and outcome.is_published
    if not published and not user_can(current_user, "publish_outcome", consultation):
        abort(404)
    return published


@bp.app_template_global()
def consultation_outcome(consultation) -> dict:
    """What the consultation page says of the level of participation and the published outcome."""
    outcome = services.outcome_of(consultation)
    return {"level": level_name(outcome), "meaning": level_meaning(outcome),
            "could": localized(outcome, "could_influence") if outcome else None,
            "could_not": localized(outcome, "could_not_influence") if outcome else None,
            "published": outcome is not None and outcome.is_published}


@bp.get("/consultations/<slug>/outcome", endpoint="page")
def outcome_page(slug):
    consultation = get_public_consultation(slug)
    published = _visible(consultation)
    lang = current_language()
    return render_template("outcome/page.html", consultation=consultation, published=published,
                           view=page.build(consultation, lang), response_label=response_label,
                           channel_label=channel_label, now=g.now)


@bp.get("/consultations/<slug>/outcome/report.docx")
def final_report(slug):
    consultation = get_public_consultation(slug)
    _visible(consultation)
    final = services.final_version(consultation)
    if final is None:
        abort(404)
    lang = current_language()
    content = version_docx(consultation, final, lang)
    response = Response(content, mimetype=DOCX)
    name = f"{consultation.slug}-report-v{final.number}-{lang}.docx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
