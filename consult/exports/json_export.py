"""The JSON export: the consultation and the export's settings first, then every comment, streamed.
Its shape is docs/export-schema.json (JSON Schema) and docs/exports.md."""
import json
from collections.abc import Iterator
from datetime import datetime, timezone

from ..vocabulary.terms import Vocabulary
from .rows import ExportBatch, ExportRow, RowReader

# Version 2: groups and topics are named by level (the consultation's names are in "levels"), not by kind.
FORMAT = "consult-comments/2"


def _level(kind: str) -> int | None:
    level = Vocabulary.level_of(kind)
    return None if level is None else level + 1


def header(reader: RowReader, now: datetime | None = None) -> dict:
    options, labels = reader.options, reader.labels
    scope = None if reader.axis is None else {"code": reader.axis.code, "title": reader.axis.title}
    generated_at = (now or datetime.now(timezone.utc)).astimezone(reader.tz)
    return {
        "format": FORMAT,
        "consultation": {
            "slug": reader.slug,
            "title": reader.title,
            "languages": reader.languages,
            "timezone": reader.timezone,
            "levels": [{"singular": one, "plural": many} for one, many in reader.level_names],
        },
        "export": {
            "generated_at": generated_at.isoformat(timespec="seconds"),
            "language": options.lang,
            "group": scope,
            "include_hidden": options.include_hidden,
            "identified": options.identified,
        },
        "labels": {
            "channel": labels.channels,
            "prompt": {key: str(value) for key, value in labels.prompts.items()},
            "stance": {key: value for key, value in labels.stances.items() if key},
            "visibility": labels.visibilities,
            "language": labels.languages,
        },
        "groups": [{"code": group.key or None, "title": group.title} for group in reader.groups],
    }


def comment_object(batch: ExportBatch, row: ExportRow, identified: bool) -> dict:
    participant = None
    if row.pseudonym:
        participant = {
            "pseudonym": row.pseudonym,
            "category": {"code": row.category_code, "name": row.category_name} if row.category_code else None,
            "region": {"code": row.region_code, "name": row.region} if row.region_code else None,
        }
        if identified:
            participant.update(name=row.name, email=row.email, organisation=row.organisation)
    return {
        "id": row.id,
        "group": {"code": batch.group.key, "title": batch.group.title} if batch.group.key else None,
        "topic": ({"code": batch.topic_code, "level": _level(batch.topic_kind),
                   "title": batch.topic_title}
                  if batch.topic_code else None),
        "themes": [{"code": code, "label": label} for code, label in row.themes],
        "codes": [{"key": key, "kind": kind, "label": label} for key, label, kind in row.codes],
        "channel": row.channel,
        "track": {"code": row.track_code, "name": row.track_name} if row.track_code else None,
        "participant": participant,
        "language": row.language,
        "prompt": row.prompt,
        "text": row.text,
        "source": row.source,
        "date": row.date.isoformat(timespec="seconds"),
        "stance": row.stance,
        "visibility": row.visibility,
    }


def json_chunks(reader: RowReader, now: datetime | None = None) -> Iterator[bytes]:
    """One JSON document, written as the header's members, then "comments": [ ...one batch at a time... ]."""
    opening = json.dumps(header(reader, now), ensure_ascii=False, indent=1)
    yield (opening[:-2] + ',\n "comments": [').encode("utf-8")
    identified = reader.options.identified
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    separator = "\n  "
    for batch in reader.batches():
        if not batch.raw:
            continue
        parts = [dumps(comment_object(batch, row, identified)) for row in reader.rows(batch)]
        yield (separator + (",\n  ".join(parts))).encode("utf-8")
        separator = ",\n  "
    yield b"\n ]\n}\n"
