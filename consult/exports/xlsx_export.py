"""The XLSX export: a contents sheet (the consultation, when, which filters, one line per sheet with
its count and a link to it), then one sheet per axis (and the general group) or the one axis asked.

XlsxWriter in constant_memory mode keeps one row in memory at a time and writes to a file (a
temporary one for downloads), so a million comments take no more memory than ten. Every text is
written with write_string: a cell starting with "=" stays text and is never evaluated, and nothing
is added to it (unlike CSV, where a leading quote is the only way to say "text").
"""
import re
from datetime import datetime, timezone

import xlsxwriter

from .labels import columns
from .rows import RowReader

MAX_ROWS = 1_048_576  # a sheet's rows, header included; a larger group continues on a second sheet
CELL_LIMIT = 32_767  # characters a cell holds
CUT_MARK = "[…]"
WIDTHS = {"id": 9, "axis": 6, "axis_title": 30, "orientation": 11, "orientation_title": 36, "theme_codes": 12,
          "themes": 28, "codes": 18, "channel": 16, "track": 18, "pseudonym": 11, "name": 20, "email": 26,
          "organisation": 24, "category": 22, "region": 16, "language": 10, "prompt": 22, "text": 80,
          "source": 24, "date": 16, "stance": 11, "visibility": 11}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique whatever the case."""
    base = _SHEET_FORBIDDEN.sub("-", wanted).strip("'")[:31] or "-"
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = base[:31 - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


def _fit(text: str) -> tuple[str, bool]:
    """The text as a cell holds it: line breaks as Excel writes them (a carriage return would show
    as _x000D_ in some readers), at most CELL_LIMIT characters; and whether it was cut."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) <= CELL_LIMIT:
        return text, False
    return text[:CELL_LIMIT - len(CUT_MARK)] + CUT_MARK, True


