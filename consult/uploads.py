"""Documents people upload: the type is read from the content, never from the name.

PDF is recognised by its signature (puremagic), DOCX and ODT by what their zip archive
holds, plain text by decoding it. Anything else (an executable renamed .pdf, a text file
named .pdf, a macro-enabled .docm) is refused. Files are stored under random names in
UPLOAD_FOLDER, which sits outside the static folder, and served only by views that send
them as attachments. Photographs (a receipt taken with a phone) are checked in upload_images.
"""
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import puremagic
from flask import current_app
from sqlalchemy import event

from .extensions import db

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TXT = "text/plain"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", ODT: "odt", TXT: "txt"}
# Names a file of each type may carry. A name announcing another type than the content is
# refused: a "report.pdf" that holds text or a program is a mistake at best, a lure at worst.
NAME_EXTENSIONS = {PDF: {"pdf"}, DOCX: {"docx"}, ODT: {"odt"}, TXT: {"txt", "text", "md"}}
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|docx|odt|txt|jpg|png)$")
# Control characters other than tab, line feed, form feed and carriage return mean "not text".
BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UploadRefused(ValueError):
    """`code` says why: "empty", "too_big", "type", "mismatch" (details: named, actual)."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    mimetype: str
    extension: str
    filename: str  # the name shown and offered for download, with the right extension


def read_limited(stream, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes: enough to tell that a file is too big without reading it all."""
    return stream.read(max_bytes + 1)


def check_document(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """Accept a PDF, DOCX, ODT or plain-text document, recognised from its content."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes:
        raise UploadRefused("too_big", max_bytes=max_bytes)
    mimetype = _document_type(data)
    if mimetype is None:
        raise UploadRefused("type")
    named = _name_extension(filename)
    if named and named not in NAME_EXTENSIONS[mimetype]:
        raise UploadRefused("mismatch", named=named, actual=EXTENSIONS[mimetype])
    if mimetype == TXT:
        data = _as_utf8(data)
    extension = EXTENSIONS[mimetype]
    return CheckedFile(data=data, mimetype=mimetype, extension=extension,
                       filename=display_name(filename, extension))


def _name_extension(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[1].strip().lower() if "." in name.strip(".") else ""


def _document_type(data: bytes) -> str | None:
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    if any(match.mime_type == PDF for match in matches) and data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    if matches and any(match.confidence >= 0.8 for match in matches):
        return None  # a binary format puremagic knows well: not text, whatever it decodes to
    return TXT if _text(data) is not None else None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if archive.read("mimetype").strip() == ODT.encode() and "content.xml" in names:
                    return ODT
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                with archive.open("[Content_Types].xml") as handle:
                    content_types = handle.read(1_000_000)
                if _plain_word_document(content_types, names):
                    return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def _plain_word_document(content_types: bytes, names: set[str]) -> bool:
    """The main part is declared as a plain document (a macro-enabled .docm declares another type),
    read from the XML itself rather than searched for, and no macros or programs ride along."""
    try:
        root = ElementTree.fromstring(content_types)
    except ElementTree.ParseError:
        return False
    main = [element.get("ContentType", "") for element in root
            if element.tag.endswith("Override") and element.get("PartName") == "/word/document.xml"]
    if main != [DOCX_MAIN.decode()]:
        return False
    return not any(name.lower().endswith((".bin", ".exe", ".dll", ".js", ".vbs", ".bat", ".cmd", ".ps1"))
                   for name in names)


def _text(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if BINARY_CONTROL.search(text) else text
    return None


def _as_utf8(data: bytes) -> bytes:
    """Text files are kept as UTF-8, so that they are served with one known charset."""
    return _text(data).encode("utf-8")


def display_name(filename: str, extension: str) -> str:
    """The uploaded name without any path, control characters or misleading extension."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:200].strip(" .") or "document"
    return f"{stem}.{extension}"


def folder(kind: str) -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store(checked: CheckedFile, kind: str) -> str:
    """Write the file under a new random name; returns that name. Removed again if the
    transaction rolls back, so a failed save leaves no orphan behind."""
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    path = folder(kind) / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(checked.data)
    _on_session_end(lambda: None, lambda: path.unlink(missing_ok=True))
    return name


def path_of(stored_name: str, kind: str) -> Path | None:
    """Where a stored file is, or None for a name this module could not have made."""
    if not STORED_NAME.match(stored_name or ""):
        return None
    path = Path(current_app.config["UPLOAD_FOLDER"]) / kind / stored_name
    return path if path.is_file() else None


def delete_after_commit(stored_name: str, kind: str) -> None:
    """Remove a file the database no longer points to, once that change is committed."""
    if not STORED_NAME.match(stored_name or ""):
        return
    path = Path(current_app.config["UPLOAD_FOLDER"]) / kind / stored_name
    _on_session_end(lambda: path.unlink(missing_ok=True), lambda: None)


def _on_session_end(on_commit, on_rollback) -> None:
    """Run on_commit once the current transaction commits, on_rollback if it ends otherwise
    (rolled back, or the session closed at the end of a request that never committed)."""
    session = db.session()
    root = session.get_transaction()
    state = {"committed": False, "done": False}

    def committed(_session):
        state["committed"] = True

    def ended(_session, transaction):
        # Listeners stay attached (removing them while events are dispatched is unsafe): they
        # act once, for the transaction the file belongs to, and go away with the session.
        if state["done"] or (root is not None and transaction is not root) or transaction.nested:
            return
        state["done"] = True
        (on_commit if state["committed"] else on_rollback)()

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_transaction_end", ended)
