"""A structure file uploaded in the browser: checked with the importer's own validation, previewed
(what is added, renamed, moved, removed, or kept because something points at it), then applied by
the importer in one transaction."""
import json
import re
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _

from ..extensions import db
from ..models import Consultation
from ..structure.exporter import export_structure
from ..structure.importer import ImportReport, _rows_linked_to_topic, import_structure
from ..structure.validation import Problem, StructureError, parse_json, validate

MAX_BYTES = 5 * 1024 * 1024
_STEP = re.compile(r"(topics|children)\[(\d+)\]")


@dataclass(frozen=True)
class LocatedProblem:
    code: str  # the node the problem is in ("" for the consultation itself)
    location: str
    message: str


@dataclass
class Preview:
    added: list[tuple] = field(default_factory=list)  # (code, title)
    renamed: list[tuple] = field(default_factory=list)  # (code, old title, new title)
    moved: list[tuple] = field(default_factory=list)  # (code, old parent code, new parent code)
    removed: list[tuple] = field(default_factory=list)  # (code, title)
    kept: list[tuple] = field(default_factory=list)  # (code, title, records pointing at it)

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.moved or self.removed or self.kept)


def _node_at(document: dict, location: str) -> str:
    """The part a location such as topics[1].children[0].title points into: its code, or where it
    stands when it has none ("part 3 under 1.2")."""
    node, place = document, ""
    for kind, index in _STEP.findall(location):
        items = node.get(kind, [])
        index = int(index)
        if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], dict):
            break
        node = items[index]
        code = node.get("code")
        if isinstance(code, str) and code:
            place = code
        elif place:
            place = _("part %(num)d under %(parent)s", num=index + 1, parent=place)
        else:
            place = _("part %(num)d at the top", num=index + 1)
    return place


def read_upload(raw: bytes, filename: str, consultation: Consultation) -> tuple[dict | None, list[LocatedProblem]]:
    """The document, or the problems found, each placed at the node it concerns."""
    if len(raw) > MAX_BYTES:
        return None, [LocatedProblem("", "", _("The file is larger than %(size)d MB.", size=MAX_BYTES // 1048576))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [LocatedProblem("", "", _("The file is not a UTF-8 text file; save it as JSON in UTF-8."))]
    document = None
    try:
        document = parse_json(text, filename)
        validate(document, filename)
        if document.get("slug") != consultation.slug:
            raise StructureError(filename, [Problem("slug", _(
                "this file is for the consultation “%(file_slug)s”, not “%(slug)s”; change its slug to import it here",
                file_slug=document.get("slug"), slug=consultation.slug))])
    except StructureError as error:
        return None, [LocatedProblem(_node_at(document, problem.location) if isinstance(document, dict) else "",
                                     problem.location, problem.message) for problem in error.problems]
    return document, []


def _flatten(items, parent_code, into):
    for item in items:
        into[item["code"]] = (item, parent_code)
        _flatten(item.get("children", []), item["code"], into)
    return into


@dataclass(frozen=True)
class Title:
    """A title in the first language it exists in, the page's first; shown with its `lang`."""

    text: str
    lang: str

    def __str__(self):
        return self.text


def _title(texts: dict, languages: list[str]) -> Title:
    return next((Title(texts[lang], lang) for lang in languages if texts.get(lang)), Title("", languages[0]))


def preview(consultation: Consultation, document: dict) -> Preview:
    shown = str(get_locale() or "fr")[:2]
    languages = sorted(consultation.language_list, key=lambda lang: lang != shown)
    incoming = _flatten(document.get("topics", []), None, {})
    existing = {topic.code: topic for topic in consultation.topics}
    result = Preview()
    for code, (item, parent_code) in incoming.items():
        new_title = _title(item.get("title", {}), languages)
        topic = existing.get(code)
        if topic is None:
            result.added.append((code, new_title))
            continue
        changed = [lang for lang in languages
                   if (item.get("title", {}).get(lang) or "").strip() != getattr(topic, f"title_{lang}")]
        if changed:  # shown in the first language that changed, the page's when it did
            lang = changed[0]
            result.renamed.append((code, Title(getattr(topic, f"title_{lang}"), lang),
                                   Title((item.get("title", {}).get(lang) or "").strip(), lang)))
        old_parent = topic.parent.code if topic.parent else None
        if old_parent != parent_code:
            result.moved.append((code, old_parent or "", parent_code or ""))
    for code, topic in existing.items():
        if code in incoming:
            continue
        title = _title({lang: getattr(topic, f"title_{lang}") for lang in languages}, languages)
        linked = _rows_linked_to_topic(topic.id)
        if linked:
            result.kept.append((code, title, linked))
        else:
            result.removed.append((code, title))
    return result


# Settings a structure file may leave out: what is stored stays (it may have been set in the browser).
KEPT_WHEN_ABSENT = ("timezone", "status", "opens_at", "closes_at", "retention_until", "intro", "organizer",
                    "privacy_notice", "channels", "tracks", "categories", "levels", "prompts", "codebook")


def with_stored_settings(consultation: Consultation, document: dict) -> dict:
    """The document, completed with the consultation's current value of every setting it leaves out."""
    stored = export_structure(consultation)
    return {**{key: stored[key] for key in KEPT_WHEN_ABSENT if key in stored and key not in document}, **document}


def apply(consultation: Consultation, document_text: str, actor_id: int) -> ImportReport:
    """Validate again (the page may be old) and import; the caller commits once."""
    document = json.loads(document_text)
    if document.get("slug") != consultation.slug:
        raise StructureError("upload", [Problem("slug", _("this file is for another consultation"))])
    report = import_structure(with_stored_settings(consultation, document), source="upload",
                              actor_label=f"staff:{actor_id}", prune=True)
    db.session.flush()
    return report
