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


# The languages a member of the pool can take part in: the consultations' two, and the sign languages
# interpretation can be booked for.
POOL_LANGUAGE_LABELS = {
    "fr": _l("French"),
    "en": _l("English"),
    "lsq": _l("Quebec Sign Language (LSQ)"),
    "asl": _l("American Sign Language (ASL)"),
}


# The same, as a person ticks them under the sign-up's consent to be contacted (apart from the language
# chosen for our emails just above, which the bare names label).
POOL_LANGUAGE_CHOICES = {
    "fr": _l("In French"),
    "en": _l("In English"),
    "lsq": _l("In Quebec Sign Language (LSQ)"),
    "asl": _l("In American Sign Language (ASL)"),
}


def pool_language_label(code: str) -> str:
    return str(POOL_LANGUAGE_LABELS.get(code, code))


def stated_languages(codes, fallback: str) -> list[str]:
    """The codes stated, known ones only and in a stable order; the fallback when none is."""
    chosen = [code for code in POOL_LANGUAGE_LABELS if code in set(codes or [])]
    return chosen or [fallback if fallback in POOL_LANGUAGE_LABELS else "fr"]
