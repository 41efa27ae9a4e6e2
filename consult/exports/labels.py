"""What an export calls its columns and values, in the export's language (which may differ from the
interface's: a coordinator reading French may send an English file to a partner)."""
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from ..channels import channel_labels
from ..participants.regions import region_name
from ..questionnaires.prompts import PROMPT_NAMES
from ..vocabulary.terms import Vocabulary, pick

# Column keys, in the order of the CSV and XLSX columns.
COLUMNS = ("id", "axis", "axis_title", "orientation", "orientation_title", "theme_codes", "themes", "codes",
           "channel", "track", "pseudonym", "category", "region", "language", "prompt", "text", "source",
           "date", "stance", "visibility")
# Added after the pseudonym in an identified export.
IDENTITY_COLUMNS = ("name", "email", "organisation")


def columns(identified: bool) -> tuple[str, ...]:
    if not identified:
        return COLUMNS
    at = COLUMNS.index("pseudonym") + 1
    return COLUMNS[:at] + IDENTITY_COLUMNS + COLUMNS[at:]


@dataclass(frozen=True)
class Labels:
    """Every word an export writes besides the comments themselves, in one language."""

    lang: str
    headers: dict[str, str]
    channels: dict[str, str]
    prompts: dict[str, str]
    stances: dict[str, str]
    visibilities: dict[str, str]
    languages: dict[str, str]
    general: str
    general_sheet: str
    axis_sheet: str  # with %(code)s
    index_sheet: str
    index: dict[str, str]

    def region(self, code: str) -> str:
        with force_locale(self.lang):
            return region_name(code) if code else ""


def labels_for(lang: str, consultation=None) -> Labels:
    """The export's words in `lang`; the level names and prompts are the consultation's own."""
    vocab = consultation.vocabulary if consultation is not None else Vocabulary(None)
    top, item = vocab.term(0, lang=lang).cap.text, vocab.term(vocab.leaf, lang=lang).cap.text
    if consultation is not None:
        prompts = {prompt["key"]: pick(prompt.get("label"), lang, consultation.language_list)
                   for prompt in consultation.prompt_set}
    else:
        prompts = {key: str(label) for key, label in PROMPT_NAMES.items()}
    with force_locale(lang):
        track = _("Track")
        # A consultation whose levels share the word (French « volet ») would get two columns of one name.
        if track.casefold() in (top.casefold(), item.casefold()):
            track = _("Participation track")
        return Labels(
            lang=lang,
            headers={
                "id": _("Comment"),
                "axis": top,
                "axis_title": _("%(level)s title", level=top),
                "orientation": item,
                "orientation_title": _("%(level)s title", level=item),
                "theme_codes": _("Theme codes"),
                "themes": _("Themes"),
                "codes": _("Codes"),
                "channel": _("Channel"),
                "track": track,
                "pseudonym": _("Pseudonym"),
                "name": _("Name"),
                "email": _("Email address"),
                "organisation": _("Organization"),
                "category": _("Category"),
                "region": _("Province or country"),
                "language": _("Language"),
                "prompt": _("Prompt"),
                "text": _("Text"),
                "source": _("Source"),
                "date": _("Date"),
                "stance": _("Stance"),
                "visibility": _("Visibility"),
            },
            channels={key: str(label) for key, label in channel_labels().items()},
            prompts=prompts,
            stances={"": "", "support": _("Support"), "oppose": _("Opposition"), "mixed": _("Mixed"),
                     "neutral": _("Neutral")},
            visibilities={"visible": _("Visible"), "hidden": _("Hidden"), "flagged": _("Flagged")},
            languages={"fr": _("French"), "en": _("English")},
            general=_("General (no %(level)s)", level=vocab.term(vocab.leaf, lang=lang).text),
            general_sheet=_("General"),
            axis_sheet=top.replace("%", "%%") + " %(code)s",
            index_sheet=_("Contents"),
            index={
                "title": _("Comments export"),
                "consultation": _("Consultation"),
                "exported_at": _("Exported on"),
                "language": _("Language of the export"),
                "scope": _("Scope"),
                "whole": _("Whole consultation"),
                "hidden": _("Hidden comments"),
                "hidden_included": _("included"),
                "hidden_excluded": _("not included"),
                "identified": _("Identity of participants"),
                "identified_yes": _("names, email addresses and organizations included"),
                "identified_no": _("pseudonyms only"),
                "sheet": _("Sheet"),
                "group": _("Group"),
                "count": _("Comments"),
                "truncated": _("Texts longer than %(limit)s characters are cut in this file (a spreadsheet cell "
                               "holds no more); the CSV and JSON exports keep them whole."),
            },
        )
