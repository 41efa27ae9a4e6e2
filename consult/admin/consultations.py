"""Consultations set up in the browser: create, edit settings, duplicate, open, close, archive.

Settings the structure file carries are written here the way the importer writes them; a duplicate
goes through the structure exporter and importer, so a copy is exactly what the file would give.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..audit import record
from ..extensions import db
from ..models import (
    Channel,
    Code,
    Consultation,
    Forum,
    Participant,
    ParticipantCategory,
    Question,
    Questionnaire,
    QuestionnairePage,
    Topic,
    Track,
)
from ..models.analysis import Comment
from ..models.consultation import CHANNEL_KINDS
from ..privacy.notice import update_notice
from ..readiness import Missing, missing_for_opening
from ..structure.exporter import export_structure
from ..structure.importer import import_structure
from ..vocabulary import presets

LANGUAGES = ("fr", "en")


class SettingsRefused(Exception):
    """Nothing was written; `errors` maps a form field name ("tracks-1-code") to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class OpeningRefused(Exception):
    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__("; ".join(str(item.message) for item in missing))


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)) is not None


def _start(day: date | None, consultation: Consultation) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=consultation.tz) if day else None


def _end(day: date | None, consultation: Consultation) -> datetime | None:
    # A last day includes that whole day, as in the structure file.
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=consultation.tz) if day else None


def local_day(moment: datetime | None, consultation: Consultation, last: bool = False) -> date | None:
    if moment is None:
        return None
    local = moment.astimezone(consultation.tz)
    return (local - timedelta(days=1)).date() if last and local.time() == time(0) else local.date()


@dataclass
class SettingsValues:
    languages: list[str]
    titles: dict[str, str]
    intros: dict[str, str]
    timezone: str
    opens_on: date | None
    closes_on: date | None
    channels: dict[str, dict]  # kind -> {"offered", "opens_on", "closes_on"}
    tracks: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    retention_until: date | None = None
    privacy_notice: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form) -> "SettingsValues":
        return cls(
            languages=form.held(),
            titles={lang: (getattr(form, f"title_{lang}").data or "").strip() for lang in LANGUAGES},
            intros={lang: (getattr(form, f"intro_{lang}").data or "").replace("\r\n", "\n").strip()
                    for lang in LANGUAGES},
            timezone=form.timezone.data,
            opens_on=form.opens_on.data, closes_on=form.closes_on.data,
            channels={kind: {"offered": sub.offered.data, "opens_on": sub.opens_on.data,
                             "closes_on": sub.closes_on.data}
                      for kind, _label, sub in form.channels()},
            tracks=form.named_rows("tracks"), categories=form.named_rows("categories"),
            retention_until=form.retention_until.data,
            privacy_notice={lang: getattr(form, f"privacy_notice_{lang}").data or "" for lang in LANGUAGES},
        )


def form_data(consultation: Consultation) -> dict:
    """What the settings form shows for a consultation."""
    by_kind = {channel.kind: channel for channel in consultation.channels}
    data = {
        "languages": consultation.language_list, "timezone": consultation.timezone,
        "opens_on": local_day(consultation.opens_at, consultation),
        "closes_on": local_day(consultation.closes_at, consultation, last=True),
        "retention_until": local_day(consultation.retention_until, consultation, last=True),
    }
    for lang in LANGUAGES:
        for name in ("title", "intro", "privacy_notice"):
            data[f"{name}_{lang}"] = getattr(consultation, f"{name}_{lang}")
    for kind in CHANNEL_KINDS:
        channel = by_kind.get(kind)
        data[kind] = {"offered": channel is not None,
                      "opens_on": local_day(channel.opens_at, consultation) if channel else None,
                      "closes_on": local_day(channel.closes_at, consultation, last=True) if channel else None}
    return data


def _in_use(rows, incoming: list[dict], users: list, field_name: str, message) -> dict[str, str]:
    """Rows the form drops but people or sessions still point at: refused, named by code."""
    kept = {item["code"] for item in incoming}
    errors = {}
    for row in rows:
        if row.code in kept:
            continue
        total = sum(db.session.scalar(select(func.count()).select_from(model).where(column == row.id)) or 0
                    for model, column in users)
        if total:
            errors[f"{field_name}-{row.code}"] = message(row.code, total)
    return errors


def _sync_rows(existing: list, incoming: list[dict], factory) -> list:
    by_code = {row.code: row for row in existing}
    rows = []
    for position, item in enumerate(incoming):
        row = by_code.pop(item["code"], None) or factory()
        row.code, row.position = item["code"], position
        row.name_fr, row.name_en = item["name_fr"], item["name_en"]
        rows.append(row)
    for row in by_code.values():
        db.session.delete(row)
    return rows


