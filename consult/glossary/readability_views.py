"""The readability panel of every staff form that edits public text: built from the form when a page
is rendered (so it shows without JavaScript, from what was saved or typed), and recomputed by htmx
from what is being typed, against the target the coordinator set for the consultation."""
import json
from dataclasses import dataclass

from flask import abort, g, make_response, render_template, request
from flask_babel import gettext as _

from ..consultations import get_consultation
from ..htmx import is_htmx
from ..i18n import language_name
from ..permissions import staff_required
from ..readability import Readability, readability
from .blueprint import bp

LANGS = ("fr", "en")
MAX_ENTRIES = 60
MAX_NAMES = 40


@dataclass
class ReadingEntry:
    """One text judged: a field in one language, or several short fields read together."""

    label: str
    lang: str
    names: list[str]
    text: str

    @property
    def spec(self) -> list:
        """What htmx sends back to have this entry judged again."""
        return [self.label, self.lang, self.names]

    @property
    def result(self) -> Readability | None:
        return readability(self.text, self.lang)


def _joined(values) -> str:
    # Short texts judged together read as paragraphs, each its own sentence.
    return "\n\n".join(value.strip() for value in values if value and value.strip())


@bp.app_template_global()
def readability_entries(form, names=(), groups=()) -> list[ReadingEntry]:
    """Entries for the fields `<name>_fr` / `<name>_en` of `form`, then for each (label, patterns) group
    the fields `pattern.format(lang=...)` read together (e.g. every question of a questionnaire). Only the
    languages the page asks for: a French-only consultation's texts are not judged in English."""
    entries = []
    asked = g.get("languages_asked") or LANGS
    langs = [lang for lang in LANGS if lang in asked]
    for name in names:
        for lang in langs:
            key = f"{name}_{lang}"
            if key in form:
                entries.append(ReadingEntry(str(form[key].label.text), lang, [form[key].name],
                                            form[key].data or ""))
    for label, patterns in groups:
        for lang in langs:
            fields = [form[pattern.format(lang=lang)] for pattern in patterns if pattern.format(lang=lang) in form]
            if fields:
                entries.append(ReadingEntry(_("%(what)s, in %(language)s", what=label, language=language_name(lang)),
                                            lang, [field.name for field in fields],
                                            _joined(field.data for field in fields)))
    return entries


def _posted_entries() -> list[ReadingEntry]:
    try:
        spec = json.loads(request.form.get("readability_spec", "[]"))
    except ValueError:
        abort(400)
    if not isinstance(spec, list) or len(spec) > MAX_ENTRIES:
        abort(400)
    entries = []
    for item in spec:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and item[1] in LANGS
                and isinstance(item[2], list) and len(item[2]) <= MAX_NAMES
                and all(isinstance(name, str) for name in item[2])):
            abort(400)
        label, lang, names = item
        entries.append(ReadingEntry(label[:300], lang, names, _joined(request.form.get(name, "") for name in names)))
    return entries


@bp.post("/staff/consultations/<slug>/readability")
@staff_required
def readability_check(slug):
    """The panel again, from the texts being typed (the whole form, sent by htmx or by the panel's button)."""
    consultation = get_consultation(slug)
    panel_id = request.form.get("readability_panel", "readability")
    if not panel_id.replace("-", "").isalnum() or len(panel_id) > 80:
        abort(400)
    level = request.form.get("readability_level", "2")
    if level not in ("2", "3", "4"):
        abort(400)
    # htmx swaps the panel in place; without JavaScript, the panel's button shows it on a page of its own.
    template = "_macros/_readability_fragment.html" if is_htmx() else "_macros/readability_preview.html"
    response = make_response(render_template(template, consultation=consultation, entries=_posted_entries(),
                                             panel_id=panel_id, level=int(level)))
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response
