"""Forms of the structure editor and of the structure file upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from .consultation_forms import CODE_MESSAGE, CODE_PATTERN, CodedRowForm, filled_rows_with_codes

EXTRA_PARTS = 2


class PartRowForm(CodedRowForm):
    """A theme or a change target: a code and a text per language."""

    fr = StringField(_l("In French"), validators=[Optional(), Length(max=2000)])
    en = StringField(_l("In English"), validators=[Optional(), Length(max=2000)])


class NodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Give a code, for example 2.1.")),
                                               Length(max=20), Regexp(CODE_PATTERN, message=CODE_MESSAGE)],
                       description=_l("Unique in the consultation; it orders exports and links, for example 2.1."))
    parent = SelectField(_l("Placed under"), default="")
    root_kind = RadioField(_l("At the top, this part is"), default="axis")
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=400)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=400)])
    summary_fr = TextAreaField(_l("Summary in French"), validators=[Optional(), Length(max=5000)],
                               render_kw={"rows": 3})
    summary_en = TextAreaField(_l("Summary in English"), validators=[Optional(), Length(max=5000)],
                               render_kw={"rows": 3})
    plain_summary_fr = TextAreaField(_l("Plain-language summary in French"), validators=[Optional(), Length(max=5000)],
                                     render_kw={"rows": 3},
                                     description=_l("Optional. Shown first on the page, the full text one step away."))
    plain_summary_en = TextAreaField(_l("Plain-language summary in English"), validators=[Optional(), Length(max=5000)],
                                     render_kw={"rows": 3},
                                     description=_l("Optional. Shown first on the page, the full text one step away."))
    body_fr = TextAreaField(_l("Text in French"), validators=[Optional(), Length(max=50000)], render_kw={"rows": 6},
                            description=_l("Plain text. Leave a blank line between paragraphs."))
    body_en = TextAreaField(_l("Text in English"), validators=[Optional(), Length(max=50000)], render_kw={"rows": 6},
                            description=_l("Plain text. Leave a blank line between paragraphs."))
    themes = FieldList(FormField(PartRowForm), min_entries=EXTRA_PARTS)
    change_targets = FieldList(FormField(PartRowForm), min_entries=EXTRA_PARTS)

    def setup(self, parents, languages, level_names, parent_label):
        """Choices of this consultation: the nodes that may hold this one, and the kinds of top node."""
        self.languages = languages
        self.parent.choices = [SelectChoice("", _l("Nothing: at the top of the structure"))] + [
            SelectChoice(str(topic.id), parent_label(topic)) for topic in parents]
        self.root_kind.choices = [SelectChoice("axis", level_names[0]),
                                  SelectChoice("section", _l("A general section (text only, outside the levels)"))]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for lang in self.languages:
            if not (getattr(self, f"title_{lang}").data or "").strip():
                getattr(self, f"title_{lang}").errors.append(_l("Give the title in this language."))
                valid = False
        for rows in (self.themes, self.change_targets):
            filled, codes_valid = filled_rows_with_codes(rows)
            valid = valid and codes_valid
            for row in filled:
                if not any((getattr(row, lang).data or "").strip() for lang in self.languages):
                    getattr(row, self.languages[0]).errors.append(_l("Give the text."))
                    valid = False
        return valid

    def parts(self, name: str) -> list[dict]:
        return [{"code": row.code.data.strip(), "fr": (row.fr.data or "").strip(), "en": (row.en.data or "").strip()}
                for row in (entry.form for entry in getattr(self, name)) if not row.is_blank()]

    def offer_parts(self, topic) -> None:
        for name, rows, text in (("themes", topic.themes if topic else [], "name"),
                                 ("change_targets", topic.change_targets if topic else [], "text")):
            field = getattr(self, name)
            while len(field):
                field.pop_entry()
            for row in rows:
                field.append_entry({"code": row.code, "fr": getattr(row, f"{text}_fr"),
                                    "en": getattr(row, f"{text}_en")})
            for _index in range(EXTRA_PARTS):
                field.append_entry()


class UploadForm(FlaskForm):
    file = FileField(_l("Structure file (JSON)"),
                     description=_l("The format of the file downloaded here; see the documentation of the format."))


class ApplyForm(FlaskForm):
    document = HiddenField()


class MoveForm(FlaskForm):
    direction = RadioField(choices=[SelectChoice("up"), SelectChoice("down")], validate_choice=True)


class ButtonForm(FlaskForm):
    """Move up, move down, delete: a CSRF token and nothing else."""
