"""CSV that spreadsheets open safely: UTF-8 with a BOM, and no cell read as a formula.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with = + - @ (and, through
some import paths, a tab or a carriage return) as a formula, so a participant who types
`=HYPERLINK(...)` as their name could run it on a staff member's computer. Such cells get a
leading single quote, which the spreadsheet shows as text (OWASP "CSV injection").
"""
import csv
import io
from collections.abc import Iterable, Iterator

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, neutralised when a spreadsheet would evaluate it."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_lines(header: Iterable, rows: Iterable[Iterable], delimiter: str = ",") -> Iterator[str]:
    """The BOM, then one encoded line at a time, so a long export can be streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)

    def line(values) -> str:
        writer.writerow([safe_cell(value) for value in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)
