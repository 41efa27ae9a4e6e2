"""A frozen version of the report as a Word document, from its stored content, with the version and its
date in the footer of every page."""
import io

from docx import Document
from docx.shared import Pt
from flask_babel import force_locale
from flask_babel import gettext as _

from ..dates import format_day
from ..models import Consultation, ReportVersion
from ..reports.docx_report import MAX_HEADING_LEVEL, _set_language, add_footer, add_item_tables
from ..requests import without_control_characters
from ..web import text_blocks
from .review import content_in


class _Table:
    def __init__(self, data: dict):
        self.kind, self.title = data["kind"], data["title"]
        self.rows = [_Row(row) for row in data["rows"]]


class _Row:
    def __init__(self, data: dict):
        self.__dict__.update(data)


def _paragraphs(document, text: str) -> None:
    for kind, content in text_blocks(text):
        if kind == "ul":
            for item in content:
                document.add_paragraph(without_control_characters(item), style="List Bullet")
        else:
            document.add_paragraph(without_control_characters(content))


def version_docx(consultation: Consultation, version: ReportVersion, lang: str) -> bytes:
    content = content_in(version, lang)
    with force_locale(lang):
        document = Document()
        _set_language(document, lang)
        document.styles["Normal"].font.size = Pt(10.5)
        document.core_properties.title = _("What we heard: %(title)s", title=content["title"])
        document.core_properties.language = lang
        document.add_heading(without_control_characters(content["title"]), level=0)
        date = format_day(version.frozen_at, "long", consultation.tz)
        status = _("final") if version.is_final else _("for review")
        document.add_paragraph(_("What we heard: version %(number)d of %(date)s (%(status)s)", number=version.number,
                                 date=date, status=status), style="Subtitle")
        for section in content["sections"]:
            level = min(section["depth"] + 1, MAX_HEADING_LEVEL)
            document.add_heading(without_control_characters(section["heading"]), level=level)
            if section["memo"]:
                _paragraphs(document, section["memo"])
            if section["note"]:
                _paragraphs(document, section["note"])
            add_item_tables(document, [_Table(table) for table in section["tables"]], min(level + 1, 4))
        add_footer(document, _("Version %(number)d of %(date)s", number=version.number, date=date))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
