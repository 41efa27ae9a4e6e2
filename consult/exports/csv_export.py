"""The CSV export: UTF-8 with a byte order mark (so that Excel reads the accents), comma or semicolon,
RFC 4180 quoting (line breaks inside a comment are kept inside its quoted cell), CRLF between rows,
and no cell a spreadsheet could run as a formula (consult.csv_safe). Written a batch at a time.

It is the format for very large exports, so it reads the fetched rows directly instead of going
through ExportRow: every label a row can show is looked up (and made formula-safe) once."""
from collections.abc import Iterator

from ..csv_safe import BOM, FORMULA_TRIGGERS
from .labels import columns
from .rows import (
    CATEGORY_ID,
    CHANNEL,
    EMAIL,
    FORUM_ID,
    ID,
    LANGUAGE,
    NAME,
    ORGANISATION,
    PROMPT,
    PSEUDONYM,
    QUESTIONNAIRE_ID,
    REGION,
    RESPONSE_ID,
    RESPONSE_VERSION,
    SOURCE_DATE,
    STANCE,
    SUBMISSION_NUMBER,
    TEXT,
    TRACK_ID,
    VISIBILITY,
    RowReader,
)
from .services import DELIMITERS

_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def _safe(text: str) -> str:
    # csv_safe.safe_cell, inlined for the million-row case: one check per free-text cell.
    return "'" + text if text[:1] in _TRIGGERS else text


def _cell_maker(delimiter: str):
    """A function making one cell: formula-safe, then quoted as RFC 4180 says when it holds the
    delimiter, a double quote or a line break (doubling its double quotes).

    Rows are joined by hand rather than by the csv module: with the labels prepared once, a row
    is a single join, several times faster than csv.writer for the same bytes."""

    def cell(text: str) -> str:
        if text[:1] in _TRIGGERS:
            text = "'" + text
        if '"' in text or delimiter in text or "\n" in text or "\r" in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    return cell


class _Cells(dict):
    """Value → its cell, worked out on first use: labels known in advance are entered at once,
    anything else (a stance or channel without a label) is made into a cell the first time."""

    def __init__(self, cell, known=()):
        super().__init__(known)
        self.cell = cell

    def __missing__(self, value):
        made = self[value] = self.cell(value or "")
        return made


def csv_chunks(reader: RowReader) -> Iterator[bytes]:
    """The file as UTF-8 chunks: the BOM and the header, then one chunk per batch of rows."""
    options, labels = reader.options, reader.labels
    delimiter = DELIMITERS[options.delimiter]
    cell = _cell_maker(delimiter)
    yield (BOM + delimiter.join(cell(labels.headers[key]) for key in columns(options.identified)) + "\r\n"
           ).encode("utf-8")

    def table(known: dict) -> _Cells:
        return _Cells(cell, {key: cell(str(value)) for key, value in known.items()})

    cells = _Cells(cell)
    channels, prompts, stances = table(labels.channels), table(labels.prompts), table(labels.stances)
    visibilities, languages = table(labels.visibilities), table(labels.languages)
    tracks = table({key: name for key, (_code, name) in reader.tracks.items()})
    categories = table({key: name for key, (_code, name) in reader.categories.items()})
    regions = table(reader.regions)
    # Applied codes: "theme codes;theme labels;other codes' labels", per distinct set of codes.
    applied_cells: dict[str, str] = {}
    no_codes = delimiter * 2
    identified = options.identified
    source, local_minute, hours = reader.source, reader.local_minute, reader.hours
    for batch in reader.batches():
        if not batch.raw:
            continue
        # One topic per batch: its cells are made once.
        place = delimiter.join((cells[batch.group.key], cells[batch.group.title], cells[batch.topic_code],
                                cells[batch.topic_title]))
        applied = batch.applied
        lines = []
        for row in batch.raw:
            code_ids = applied.get(row[ID])
            if code_ids is None:
                codes = no_codes
            else:
                codes = applied_cells.get(code_ids)
                if codes is None:
                    split = reader.applied_codes(code_ids)
                    codes = applied_cells[code_ids] = delimiter.join(
                        (cell(split.theme_codes), cell(split.theme_labels), cell(split.other_labels)))
            stored = row[SOURCE_DATE]
            hour = hours.get(stored[:13]) if stored.__class__ is str else None
            if row[RESPONSE_ID] is not None:  # most comments: nothing in it to quote or to make safe
                origin = f"Q{row[QUESTIONNAIRE_ID]}-{row[RESPONSE_ID]:05d}-{row[RESPONSE_VERSION]}"
            elif row[SUBMISSION_NUMBER] is None and row[FORUM_ID] is None:
                origin = ""
            else:
                origin = cell(source(row))
            text = row[TEXT] or ""
            if text[:1] in _TRIGGERS:
                text = "'" + text
            if '"' in text or delimiter in text or "\n" in text or "\r" in text:
                text = '"' + text.replace('"', '""') + '"'
            fields = [str(row[ID]), place, codes, channels[row[CHANNEL]], tracks[row[TRACK_ID]],
                      cell(row[PSEUDONYM] or "")]
            if identified:
                fields += (cell(row[NAME] or ""), cell(row[EMAIL] or ""), cell(row[ORGANISATION] or ""))
            fields += (categories[row[CATEGORY_ID]], regions[row[REGION]], languages[row[LANGUAGE]],
                       prompts.get(row[PROMPT], row[PROMPT]), text, origin,
                       hour + stored[13:16] if hour else local_minute(stored), stances[row[STANCE]],
                       visibilities[row[VISIBILITY]])
            lines.append(delimiter.join(fields))
        lines.append("")
        yield "\r\n".join(lines).encode("utf-8")
