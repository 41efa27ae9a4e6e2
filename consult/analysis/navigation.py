"""Where the analysis pages lead: the breadcrumbs they start with, and the way back to the list a form
was sent from (the suggestions queue shares both)."""
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import gettext as _

from ..i18n import localized


def analysis_breadcrumbs(consultation, *items) -> list[tuple[str, str | None]]:
    crumbs = [(_("Staff area"), url_for("admin.dashboard")),
              (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug)),
              (_("Analysis"), url_for("analysis.workspace", slug=consultation.slug))]
    return crumbs + list(items)


def safe_back(target: str | None, consultation, default: str = "analysis.workspace") -> str:
    """Only a page of this consultation's staff area: anything else would make the forms an open redirect."""
    prefix = f"/staff/consultations/{consultation.slug}/"
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith(prefix):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for(default, slug=consultation.slug)
