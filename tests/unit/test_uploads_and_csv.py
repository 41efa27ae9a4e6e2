"""Uploaded documents are recognised by their content; CSV cells never run as formulas."""
import io
import zipfile

import pytest

from consult import uploads
from consult.csv_safe import csv_lines, safe_cell

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        for name, content in files.items():
            handle.writestr(name, content)
    return buffer.getvalue()


def content_types(main: bytes, comment: bytes = b"") -> bytes:
    return (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + comment + b'<Override PartName="/word/document.xml" ContentType="' + main + b'"/></Types>')


MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX = archive({"[Content_Types].xml": content_types(uploads.DOCX_MAIN), "word/document.xml": b"<w:document/>"})
DOCM = archive({"[Content_Types].xml": content_types(MACRO_MAIN), "word/document.xml": b"<w:document/>"})
# A .docm that names the plain type in a comment, and a plain one carrying a program.
DOCM_IN_DISGUISE = archive({"[Content_Types].xml": content_types(MACRO_MAIN, b"<!-- " + uploads.DOCX_MAIN + b" -->"),
                            "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00macro"})
DOCX_WITH_PROGRAM = archive({"[Content_Types].xml": content_types(uploads.DOCX_MAIN),
                             "word/document.xml": b"<w:document/>", "evil.exe": b"MZ"})
ODT = archive({"mimetype": uploads.ODT.encode(), "content.xml": b"<office:document-content/>"})
ODS = archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


@pytest.mark.parametrize("data, name, mimetype, shown", [
    (PDF, "Ordre du jour.pdf", uploads.PDF, "Ordre du jour.pdf"),
    (DOCX, "dossier.docx", uploads.DOCX, "dossier.docx"),
    (ODT, "dossier.odt", uploads.ODT, "dossier.odt"),
    ("Notes en français\n".encode(), "notes.txt", uploads.TXT, "notes.txt"),
    (PDF, "no extension", uploads.PDF, "no extension.pdf"),
    (PDF, "C:\\Users\\ana\\agenda.pdf", uploads.PDF, "agenda.pdf"),
])
def test_accepted_documents(data, name, mimetype, shown):
    checked = uploads.check_document(data, name, 10_000)
    assert (checked.mimetype, checked.filename) == (mimetype, shown)


@pytest.mark.parametrize("data, name, code", [
    (b"", "empty.pdf", "empty"),
    (b"plain words", "agenda.pdf", "mismatch"),
    (PDF, "agenda.docx", "mismatch"),
    (EXE, "agenda.pdf", "type"),
    (EXE, "agenda", "type"),
    (DOCM, "agenda.docx", "type"),
    (DOCM_IN_DISGUISE, "agenda.docx", "type"),
    (DOCX_WITH_PROGRAM, "agenda.docx", "type"),
    (ODS, "agenda.odt", "type"),
    (archive({"a.txt": b"x"}), "agenda.docx", "type"),
    (b"text\x00with a NUL byte", "notes.txt", "type"),
    (PDF * 100, "big.pdf", "too_big"),
])
def test_refused_documents(data, name, code):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_document(data, name, 1000)
    assert refused.value.code == code


def test_windows_text_is_kept_as_utf8():
    checked = uploads.check_document("Réunion à Montréal\r\n".encode("cp1252"), "notes.txt", 1000)
    assert checked.data.decode("utf-8") == "Réunion à Montréal\r\n"


def test_display_name_drops_paths_and_control_characters():
    assert uploads.display_name("../../etc/pass\x00wd.exe", "pdf") == "passwd.pdf"
    assert uploads.display_name("...", "txt") == "document.txt"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+33 1 23", "'+33 1 23"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tindent", "'\tindent"), ("\rreturn", "'\rreturn"), ("Ana", "Ana"), ("a=b", "a=b"), (None, ""), (3, "3"),
])
def test_formula_triggers_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_csv_lines_start_with_a_bom_and_quote_as_needed():
    text = "".join(csv_lines(["Name", "Note"], [["=cmd|' /C calc'!A0", 'He said "hi", twice']]))
    assert text.startswith("\ufeffName,Note\r\n")
    assert text.endswith("'=cmd|' /C calc'!A0,\"He said \"\"hi\"\", twice\"\r\n")
