"""One entry point per use of an export, shared by the views, the command line and the benchmarks:
`stream` for a download of CSV or JSON, `xlsx_file` for a download of XLSX, `write` for a file."""
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from .csv_export import csv_chunks
from .json_export import json_chunks
from .rows import RowReader
from .services import ExportOptions
from .xlsx_export import write_xlsx

# A temporary XLSX stays in memory up to this size, then moves to disk.
SPOOL_BYTES = 8 * 1024 * 1024


def stream(options: ExportOptions, reader: RowReader | None = None) -> Iterator[bytes]:
    """The CSV or JSON file, chunk by chunk."""
    reader = reader or RowReader(options)
    return csv_chunks(reader) if options.fmt == "csv" else json_chunks(reader)


def xlsx_file(options: ExportOptions, reader: RowReader | None = None) -> BinaryIO:
    """The XLSX workbook in a temporary file (deleted when closed), at its start."""
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        write_xlsx(reader or RowReader(options), output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def write(options: ExportOptions, out: BinaryIO, reader: RowReader | None = None) -> int:
    """Write the whole export to a binary file; returns the number of comments written."""
    reader = reader or RowReader(options)
    if options.fmt == "xlsx":
        write_xlsx(reader, out)
    else:
        for chunk in stream(options, reader):
            out.write(chunk)
    return reader.rows_read
