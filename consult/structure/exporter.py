"""Write a consultation back in the structure format that import reads."""
import json
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..glossary.terms import structure_items
from ..models import Consultation

FORMAT = "consult-structure/1"


def _text(obj, attribute: str, languages: list[str]) -> dict:
    return {lang: getattr(obj, f"{attribute}_{lang}") for lang in languages if getattr(obj, f"{attribute}_{lang}")}


def _moment(value: datetime | None, consultation: Consultation) -> str | None:
    return value.astimezone(consultation.tz).isoformat() if value else None


def _with_optional(data: dict, **optional) -> dict:
    data.update({key: value for key, value in optional.items() if value})
    return data


def _topic(topic, languages) -> dict:
    return _with_optional(
        {"code": topic.code, "kind": topic.kind, "title": _text(topic, "title", languages)},
        summary=_text(topic, "summary", languages),
        plain_summary=_text(topic, "plain_summary", languages),
        body=_text(topic, "body", languages),
        change_targets=[{"code": t.code, "text": _text(t, "text", languages)} for t in topic.change_targets],
        themes=[{"code": t.code, "name": _text(t, "name", languages)} for t in topic.themes],
        children=[_topic(child, languages) for child in topic.children],
    )


def export_structure(consultation: Consultation) -> dict:
    languages = consultation.language_list
    document = {
        "format": FORMAT,
        "slug": consultation.slug,
        "languages": languages,
        "timezone": consultation.timezone,
        "status": consultation.status,
    }
    return _with_optional(
        document,
        opens_at=_moment(consultation.opens_at, consultation),
        closes_at=_moment(consultation.closes_at, consultation),
        retention_until=_moment(consultation.retention_until, consultation),
        title=_text(consultation, "title", languages),
        intro=_text(consultation, "intro", languages),
        organizer=_text(consultation, "organizer", languages),
        privacy_notice=_text(consultation, "privacy_notice", languages),
        channels=[
            _with_optional({"kind": channel.kind},
                           opens_at=_moment(channel.opens_at, consultation),
                           closes_at=_moment(channel.closes_at, consultation),
                           description=_text(channel, "description", languages))
            for channel in consultation.channels
        ],
        tracks=[
            _with_optional({"code": track.code, "name": _text(track, "name", languages)},
                           description=_text(track, "description", languages))
            for track in consultation.tracks
        ],
        categories=[{"code": category.code, "name": _text(category, "name", languages)}
                    for category in consultation.categories],
        topics=[_topic(topic, languages) for topic in consultation.root_topics()],
        glossary=structure_items(consultation),
    )


def export_json(slug: str) -> str | None:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        return None
    return json.dumps(export_structure(consultation), ensure_ascii=False, indent=2) + "\n"
