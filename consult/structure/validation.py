"""Check a structure document and say exactly where and what is wrong."""
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from ..vocabulary.checks import check_codebook, check_levels, check_prompts

ROOT_KINDS = {"section", "axis"}
CHILD_KINDS = {"section": {"section"}, "axis": {"orientation"}, "orientation": set()}
REQUIRED_TEXTS = {"title"}


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self):
        return f"{self.location}: {self.message}" if self.location else self.message


class StructureError(Exception):
    """The document cannot be imported; `problems` says every reason found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


@cache
def schema() -> dict:
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))


def location_of(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def parse_json(raw: str, source: str) -> dict:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        where = _("line %(line)s, column %(column)s", line=error.lineno, column=error.colno)
        raise StructureError(source, [Problem(where, _("not valid JSON: %(reason)s", reason=error.msg))]) from error


def _schema_problems(errors) -> list[Problem]:
    """One problem per error, and one per missing field: the schema reports each missing field of an
    object with the same generic error, so the fields are read from the object itself, each once."""
    problems, named = [], set()
    for error in errors:
        path = list(error.absolute_path)
        if error.validator != "required":
            problems.append(Problem(location_of(path), _schema_message(error)))
            continue
        for name in error.validator_value:
            if name in error.instance or (tuple(map(str, path)), name) in named:
                continue
            named.add((tuple(map(str, path)), name))
            problems.append(Problem(location_of([*path, name]), _("the field “%(field)s” is required", field=name)))
    return problems


def _schema_message(error) -> str:
    kind = error.validator
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return _("unknown field “%(field)s”", field=", ".join(extra))
    if kind == "type":
        names = {"object": _("an object"), "array": _("a list"), "string": _("a text")}
        return _("must be %(kind)s", kind=names.get(error.validator_value, error.validator_value))
    if kind in {"enum", "const"}:
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        return _("“%(value)s” is not allowed here; expected one of: %(allowed)s",
                 value=error.instance, allowed=", ".join(map(str, allowed)))
    if kind == "pattern":
        if error.schema.get("pattern", "").startswith("^\\d{4}"):
            return _("“%(value)s” is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM±HH:MM)",
                     value=error.instance)
        return _("“%(value)s” is not a valid code: use letters, digits, dots, dashes or underscores",
                 value=error.instance)
    if kind == "minItems":
        return _("must not be empty")
    if kind == "maxItems":
        return _("has too many items")
    if kind == "uniqueItems":
        return _("lists the same value twice")
    if kind == "minLength":
        return _("must not be empty")
    return error.message


def parse_moment(value: str, tz: ZoneInfo, end_of_day: bool = False) -> datetime:
    """A date alone is the start of that day in the consultation's time zone, or, for a
    closing date, the end of it: "closes 2025-06-13" includes the 13th."""
    if len(value) == 10:
        day = date.fromisoformat(value) + (timedelta(days=1) if end_of_day else timedelta(0))
        return datetime.combine(day, time(0), tzinfo=tz)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


class _Checker:
    def __init__(self, document: dict):
        self.document = document
        self.problems: list[Problem] = []
        self.languages = document.get("languages", [])
        self.level_count: int | None = None

    def add(self, path, message):
        self.problems.append(Problem(location_of(path), message))

    def text(self, value, path, required=False):
        if value is None:
            return
        for lang in value:
            if lang not in self.languages:
                self.add([*path, lang], _("“%(lang)s” is not one of the consultation's languages (%(languages)s)",
                                          lang=lang, languages=", ".join(self.languages)))
        if required and not any((value.get(lang) or "").strip() for lang in self.languages):
            self.add(path, _("needs a text in at least one of: %(languages)s", languages=", ".join(self.languages)))

    def run(self) -> list[Problem]:
        doc = self.document
        tz = ZoneInfo("America/Montreal")
        if "timezone" in doc:
            try:
                tz = ZoneInfo(doc["timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                self.add(["timezone"], _("“%(value)s” is not a known time zone (for example America/Montreal)",
                                         value=doc["timezone"]))
        self.text(doc.get("title"), ["title"], required=True)
        self.text(doc.get("intro"), ["intro"])
        self.text(doc.get("organizer"), ["organizer"])
        self.dates(doc, [], tz)
        kinds = set()
        for index, channel in enumerate(doc.get("channels", [])):
            if channel["kind"] in kinds:
                self.add(["channels", index, "kind"], _("the channel “%(kind)s” is listed twice", kind=channel["kind"]))
            kinds.add(channel["kind"])
            self.text(channel.get("description"), ["channels", index, "description"])
            self.dates(channel, ["channels", index], tz)
        self.text(doc.get("privacy_notice"), ["privacy_notice"])
        for found in (check_levels(doc["levels"], self.languages) if "levels" in doc else []) + \
                (check_prompts(doc["prompts"], self.languages) if "prompts" in doc else []) + \
                (check_codebook(doc["codebook"], self.languages) if "codebook" in doc else []):
            self.add(*found)
        self.level_count = len(doc.get("levels") or []) or None
        self.unique_codes(doc.get("categories", []), ["categories"])
        for index, category in enumerate(doc.get("categories", [])):
            self.text(category.get("name"), ["categories", index, "name"], required=True)
        self.unique_codes(doc.get("tracks", []), ["tracks"])
        for index, track in enumerate(doc.get("tracks", [])):
            self.text(track.get("name"), ["tracks", index, "name"], required=True)
            self.text(track.get("description"), ["tracks", index, "description"])
        seen: dict[str, str] = {}
        for index, topic in enumerate(doc.get("topics", [])):
            self.topic(topic, ["topics", index], None, seen)
        return self.problems

    def dates(self, item, path, tz):
        parsed = {}
        for field in ("opens_at", "closes_at", "retention_until"):
            if field in item:
                try:
                    parsed[field] = parse_moment(item[field], tz, end_of_day=field != "opens_at")
                except ValueError:
                    self.add([*path, field], _("“%(value)s” is not a real date", value=item[field]))
        if "opens_at" in parsed and "closes_at" in parsed and parsed["closes_at"] <= parsed["opens_at"]:
            self.add([*path, "closes_at"], _("must come after opens_at"))

    def unique_codes(self, items, path):
        seen = set()
        for index, item in enumerate(items):
            if item["code"] in seen:
                self.add([*path, index, "code"], _("the code “%(code)s” is used twice", code=item["code"]))
            seen.add(item["code"])

    def topic(self, topic, path, parent_kind, seen):
        kind, code = topic["kind"], topic["code"]
        if parent_kind is None and kind not in ROOT_KINDS:
            self.add([*path, "kind"], _("a “%(kind)s” cannot be at the top level; put it inside an “axis” "
                                        "(a first-level topic)", kind=kind))
        elif parent_kind is not None and kind not in CHILD_KINDS[parent_kind]:
            self.add([*path, "kind"], _("a “%(kind)s” cannot be inside a “%(parent)s”", kind=kind, parent=parent_kind))
        if kind == "orientation" and self.level_count == 1:
            self.add([*path, "kind"], _("“levels” names one level: a second-level topic needs a second name"))
        if code in seen:
            self.add([*path, "code"],
                     _("the code “%(code)s” is already used at %(other)s", code=code, other=seen[code]))
        else:
            seen[code] = location_of(path)
        self.text(topic.get("title"), [*path, "title"], required=True)
        self.text(topic.get("summary"), [*path, "summary"])
        self.text(topic.get("body"), [*path, "body"])
        self.unique_codes(topic.get("change_targets", []), [*path, "change_targets"])
        for index, target in enumerate(topic.get("change_targets", [])):
            self.text(target.get("text"), [*path, "change_targets", index, "text"], required=True)
        self.unique_codes(topic.get("themes", []), [*path, "themes"])
        for index, theme in enumerate(topic.get("themes", [])):
            self.text(theme.get("name"), [*path, "themes", index, "name"], required=True)
        for index, child in enumerate(topic.get("children", [])):
            self.topic(child, [*path, "children", index], kind, seen)


def validate(document, source: str) -> None:
    """Raise StructureError listing every problem, or return when the document can be imported."""
    if not isinstance(document, dict):
        raise StructureError(source, [Problem("", _("the file must hold one JSON object"))])
    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        raise StructureError(source, _schema_problems(errors))
    problems = _Checker(document).run()
    if problems:
        raise StructureError(source, problems)
