"""Set what a consultation calls things: its levels' names, its questionnaire's prompts and its
codebook preset. Each call checks everything first and writes nothing when something is wrong
(VocabularyError lists each problem with its place); it flushes and audits, the caller commits."""
import re
import unicodedata

from flask_babel import gettext as _

from .. import audit
from ..analysis.codebook import ensure_codebook
from ..extensions import db
from ..models import Consultation
from . import presets
from .checks import check_codebook, check_levels, check_prompts


class VocabularyError(ValueError):
    """[(path, message)]: where each problem is ("levels[1].plural.fr") and what it is."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"{_place(path)}: {message}" for path, message in problems))


def _place(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _held_only(texts: dict | None, languages: list[str]) -> dict:
    return {lang: (texts or {}).get(lang, "").strip() for lang in languages if (texts or {}).get(lang, "").strip()}


def _resolve(value, table: dict, what: str):
    if isinstance(value, str):
        if value not in table:
            raise VocabularyError([([what], _("unknown preset “%(name)s”", name=value))])
        return presets.copy(table[value])
    return presets.copy(value)


def set_levels(consultation: Consultation, levels, actor_id: int | None = None) -> list[dict]:
    """A preset's name ("axes", "sections"...) or [{"singular": {...}, "plural": {...}}], top first."""
    levels = _resolve(levels, presets.LEVEL_PRESETS, "levels")
    languages = consultation.language_list
    cleaned = [{"singular": _held_only(level.get("singular"), languages),
                "plural": _held_only(level.get("plural"), languages)} for level in levels]
    problems = check_levels(cleaned, languages)
    if not problems and len(cleaned) < 2 and any(topic.kind == "orientation" for topic in consultation.topics):
        problems.append((["levels"], _second_level_needed()))
    if problems:
        raise VocabularyError(problems)
    if cleaned != consultation.levels:
        before = consultation.levels
        consultation.levels = cleaned
        audit.record(actor_id, "consultation.levels", "consultation", consultation.id, consultation.id,
                     before=before, after=cleaned)
    db.session.flush()
    return cleaned


def _second_level_needed() -> str:
    return _("the tree has a second level: name it too")


def prompt_key(label: str, taken: set[str]) -> str:
    """A stable key made from a label ("Ce qui manque" -> "ce-qui-manque"), unique in the set."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    base = (re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "prompt")[:16]
    if not base[0].isalpha():
        base = "p-" + base[:14]
    key, number = base, 2
    while key in taken or key == "agreement":
        key, number = f"{base[:16]}-{number}", number + 1
    taken.add(key)
    return key


def set_prompts(consultation: Consultation, prompts, actor_id: int | None = None) -> list[dict]:
    """A preset's name ("reference", "short", "open") or [{"key"?, "label": {...}}] in the order asked.
    A prompt without a key gets one made from its label; keys already used keep their answers' meaning."""
    prompts = _resolve(prompts, presets.PROMPT_PRESETS, "prompts")
    languages = consultation.language_list
    taken = {prompt["key"] for prompt in prompts if prompt.get("key")}
    cleaned = []
    for prompt in prompts:
        label = _held_only(prompt.get("label"), languages)
        key = prompt.get("key") or prompt_key(next(iter(label.values()), "prompt"), taken)
        cleaned.append({"key": key, "label": label})
    problems = check_prompts(cleaned, languages)
    if problems:
        raise VocabularyError(problems)
    if cleaned != consultation.prompts:
        before = consultation.prompts
        consultation.prompts = cleaned
        audit.record(actor_id, "consultation.prompts", "consultation", consultation.id, consultation.id,
                     before=before, after=cleaned)
    db.session.flush()
    return cleaned


def set_codebook_preset(consultation: Consultation, codebook, actor_id: int | None = None) -> dict:
    """A preset's name ("reference", "findings") or {"groups": {...}, "codes": [...], "heading"?}.
    The codes are added to the consultation's codebook (codes already there are kept: codings refer
    to them); the group headings name the report's tables."""
    codebook = _resolve(codebook, presets.CODEBOOK_PRESETS, "codebook")
    languages = consultation.language_list
    cleaned = {
        "groups": {name: _held_only(text, languages) for name, text in (codebook.get("groups") or {}).items()},
        "codes": [{"key": code.get("key", ""), "label": _held_only(code.get("label"), languages),
                   "description": _held_only(code.get("description"), languages),
                   "group": code.get("group", ""), "shortcut": code.get("shortcut", "")}
                  for code in codebook.get("codes") or []],
    }
    if codebook.get("heading"):
        cleaned["heading"] = _held_only(codebook["heading"], languages)
    problems = check_codebook(cleaned, languages)
    if problems:
        raise VocabularyError(problems)
    if cleaned != consultation.codebook:
        before = consultation.codebook
        consultation.codebook = cleaned
        audit.record(actor_id, "consultation.codebook", "consultation", consultation.id, consultation.id,
                     before=before, after=cleaned)
    db.session.flush()
    if consultation.id is not None:
        ensure_codebook(consultation, actor_id)
    return cleaned
