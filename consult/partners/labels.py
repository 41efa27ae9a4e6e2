"""The names of expense kinds and accommodation needs, shown on forms, pages, exports and attestations."""
from flask_babel import lazy_gettext as _l

EXPENSE_LABELS = {
    "respite": _l("Respite care"),
    "parking": _l("Parking"),
    "travel": _l("Travel"),
    "other": _l("Other expenses"),
}
ACCOMMODATION_LABELS = {
    "captions": _l("Captions"),
    "interpretation": _l("Interpretation"),
    "accessible_venue": _l("An accessible venue"),
    "other_time": _l("Another time of day"),
    "document_format": _l("Documents in another format"),
    "other": _l("Something else"),
}


def expense_label(kind: str) -> str:
    return str(EXPENSE_LABELS.get(kind, kind))


def accommodation_label(need: str) -> str:
    return str(ACCOMMODATION_LABELS.get(need, need))


def entry_label(entry) -> str:
    if entry.kind == "attendance":
        return str(_l("Attendance"))
    return expense_label(entry.expense_kind)