class _Writer:
    def __init__(self, workbook, reader: RowReader):
        self.workbook = workbook
        self.reader = reader
        self.labels = reader.labels
        self.keys = columns(reader.options.identified)
        self.taken: set[str] = set()
        self.index = workbook.add_worksheet(_sheet_name(self.labels.index_sheet, self.taken))
        self.header_format = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True, "bottom": 1,
                                                  "bg_color": "#E7EEF7"})
        self.top = workbook.add_format({"valign": "top"})
        self.wrap = workbook.add_format({"valign": "top", "text_wrap": True})
        self.date_format = workbook.add_format({"valign": "top", "num_format": "yyyy-mm-dd hh:mm"})
        self.flag_format = workbook.add_format({"valign": "top", "bold": True, "bg_color": "#FFE699"})
        self.bold = workbook.add_format({"bold": True})
        self.title_format = workbook.add_format({"bold": True, "font_size": 14})
        self.link_format = workbook.add_format({"font_color": "#1F4E9E", "underline": 1})
        self.sheets: list[tuple[str, str, int]] = []  # (sheet name, group title, rows)
        self.sheet = None
        self.row = 0
        self.truncated = False

    def open_sheet(self, group):
        self.close_sheet()
        if group.key:
            wanted = self.labels.axis_sheet % {"code": group.key}
        else:
            wanted = self.labels.general_sheet
        name = _sheet_name(wanted, self.taken)
        sheet = self.workbook.add_worksheet(name)
        for position, key in enumerate(self.keys):
            sheet.set_column(position, position, WIDTHS[key], self.wrap if key == "text" else self.top)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)
        for position, key in enumerate(self.keys):
            sheet.write_string(0, position, self.labels.headers[key], self.header_format)
        self.sheet, self.row, self.group, self.name = sheet, 0, group, name

    def close_sheet(self):
        if self.sheet is None:
            return
        self.sheet.autofilter(0, 0, self.row, len(self.keys) - 1)
        self.sheets.append((self.name, self.group.title, self.row))
        self.sheet = None

    def write_rows(self, batch):
        labels = self.labels
        channels, prompts, stances = labels.channels, labels.prompts, labels.stances
        visibilities, languages = labels.visibilities, labels.languages
        identified = self.reader.options.identified
        top, wrap, date_format, flag_format = self.top, self.wrap, self.date_format, self.flag_format
        text_column = self.keys.index("text")
        place = [batch.group.key, batch.group.title, batch.topic_code, batch.topic_title]
        for row in self.reader.rows(batch):
            if self.row + 1 >= MAX_ROWS:
                self.open_sheet(self.group)
            self.row += 1
            r = self.row
            put = self.sheet.write_string
            text, cut = _fit(row.text)
            self.truncated = self.truncated or cut
            values = [*place, "; ".join([theme[0] for theme in row.themes]),
                      "; ".join([theme[1] for theme in row.themes]),
                      "; ".join([code[1] for code in row.codes]),
                      channels.get(row.channel, row.channel), row.track_name, row.pseudonym]
            if identified:
                values += (row.name, row.email, row.organisation)
            values += (row.category_name, row.region, languages.get(row.language, row.language),
                       str(prompts.get(row.prompt, row.prompt)), text, row.source)
            self.sheet.write_number(r, 0, row.id, top)
            column = 1
            for value in values:
                if value:
                    put(r, column, value, wrap if column == text_column else top)
                column += 1
            self.sheet.write_datetime(r, column, row.date.replace(tzinfo=None), date_format)
            stance = stances.get(row.stance) or row.stance
            if stance:
                put(r, column + 1, stance, top)
            put(r, column + 2, visibilities.get(row.visibility, row.visibility),
                flag_format if row.visibility == "flagged" else top)

    def write_index(self, now: datetime):
        options, labels, words = self.reader.options, self.labels, self.labels.index
        sheet = self.index
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 60)
        sheet.set_column(2, 2, 12)
        if self.reader.axis is not None:
            scope = f"{labels.axis_sheet % {'code': self.reader.axis.code}} – {self.reader.axis.title}"
        else:
            scope = words["whole"]
        sheet.write_string(0, 0, words["title"], self.title_format)
        facts = [
            (words["consultation"], self.reader.title),
            (words["exported_at"], now.astimezone(self.reader.tz).strftime("%Y-%m-%d %H:%M")),
            (words["language"], labels.languages.get(options.lang, options.lang)),
            (words["scope"], scope),
            (words["hidden"], words["hidden_included"] if options.include_hidden else words["hidden_excluded"]),
            (words["identified"], words["identified_yes"] if options.identified else words["identified_no"]),
        ]
        row = 2
        for label, value in facts:
            sheet.write_string(row, 0, label, self.bold)
            sheet.write_string(row, 1, value)
            row += 1
        if self.truncated:
            sheet.write_string(row, 0, words["truncated"] % {"limit": f"{CELL_LIMIT:,}"})
            row += 1
        row += 1
        for position, heading in enumerate((words["sheet"], words["group"], words["count"])):
            sheet.write_string(row, position, heading, self.header_format)
        for name, title, count in self.sheets:
            row += 1
            escaped = name.replace("'", "''")
            sheet.write_url(row, 0, f"internal:'{escaped}'!A1", self.link_format, string=name)
            sheet.write_string(row, 1, title)
            sheet.write_number(row, 2, count)


def write_xlsx(reader: RowReader, target, now: datetime | None = None) -> int:
    """Write the workbook to `target` (a path or a binary file); returns the number of comments."""
    now = now or datetime.now(timezone.utc)
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        # Above 4 GB a workbook needs ZIP64; only a very large export comes near it.
        "use_zip64": reader.count > 500_000,
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    writer = _Writer(workbook, reader)
    current = None
    total = 0
    for batch in reader.batches():
        if batch.group is not current:
            current = batch.group
            writer.open_sheet(current)
        writer.write_rows(batch)
        total += len(batch.raw)
    writer.close_sheet()
    writer.write_index(now)
    workbook.close()
    return total
