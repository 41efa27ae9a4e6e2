"""The kinds of modification item a consultation offers: the report groups of its codebook."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import current_language
from ..models import Code, Consultation
from ..vocabulary.terms import pick

# The groups the default codebook knows, in the order of the reference report's tables.
DEFAULT_KINDS = ("clarify", "strengthen")


def kind_label(kind: str, consultation: Consultation | None = None) -> str:
    """A group's heading: the consultation's own (its codebook preset), else the reference one."""
    if consultation is not None:
        heading = pick((consultation.codebook_preset.get("groups") or {}).get(kind), current_language(),
                       consultation.language_list)
        if heading:
            return heading
    known = {"clarify": _("To clarify or change"), "strengthen": _("Missing or to strengthen")}
    return known.get(kind) or kind.replace("-", " ").replace("_", " ").capitalize()


def item_kinds(consultation: Consultation) -> list[tuple[str, str]]:
    """(key, label) of each kind: the default groups, then any other group the codebook's codes name."""
    groups = db.session.scalars(select(Code.report_group).where(
        Code.consultation_id == consultation.id, Code.report_group != "").distinct()).all()
    keys = list(DEFAULT_KINDS) + sorted(group for group in groups if group not in DEFAULT_KINDS)
    return [(key, kind_label(key, consultation)) for key in keys]