def apply_settings(consultation: Consultation, values: SettingsValues, actor_id: int, messages) -> None:
    """Write every setting, or nothing: rows still in use are checked before the first change.

    `messages` gives the refusal texts (track_in_use(code, count), category_in_use(code, count)).
    """
    errors = _in_use(consultation.tracks, values.tracks, [(Forum, Forum.track_id), (Comment, Comment.track_id)],
                     "tracks", messages.track_in_use)
    errors |= _in_use(consultation.categories, values.categories, [(Participant, Participant.category_id)],
                      "categories", messages.category_in_use)
    if errors:
        raise SettingsRefused(errors)
    consultation.languages = ",".join(values.languages)
    consultation.timezone = values.timezone
    for lang in LANGUAGES:
        setattr(consultation, f"title_{lang}", values.titles.get(lang, ""))
        setattr(consultation, f"intro_{lang}", values.intros.get(lang, ""))
    consultation.opens_at = _start(values.opens_on, consultation)
    consultation.closes_at = _end(values.closes_on, consultation)
    by_kind = {channel.kind: channel for channel in consultation.channels}
    channels = []
    for position, kind in enumerate(CHANNEL_KINDS):
        wanted = values.channels.get(kind, {})
        if not wanted.get("offered"):
            continue
        channel = by_kind.get(kind) or Channel(kind=kind)
        channel.position = position
        channel.opens_at = _start(wanted.get("opens_on"), consultation)
        channel.closes_at = _end(wanted.get("closes_on"), consultation)
        channels.append(channel)
    consultation.channels = channels
    consultation.tracks = _sync_rows(list(consultation.tracks), values.tracks, Track)
    consultation.categories = _sync_rows(list(consultation.categories), values.categories, ParticipantCategory)
    db.session.flush()
    update_notice(consultation, {"privacy_notice_fr": values.privacy_notice.get("fr", ""),
                                 "privacy_notice_en": values.privacy_notice.get("en", ""),
                                 "retention_until": values.retention_until}, actor_id)
    record(actor_id, "consultation.settings", "consultation", consultation.id, consultation.id,
           languages=values.languages, tracks=[row["code"] for row in values.tracks],
           categories=[row["code"] for row in values.categories],
           channels=[channel.kind for channel in channels])
    db.session.flush()


def create_consultation(slug: str, values: SettingsValues, actor_id: int, messages,
                        level_preset: str = presets.DEFAULT_LEVELS,
                        prompt_preset: str = presets.DEFAULT_PROMPTS,
                        codebook_preset: str = presets.DEFAULT_CODEBOOK) -> Consultation:
    consultation = Consultation(slug=slug, status="draft", levels=presets.copy(presets.LEVEL_PRESETS[level_preset]),
                                prompts=presets.copy(presets.PROMPT_PRESETS[prompt_preset]),
                                codebook=presets.copy(presets.CODEBOOK_PRESETS[codebook_preset]))
    db.session.add(consultation)
    db.session.flush()
    apply_settings(consultation, values, actor_id, messages)
    record(actor_id, "consultation.create", "consultation", consultation.id, consultation.id, slug=slug,
           levels=level_preset, prompts=prompt_preset, codebook=codebook_preset)
    return consultation


def _copy_columns(source, target, skip=("id",)) -> None:
    for column in source.__table__.columns:
        if column.key not in skip and not column.foreign_keys:
            setattr(target, column.key, getattr(source, column.key))


def _copy_questionnaire(source: Consultation, target: Consultation) -> None:
    original = db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == source.id))
    if original is None:
        return
    topics = {topic.code: topic for topic in db.session.scalars(
        select(Topic).where(Topic.consultation_id == target.id))}
    copy = Questionnaire(consultation_id=target.id)
    _copy_columns(original, copy, skip=("id", "created_at", "updated_at"))
    copy.status = "draft"
    db.session.add(copy)
    pages = [(page, list(page.questions)) for page in original.pages]
    with db.session.no_autoflush:  # reading the original must not flush half-built copies
        for page, questions in pages:
            new_page = QuestionnairePage(topic=topics.get(page.topic.code) if page.topic else None)
            _copy_columns(page, new_page)
            copy.pages.append(new_page)
            db.session.add(new_page)
            for question in questions:
                new_question = Question(topic=topics.get(question.topic.code) if question.topic else None)
                _copy_columns(question, new_question)
                new_page.questions.append(new_question)


def _copy_codebook(source: Consultation, target: Consultation) -> None:
    """The codes themselves (names, keys, shortcuts, colours), not their history nor any coding."""
    themes = {(theme.topic.code, theme.code): theme for topic in target.topics for theme in topic.themes}
    for code in db.session.scalars(select(Code).where(Code.consultation_id == source.id,
                                                      Code.merged_into_id.is_(None))):
        copy = Code(consultation_id=target.id)
        _copy_columns(code, copy, skip=("id", "created_at", "updated_at"))
        if code.theme_id is not None and code.theme is not None:
            copy.theme = themes.get((code.theme.topic.code, code.theme.code))
        db.session.add(copy)


def duplicate_consultation(source: Consultation, slug: str, titles: dict[str, str], actor_id: int) -> Consultation:
    """Structure, vocabulary, settings, questionnaire and codebook; no people and nothing they wrote."""
    document = export_structure(source)
    document["slug"] = slug
    document["status"] = "draft"
    document["title"] = {lang: titles.get(lang) or text for lang, text in document.get("title", {}).items()}
    report = import_structure(document, source=source.slug, actor_label=f"staff:{actor_id}")
    copy = report.consultation
    _copy_columns(source, copy, skip=("id", "slug", "status", "created_at", "updated_at",
                                      "title_fr", "title_en", "privacy_notice_version"))
    copy.status = "draft"
    for lang in LANGUAGES:
        if titles.get(lang):
            setattr(copy, f"title_{lang}", titles[lang])
    db.session.flush()
    _copy_questionnaire(source, copy)
    _copy_codebook(source, copy)
    record(actor_id, "consultation.duplicate", "consultation", copy.id, copy.id, source=source.slug, slug=slug)
    db.session.flush()
    return copy


def open_consultation(consultation: Consultation, actor_id: int) -> None:
    missing = missing_for_opening(consultation)
    if missing:
        raise OpeningRefused(missing)
    consultation.status = "open"
    record(actor_id, "consultation.open", "consultation", consultation.id, consultation.id)
    db.session.flush()


def set_status(consultation: Consultation, status: str, actor_id: int) -> None:
    """Close, archive or take back to draft; opening goes through open_consultation."""
    before = consultation.status
    consultation.status = status
    record(actor_id, f"consultation.{status}", "consultation", consultation.id, consultation.id, before=before)
    db.session.flush()
