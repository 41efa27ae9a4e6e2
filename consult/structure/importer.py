"""Create or update a consultation from a structure document, matched by slug and codes."""
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..glossary.terms import replace_from_structure, structure_problems
from ..models import AuditEvent, ChangeTarget, Channel, Consultation, ParticipantCategory, Theme, Topic, Track
from ..models.base import utcnow
from ..vocabulary import presets
from .validation import Problem, StructureError, parse_json, parse_moment, validate

TEXT_LANGUAGES = ("fr", "en")


@dataclass
class ImportReport:
    consultation: Consultation
    created: bool
    counts: dict = field(default_factory=dict)
    kept_absent: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


def _set_text(obj, attribute: str, value: dict | None) -> None:
    # A language missing from the file is cleared, so a corrected file is the truth.
    value = value or {}
    for lang in TEXT_LANGUAGES:
        setattr(obj, f"{attribute}_{lang}", (value.get(lang) or "").strip())


def _set_moments(obj, item: dict, tz: ZoneInfo, fields=("opens_at", "closes_at")) -> None:
    for name in fields:
        value = parse_moment(item[name], tz, end_of_day=name != "opens_at") if item.get(name) else None
        setattr(obj, name, value)


def load_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StructureError(str(path), [Problem("", _("cannot read the file: %(reason)s", reason=error))]) from error
    document = parse_json(raw, str(path))
    validate(document, str(path))
    return document


class _Upserter:
    def __init__(self, consultation: Consultation, prune: bool):
        self.consultation = consultation
        self.prune = prune
        self.report_absent: list[str] = []
        self.pruned: list[str] = []

    def children(self, existing, items, factory, apply, label):
        """Match rows to items by code, create what is new, report or prune the rest."""
        by_code = {row.code: row for row in existing}
        rows = []
        for position, item in enumerate(items):
            row = by_code.pop(item["code"], None) or factory()
            row.code = item["code"]
            row.position = position
            apply(row, item)
            rows.append(row)
        for code, row in by_code.items():
            if self.prune:
                self.pruned.append(f"{label} {code}")
                db.session.delete(row)
            else:
                # Kept, after the listed ones, so nothing linked to it is detached.
                self.report_absent.append(f"{label} {code}")
                row.position = len(rows)
                rows.append(row)
        return rows


# The topic's own parts, which go with it; anything else pointing at a topic is someone's work.
TOPIC_PARTS = {"topic", "change_target", "theme"}


def _rows_linked_to_topic(topic_id: int) -> int:
    """How many rows outside the structure (answers, notes, excerpts...) point at this topic."""
    total = 0
    for table in db.metadata.sorted_tables:
        if table.name in TOPIC_PARTS:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "topic":
                total += db.session.scalar(
                    select(func.count()).select_from(table).where(foreign_key.parent == topic_id)) or 0
    return total


