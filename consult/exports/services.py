"""Exports of the analysed comments: what is asked (ExportOptions), the groups and their counts, the
file's name and the audit of each download. The rows themselves are read in rows.py."""
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import record
from ..extensions import db
from ..i18n import LANGUAGES, localized
from ..models import (
    Comment,
    Consultation,
    Topic,
)
from .labels import Labels, labels_for

FORMATS = ("csv", "xlsx", "json")
DELIMITERS = {"comma": ",", "semicolon": ";"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
# Rows fetched at a time; the codings of a batch come in one more query. Below SQLite's 32,766
# bound parameters, and large enough that the per-batch query costs nothing.
GENERAL = ""


class ExportError(Exception):
    """A parameter the export cannot honour; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class ExportOptions:
    """What one export holds: made by make_options, which checks every value."""

    consultation: Consultation
    fmt: str = "csv"
    axis: Topic | None = None  # None: the whole consultation
    delimiter: str = "comma"
    lang: str = "fr"
    include_hidden: bool = False
    identified: bool = False
    reason: str = ""

    @property
    def filters(self) -> dict:
        """What the audit log and the file's index record about this export."""
        detail = {"format": self.fmt, "axis": self.axis.code if self.axis else None, "language": self.lang,
                  "include_hidden": self.include_hidden, "identified": self.identified}
        if self.fmt == "csv":
            detail["delimiter"] = self.delimiter
        return detail


def export_languages(consultation: Consultation) -> list[str]:
    """A consultation held in one language exports in that language only."""
    offered = [lang for lang in consultation.language_list if lang in LANGUAGES]
    return offered or list(LANGUAGES)


def default_delimiter(interface_lang: str) -> str:
    """French-locale spreadsheets split CSV on semicolons (the comma is their decimal mark)."""
    return "semicolon" if interface_lang == "fr" else "comma"


def find_axis(consultation: Consultation, code: str) -> Topic | None:
    return db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.kind == "axis",
                                                 Topic.code == code))


def make_options(consultation: Consultation, fmt: str, *, axis: str | None = None, delimiter: str | None = None,
                 lang: str | None = None, include_hidden: bool = False, identified: bool = False, reason: str = "",
                 interface_lang: str = "fr") -> ExportOptions:
    """Check what was asked (from a URL, a form or the command line) and resolve it; ExportError if
    a value is unknown. A language the consultation is not held in falls back to the one it is."""
    if fmt not in FORMATS:
        raise ExportError(_("Unknown export format “%(format)s”: choose CSV, XLSX or JSON.", format=fmt), 404)
    axis_topic = None
    if axis:
        axis_topic = find_axis(consultation, axis)
        if axis_topic is None:
            raise ExportError(_("This consultation has no %(level)s “%(code)s”.",
                                level=consultation.vocabulary.term(0).text, code=axis), 404)
    if delimiter and delimiter not in DELIMITERS:
        raise ExportError(_("Unknown delimiter “%(delimiter)s”: choose comma or semicolon.", delimiter=delimiter))
    if lang and lang not in LANGUAGES:
        raise ExportError(_("Unknown language “%(lang)s”: choose French or English.", lang=lang))
    languages = export_languages(consultation)
    chosen = lang if lang in languages else (interface_lang if interface_lang in languages else languages[0])
    return ExportOptions(consultation=consultation, fmt=fmt, axis=axis_topic,
                         delimiter=delimiter or default_delimiter(interface_lang), lang=chosen,
                         include_hidden=include_hidden, identified=identified, reason=reason.strip())


# -- groups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRef:
    """What an export needs of a topic, read once: rows stream after the request's transaction
    ended, so they never go back to ORM objects."""

    id: int
    code: str
    kind: str
    title: str  # in the export's language


@dataclass
class Group:
    """An axis (its comments and its orientations'), or the general group (no topic, or a section)."""

    key: str  # the axis code, or GENERAL
    title: str
    topics: list[TopicRef | None]  # queried in this order; None stands for "no topic"
    count: int = 0
    hidden: int = 0


def _tree(consultation: Consultation) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id)
                                   .order_by(Topic.position, Topic.id)))


def groups_of(consultation: Consultation, lang: str, labels: Labels | None = None,
              axis: Topic | None = None) -> list[Group]:
    """The export's groups in order: each axis, then the general group (whole consultation only)."""
    topics = _tree(consultation)
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)

    def ref(topic: Topic) -> TopicRef:
        return TopicRef(topic.id, topic.code, topic.kind, localized(topic, "title", lang).text)

    groups = []
    for root in children.get(None, []):
        if root.kind == "axis" and (axis is None or root.id == axis.id):
            groups.append(Group(key=root.code, title=localized(root, "title", lang).text,
                                topics=[ref(root), *(ref(child) for child in children.get(root.id, []))]))
    if axis is None:
        sections: list[TopicRef | None] = [None]

        def walk(parent_id):
            for topic in children.get(parent_id, []):
                if topic.kind == "section":
                    sections.append(ref(topic))
                    walk(topic.id)

        walk(None)
        labels = labels or labels_for(lang, consultation)
        groups.append(Group(key=GENERAL, title=labels.general, topics=sections))
    _count(consultation, groups)
    return groups


def _count(consultation: Consultation, groups: list[Group]) -> None:
    """Fill each group's counts (shown, hidden) with one grouped query."""
    where = {}
    for group in groups:
        for topic in group.topics:
            where[topic.id if topic is not None else None] = group
    for topic_id, visibility, number in db.session.execute(
        select(Comment.topic_id, Comment.visibility, func.count()).where(Comment.consultation_id == consultation.id)
        .group_by(Comment.topic_id, Comment.visibility)
    ):
        group = where.get(topic_id)
        if group is None:
            continue
        if visibility == "hidden":
            group.hidden += number
        else:
            group.count += number


def row_count(groups: list[Group], include_hidden: bool) -> int:
    return sum(group.count + (group.hidden if include_hidden else 0) for group in groups)


# -- naming and audit -------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_words(text: str) -> str:
    """"Élément clé" -> "element-cle": a name as it can stand in a file name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _UNSAFE.sub("-", plain).strip("-") or "part"


def file_name(options: ExportOptions, today: datetime | None = None) -> str:
    """consultation-slug_axe-4_2026-11-23.xlsx: what the file says it holds, in the export's language
    and with the consultation's name for its first level."""
    today = (today or datetime.now(timezone.utc)).astimezone(options.consultation.tz)
    parts = [options.consultation.slug]
    if options.axis is not None:
        level = options.consultation.vocabulary.term(0, lang=options.lang).text
        parts.append(f"{ascii_words(level)}-{options.axis.code}")
    if options.identified:
        parts.append("nominatif" if options.lang == "fr" else "identified")
    parts.append(today.strftime("%Y-%m-%d"))
    return _UNSAFE.sub("-", "_".join(parts)) + "." + options.fmt


def record_export(options: ExportOptions, rows: int | None, actor_id: int | None = None,
                  actor_label: str = "") -> None:
    """Every export is in the audit log; an identified one also says why it was made."""
    detail = options.filters
    if rows is not None:
        detail["rows"] = rows
    if options.identified:
        detail["reason"] = options.reason
    event = record(actor_id, "comments.export_identified" if options.identified else "comments.export",
                   "consultation", options.consultation.id, options.consultation.id, **detail)
    event.actor_label = actor_label
    db.session.flush()
