"""The report draft as a Word document (python-docx), built from the same ReportDraft as the page:
a title, a heading per topic, the memo, a table of comments by channel, the quotes, and the two
tables of proposed modifications, whose header rows repeat on every page."""
import io
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext as _
from flask_babel import ngettext

from ..channels import channel_label
from ..dates import format_day
from ..evaluation.docx_section import add_evaluation_section
from ..evaluation.results import EvaluationResults
from ..requests import without_control_characters
from ..web import text_blocks
from .report_draft import GROUPS, ReportDraft, TopicSection, group_title, quoted

MAX_HEADING_LEVEL = 3


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _set_language(document, lang: str) -> None:
    """Spelling and hyphenation in the report's language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if run_properties is None:
        return
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), "fr-CA" if lang == "fr" else "en-CA")


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = without_control_characters(text)
    return table


def add_footer(document, text: str) -> None:
    """The version and its date at the foot of every page."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        paragraph.text = text
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def item_header() -> list[str]:
    return [_("Item"), _("Proposed modification"), _("Supporting comments"), _("Channels")]


def add_item_tables(document, tables, sub: int) -> None:
    """The section's modification items, one table per kind, as the reference report's tables."""
    document.add_heading(_("Modifications and improvements"), level=sub)
    if not tables:
        document.add_paragraph(_("No modification item on this part yet.")).runs[0].italic = True
    for table in tables:
        caption = document.add_paragraph()
        caption.add_run(table.title).bold = True
        _table(document, item_header(),
               [[str(row.number), row.statement, str(row.comments), row.channels] for row in table.rows])


def _memo(document, section: TopicSection) -> None:
    if section.memo is None:
        document.add_paragraph(_("The analysts have not written a memo for this topic yet.")).runs[0].italic = True
        return
    for kind, content in text_blocks(section.memo.text):
        if kind == "ul":
            for item in content:
                document.add_paragraph(without_control_characters(item), style="List Bullet")
        else:
            document.add_paragraph(without_control_characters(content))
    if section.memo.fallback:
        note = _("Available in French only") if section.memo.lang == "fr" else _("Available in English only")
        document.add_paragraph(note).runs[0].italic = True


def _section(document, section: TopicSection, lang: str) -> None:
    level = min(section.depth + 1, MAX_HEADING_LEVEL)
    sub = min(level + 1, MAX_HEADING_LEVEL + 1)
    document.add_heading(without_control_characters(section.heading), level=level)
    document.add_heading(_("What we heard"), level=sub)
    _memo(document, section)

    if section.note is not None:
        for kind, content in text_blocks(section.note.text):
            if kind == "ul":
                for item in content:
                    document.add_paragraph(without_control_characters(item), style="List Bullet")
            else:
                document.add_paragraph(without_control_characters(content))
    add_item_tables(document, section.items, sub)

    document.add_heading(_("Comments by channel"), level=sub)
    counts = [[channel_label(channel), str(number)] for channel, number in section.counts]
    counts.append([_("Total"), str(section.total)])
    _table(document, [_("Channel"), _("Comments")], counts)

    document.add_heading(_("Quotes"), level=sub)
    if not section.quotes:
        document.add_paragraph(_("No quote: no comment on this topic may be quoted.")).runs[0].italic = True
    for quote in section.quotes:
        document.add_paragraph(without_control_characters(quoted(quote.text, lang)), style="Quote")
        credit = document.add_paragraph(f"— {quote.attribution}")
        credit.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    consultation = section.topic.consultation
    document.add_heading(_("Coded comments"), level=sub)
    for group in GROUPS:
        rows = section.rows(group)
        caption = document.add_paragraph()
        caption.add_run(group_title(group, consultation, lang)).bold = True
        if not rows:
            document.add_paragraph(_("No comment coded for this table yet.")).runs[0].italic = True
            continue
        _table(document, [_("Comment"), _("Code"), _("Channel"), _("Attribution")],
               [[row.text or _("(Not shown: no consent to be quoted. Paraphrase it from the analysis workspace.)"),
                 ", ".join(row.codes), channel_label(row.channel), row.attribution] for row in rows])


def build_docx(draft: ReportDraft, now: datetime, evaluation: EvaluationResults | None = None) -> bytes:
    document = Document()
    _set_language(document, draft.lang)
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = _("What we heard: %(title)s", title=draft.title.text)
    document.core_properties.language = draft.lang
    document.add_heading(without_control_characters(draft.title.text), level=0)
    document.add_paragraph(_("What we heard: report draft of %(date)s", date=format_day(now, "long")),
                           style="Subtitle")
    document.add_paragraph(_("Quotes and comment texts appear only for participants who agree to be quoted; "
                             "attribution is anonymous (category and province)."))
    if draft.unplaced:
        document.add_paragraph(ngettext("%(num)d comment not yet placed on a topic is not in this draft.",
                                        "%(num)d comments not yet placed on a topic are not in this draft.",
                                        draft.unplaced))
    for section in draft.sections:
        _section(document, section, draft.lang)
    add_footer(document, _("Draft of %(date)s, not a frozen version", date=format_day(now, "long")))
    if evaluation is not None:
        add_evaluation_section(document, evaluation, _table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
