"""The export page's forms: the download form (GET, pseudonymous, no token needed: it changes
nothing) and the identified export (POST, administrators only, with a stated reason)."""
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..i18n import LANGUAGE_NAMES
from ..vocabulary.terms import Vocabulary
from .services import FORMATS, GENERAL

FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX (Excel)", "json": "JSON"}
TRUE_VALUES = ("1", "y", "yes", "on", "true")


def scope_label(title: str, count: int, hidden: int) -> str:
    """"Axis 4 – Resources… (120 comments, 3 hidden)": a choice with what it holds."""
    label = f"{title} ({ngettext('%(num)d comment', '%(num)d comments', count)}"
    if hidden:
        label += ", " + ngettext("%(num)d hidden", "%(num)d hidden", hidden)
    return label + ")"


class ExportForm(FlaskForm):
    """The download form; the page's buttons send it to comments.csv, .xlsx or .json."""

    class Meta:
        csrf = False

    axis = RadioField(_l("What to export"), default="")
    delimiter = RadioField(_l("CSV delimiter"), choices=[
        SelectChoice("semicolon", _l("Semicolon (;): spreadsheets set up in French")),
        SelectChoice("comma", _l("Comma (,): spreadsheets set up in English")),
    ], description=_l("Only for CSV files."))
    lang = RadioField(_l("Language of the column names and labels"))
    hidden = BooleanField(_l("Include hidden comments"),
                          description=_l("Flagged comments are always included, and marked as such."))

    def __init__(self, groups, languages, vocabulary=None, **kwargs):
        super().__init__(**kwargs)
        top = (vocabulary or Vocabulary(None)).term(0).cap.text
        whole = scope_label(gettext("The whole consultation"), sum(group.count for group in groups),
                            sum(group.hidden for group in groups))
        self.axis.choices = [SelectChoice("", whole)] + [
            SelectChoice(group.key, scope_label(
                f"{top} {group.key} – {group.title}", group.count, group.hidden))
            for group in groups if group.key != GENERAL]
        if len(languages) > 1:
            self.lang.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in languages]
        else:
            del self.lang


class IdentifiedExportForm(ExportForm):
    """Names, email addresses and organisations: only with a reason, which the audit log keeps."""

    class Meta:
        csrf = True

    fmt = RadioField(_l("Format"), choices=[SelectChoice(key, FORMAT_NAMES[key]) for key in FORMATS], default="xlsx")
    reason = TextAreaField(_l("Why is an identified export needed?"), validators=[
        DataRequired(_l("Say why the names and email addresses are needed: the reason is kept in the audit log.")),
        Length(max=1000)],
        description=_l("Kept in the audit log with your name, the date and the filters."))