def import_structure(document: dict, *, source: str = "<document>", actor_label: str = "cli",
                     prune: bool = False) -> ImportReport:
    """Validate then upsert. Raises StructureError before anything is written."""
    validate(document, source)
    glossary_problems = structure_problems(document.get("glossary", []))
    if glossary_problems:
        raise StructureError(source, glossary_problems)
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == document["slug"]))
    created = consultation is None
    if created:
        consultation = Consultation(slug=document["slug"])
        db.session.add(consultation)
    # Settings the file leaves out keep what is stored (they may have been set in the browser);
    # the texts of the proposal itself follow the file.
    if created or "timezone" in document:
        consultation.timezone = document.get("timezone", "America/Montreal")
    tz = ZoneInfo(consultation.timezone)
    consultation.languages = ",".join(document["languages"])
    if created or "status" in document:
        consultation.status = document.get("status", "draft")
    _set_text(consultation, "title", document["title"])
    _set_text(consultation, "intro", document.get("intro"))
    _set_text(consultation, "organizer", document.get("organizer"))
    if "privacy_notice" in document:
        notice_before = (consultation.privacy_notice_fr, consultation.privacy_notice_en)
        _set_text(consultation, "privacy_notice", document["privacy_notice"])
        if (consultation.privacy_notice_fr, consultation.privacy_notice_en) != notice_before:
            consultation.privacy_notice_version = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    _set_moments(consultation, document, tz, [name for name in ("opens_at", "closes_at", "retention_until")
                                              if created or name in document])
    for name, value in (("levels", document.get("levels")), ("prompts", document.get("prompts")),
                        ("codebook", document.get("codebook"))):
        if value is not None:
            setattr(consultation, name, presets.copy(value))
        elif created:
            setattr(consultation, name, presets.default(name))

    upsert = _Upserter(consultation, prune)

    by_kind = {channel.kind: channel for channel in consultation.channels}
    channels = []
    if "channels" not in document:  # a file without channels keeps the ways of taking part as they are
        by_kind, channels = {}, list(consultation.channels)
    for position, item in enumerate(document.get("channels", [])):
        channel = by_kind.pop(item["kind"], None) or Channel(kind=item["kind"])
        channel.position = position
        _set_text(channel, "description", item.get("description"))
        _set_moments(channel, item, tz, [name for name in ("opens_at", "closes_at")
                                         if channel.id is None or name in item])
        channels.append(channel)
    for kind, channel in by_kind.items():
        if prune:
            upsert.pruned.append(f"channel {kind}")
            db.session.delete(channel)
        else:
            upsert.report_absent.append(f"channel {kind}")
            channels.append(channel)
    consultation.channels = channels

    def apply_track(track, item):
        _set_text(track, "name", item["name"])
        _set_text(track, "description", item.get("description"))

    consultation.tracks = upsert.children(list(consultation.tracks), document.get("tracks", []), Track,
                                          apply_track, "track")
    consultation.categories = upsert.children(
        list(consultation.categories), document.get("categories", []), ParticipantCategory,
        lambda row, item: _set_text(row, "name", item["name"]), "category")

    existing_topics = {topic.code: topic for topic in consultation.topics}
    seen_codes: set[str] = set()
    counts = {"section": 0, "axis": 0, "orientation": 0, "themes": 0, "change_targets": 0}

    def apply_topic(item, parent, position):
        topic = existing_topics.get(item["code"])
        if topic is None:
            topic = Topic(code=item["code"], consultation=consultation)
            db.session.add(topic)
            existing_topics[item["code"]] = topic
        seen_codes.add(item["code"])
        topic.kind = item["kind"]
        topic.parent = parent
        topic.position = position
        counts[item["kind"]] += 1
        _set_text(topic, "title", item["title"])
        _set_text(topic, "summary", item.get("summary"))
        _set_text(topic, "plain_summary", item.get("plain_summary"))
        _set_text(topic, "body", item.get("body"))
        label = f"topic {item['code']}"
        topic.change_targets = upsert.children(
            list(topic.change_targets), item.get("change_targets", []), ChangeTarget,
            lambda row, data: _set_text(row, "text", data["text"]), f"{label} change target")
        topic.themes = upsert.children(
            list(topic.themes), item.get("themes", []), Theme,
            lambda row, data: _set_text(row, "name", data["name"]), f"{label} theme")
        counts["themes"] += len(item.get("themes", []))
        counts["change_targets"] += len(item.get("change_targets", []))
        for child_position, child in enumerate(item.get("children", [])):
            apply_topic(child, topic, child_position)

    for position, item in enumerate(document["topics"]):
        apply_topic(item, None, position)

    if "glossary" in document:
        replace_from_structure(consultation, document["glossary"])

    absent = [topic for code, topic in existing_topics.items() if code not in seen_codes]
    # Deepest first, so a pruned parent never leaves an orphan behind.
    for topic in sorted(absent, key=lambda t: -len(t.ancestors())):
        if not prune:
            upsert.report_absent.append(f"topic {topic.code}")
            continue
        linked = _rows_linked_to_topic(topic.id)  # counted only when pruning could lose something
        if not linked:
            upsert.pruned.append(f"topic {topic.code}")
            db.session.delete(topic)
        else:
            # What people wrote or said about it would go with it: never pruned.
            upsert.report_absent.append(f"topic {topic.code} ({linked} linked records)")
    db.session.flush()
    db.session.add(AuditEvent(
        actor_label=actor_label, action="structure.import", object_type="consultation",
        object_id=consultation.slug, consultation_id=consultation.id,
        detail={"source": source, "created": created, "counts": counts, "pruned": upsert.pruned},
    ))
    db.session.flush()
    return ImportReport(consultation, created, counts, upsert.report_absent, upsert.pruned)
