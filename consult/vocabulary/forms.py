"""The staff form of a consultation's words: level names, prompts, codebook preset. Built for the
languages the consultation is held in and for as many prompts as it has (plus room for two more)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..i18n import language_name
from . import presets

EXTRA_PROMPTS = 2
# The level presets (presets.LEVEL_PRESETS, named by presets.level_preset_label) are offered where a
# consultation is created; here the names are typed, so that this page never shows another
# consultation's words.
PROMPT_PRESET_NAMES = {"reference": _l("Liked, disliked, unclear, to adjust, missing"),
                       "short": _l("Strengths, concerns, suggestions"), "open": _l("One open question")}
CODEBOOK_PRESET_NAMES = {"reference": _l("Clarify, change, include, strengthen"),
                         "findings": _l("Support, barrier, gap")}


def _in(lang: str, what) -> str:
    return _l("%(what)s, in %(language)s", what=what, language=language_name(lang))


class VocabularyForm(FlaskForm):
    depth = RadioField(_l("Levels of the tree"), choices=[SelectChoice("1", _l("One level")),
                                                          SelectChoice("2", _l("Two levels"))], default="2")
    prompt_preset = SelectField(_l("Or take the questions of a preset"))
    codebook_preset = SelectField(_l("Modification codes"))

    @classmethod
    def for_consultation(cls, consultation, **kwargs):
        languages = consultation.language_list or ["fr", "en"]
        prompts = consultation.prompt_set

        class Bound(cls):
            held = languages
            prompt_rows = len(prompts) + EXTRA_PROMPTS
            # The prompt fields of one language, "{lang}" left to fill: read together for their reading ease.
            prompt_patterns = [f"prompt{row}_{{lang}}" for row in range(len(prompts) + EXTRA_PROMPTS)]

        for level in range(2):
            for number in ("singular", "plural"):
                what = {(0, "singular"): _l("First level, singular"), (0, "plural"): _l("First level, plural"),
                        (1, "singular"): _l("Second level, singular"),
                        (1, "plural"): _l("Second level, plural")}[(level, number)]
                for lang in languages:
                    setattr(Bound, f"level{level}_{number}_{lang}",
                            StringField(_in(lang, what), validators=[Length(max=80)]))
        for row in range(Bound.prompt_rows):
            setattr(Bound, f"prompt{row}_key", HiddenField())
            for lang in languages:
                setattr(Bound, f"prompt{row}_{lang}", StringField(
                    _in(lang, _l("Question %(number)d", number=row + 1)), validators=[Length(max=300)]))
        for group, what in (("clarify", _l("Heading of the first table")),
                            ("strengthen", _l("Heading of the second table"))):
            for lang in languages:
                setattr(Bound, f"group_{group}_{lang}", StringField(_in(lang, what), validators=[Length(max=120)]))
        form = Bound(**kwargs)
        form.prompt_preset.choices = [SelectChoice("", _l("Keep the questions typed above"))] + [
            SelectChoice(key, name) for key, name in PROMPT_PRESET_NAMES.items()]
        form.codebook_preset.choices = [SelectChoice("", _l("Keep the current codes"))] + [
            SelectChoice(key, name) for key, name in CODEBOOK_PRESET_NAMES.items()]
        if not form.is_submitted():
            form._fill(consultation)
        return form

    def _fill(self, consultation):
        levels = consultation.vocabulary.levels
        self.depth.data = str(min(max(len(levels), 1), 2))
        for level, entry in enumerate(levels[:2]):
            for number in ("singular", "plural"):
                for lang in self.held:
                    self[f"level{level}_{number}_{lang}"].data = (entry.get(number) or {}).get(lang, "")
        for row, prompt in enumerate(consultation.prompt_set):
            self[f"prompt{row}_key"].data = prompt["key"]
            for lang in self.held:
                self[f"prompt{row}_{lang}"].data = (prompt.get("label") or {}).get(lang, "")
        groups = consultation.codebook_preset.get("groups") or {}
        for group in presets.REPORT_GROUPS:
            for lang in self.held:
                # A field in one language shows that language's text alone (as the levels and prompts
                # do): another language's words would be saved as this one's.
                self[f"group_{group}_{lang}"].data = (groups.get(group) or {}).get(lang, "")

    # -- what the services take ---------------------------------------------------------------

    def levels(self):
        depth = 1 if self.depth.data == "1" else 2
        return [{number: {lang: (self[f"level{level}_{number}_{lang}"].data or "").strip() for lang in self.held}
                 for number in ("singular", "plural")} for level in range(depth)]

    def prompts(self):
        if self.prompt_preset.data:
            return self.prompt_preset.data
        rows, self.prompt_row_of = [], []
        for row in range(self.prompt_rows):
            label = {lang: (self[f"prompt{row}_{lang}"].data or "").strip() for lang in self.held}
            if any(label.values()):
                rows.append({"key": self[f"prompt{row}_key"].data or "", "label": label})
                self.prompt_row_of.append(row)
        return rows

    def codebook(self, current: dict):
        if self.codebook_preset.data:
            return self.codebook_preset.data
        codebook = presets.copy(current)
        codebook["groups"] = {group: {lang: (self[f"group_{group}_{lang}"].data or "").strip() for lang in self.held}
                              for group in presets.REPORT_GROUPS}
        return codebook

    def place_errors(self, problems) -> None:
        """Put each located problem next to its field; the rest above the form."""
        for path, message in problems:
            path = list(path)
            if path[:1] == ["prompts"] and len(path) > 1 and path[1] < len(getattr(self, "prompt_row_of", [])):
                path[1] = self.prompt_row_of[path[1]]
            name = _field_name(path)
            if name and name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)


def _field_name(path: list) -> str | None:
    if len(path) == 4 and path[0] == "levels":
        return f"level{path[1]}_{path[2]}_{path[3]}"
    if len(path) == 4 and path[0] == "prompts" and path[2] == "label":
        return f"prompt{path[1]}_{path[3]}"
    if len(path) == 4 and path[0] == "codebook" and path[1] == "groups":
        return f"group_{path[2]}_{path[3]}"
    return None
