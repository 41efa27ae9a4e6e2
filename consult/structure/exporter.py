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


def _held(texts: dict | None, languages: list[str]) -> dict:
    return {lang: texts[lang] for lang in languages if (texts or {}).get(lang)}


def _names(level: dict, languages: list[str]) -> dict:
    return {"singular": _held(level.get("singular"), languages), "plural": _held(level.get("plural"), languages)}


def _codebook(codebook: dict, languages: list[str]) -> dict:
    codes = []
    for code in codebook.get("codes", []):
        entry = {"key": code["key"], "label": _held(code.get("label"), languages), "group": code["group"]}
        if _held(code.get("description"), languages):
            entry["description"] = _held(code.get("description"), languages)
        if code.get("shortcut"):
            entry["shortcut"] = code["shortcut"]
        codes.append(entry)
    groups = {name: _held(text, languages) for name, text in (codebook.get("groups") or {}).items()}
    result = {"groups": groups, "codes": codes}
    if _held(codebook.get("heading"), languages):
        result = {"heading": _held(codebook["heading"], languages), **result}
    return result


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
        levels=[_names(level, languages) for level in consultation.vocabulary.levels],
        prompts=[{"key": prompt["key"], "label": _held(prompt.get("label"), languages)}
                 for prompt in consultation.prompt_set],
        codebook=_codebook(consultation.codebook_preset, languages),
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
