"""Rules a consultation's level names, prompts and codes follow, wherever they come from (a structure
file, the staff page): each problem located by its path, so the file and the form say where it is."""
from flask_babel import gettext as _

from ..i18n import language_name
from .presets import REPORT_GROUPS

Problem = tuple[list, str]


def _named(value, path, languages, problems, what):
    for lang in languages:
        if not ((value or {}).get(lang) or "").strip():
            problems.append(([*path, lang], _("%(what)s is missing in %(language)s",
                                              what=what, language=language_name(lang))))


def check_levels(levels: list[dict], languages: list[str], path=("levels",)) -> list[Problem]:
    problems: list[Problem] = []
    if not levels:
        problems.append((list(path), _("name at least one level")))
    if len(levels) > 2:
        problems.append((list(path), _("a tree has at most two levels")))
    for index, level in enumerate(levels):
        _named(level.get("singular"), [*path, index, "singular"], languages, problems, _("the singular name"))
        _named(level.get("plural"), [*path, index, "plural"], languages, problems, _("the plural name"))
    return problems


def check_prompts(prompts: list[dict], languages: list[str], path=("prompts",)) -> list[Problem]:
    problems: list[Problem] = []
    if not prompts:
        problems.append((list(path), _("give at least one prompt")))
    seen: set[str] = set()
    for index, prompt in enumerate(prompts):
        key = prompt.get("key", "")
        if key in seen:
            problems.append(([*path, index, "key"], _("the key “%(key)s” is used twice", key=key)))
        seen.add(key)
        if key == "agreement":
            problems.append(([*path, index, "key"], _("“agreement” is the agreement scale's key: choose another")))
        _named(prompt.get("label"), [*path, index, "label"], languages, problems, _("the label"))
    return problems


def check_codebook(codebook: dict, languages: list[str], path=("codebook",)) -> list[Problem]:
    problems: list[Problem] = []
    codes = codebook.get("codes") or []
    if not codes:
        problems.append(([*path, "codes"], _("give at least one code")))
    keys: set[str] = set()
    shortcuts: set[str] = set()
    for index, code in enumerate(codes):
        where = [*path, "codes", index]
        key = code.get("key", "")
        if key in keys:
            problems.append(([*where, "key"], _("the code “%(code)s” is used twice", code=key)))
        keys.add(key)
        shortcut = code.get("shortcut") or ""
        if shortcut in ("j", "k"):
            problems.append(([*where, "shortcut"], _("J and K move between comments: choose another key")))
        elif shortcut and shortcut in shortcuts:
            problems.append(([*where, "shortcut"], _("the key “%(key)s” is given to two codes", key=shortcut)))
        shortcuts.add(shortcut)
        if code.get("group") not in REPORT_GROUPS:
            problems.append(([*where, "group"], _("choose one of the report's two groups")))
        _named(code.get("label"), [*where, "label"], languages, problems, _("the label"))
    if codebook.get("heading"):
        _named(codebook["heading"], [*path, "heading"], languages, problems, _("the heading"))
    groups = codebook.get("groups") or {}
    for group in sorted({code.get("group") for code in codes} & set(REPORT_GROUPS)):
        _named(groups.get(group), [*path, "groups", group], languages, problems, _("the group's heading"))
    return problems
