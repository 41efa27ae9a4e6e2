"""Email intake: .eml files (a mailbox export) become written submissions with their documents.

One message is one submission, sent by the participant matching its From address (created when
new). The Subject and the text of the message are its general text, the web addresses in it its
links, and its attached documents pass the same content checks as the form's; a refused document
is noted on the submission rather than failing the message. The Message-ID (or, without one, the
SHA-256 of the file) is stored, so importing the same mailbox again imports nothing twice.

import_file() flushes; the caller commits each message on its own, or rolls it back when it fails.
"""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import uploads
from ..extensions import db
from ..models import AuditEvent, Consultation, Submission
from ..participants.services import InvalidEmail, Profile, find_or_create_participant, normalise_email
from . import services
from .forms import web_address

URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
MAX_LINKS = 20
MESSAGE_ID_MAX = 300
FRENCH = {"le", "la", "les", "des", "et", "est", "pour", "dans", "une", "que", "qui", "nous", "vous", "avec",
          "sur", "pas", "du", "au", "aux", "ce", "cette", "sont", "mais", "ou", "soins", "santé", "politique"}
ENGLISH = {"the", "and", "is", "of", "to", "for", "in", "with", "that", "we", "you", "this", "are", "not", "on",
           "be", "it", "as", "our", "your", "care", "health", "policy", "from", "have"}


class BrokenMessage(ValueError):
    """The file is not an email that can be imported; `reason` says why, for the operator."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class Result:
    outcome: str  # "imported", "duplicate" or "empty"
    submission: Submission | None = None
    sender: str = ""
    refused: list[str] = field(default_factory=list)


def eml_files(directory: Path) -> list[Path]:
    return sorted(path for path in Path(directory).rglob("*") if path.is_file() and path.suffix.lower() == ".eml")


def import_file(consultation: Consultation, path: Path, *, send_receipt: bool = False) -> Result:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise BrokenMessage(_("the file cannot be read (%(error)s)", error=error.strerror or error)) from error
    return import_message(consultation, raw, send_receipt=send_receipt)


def import_message(consultation: Consultation, raw: bytes, *, send_receipt: bool = False) -> Result:
    message = parse(raw)
    key = message_key(message, raw)
    existing = db.session.scalar(select(Submission).where(Submission.message_id == key))
    if existing is not None:
        return Result("duplicate", existing)
    name, email = sender(message)
    body = body_text(message)
    subject = _header(message, "Subject")
    language = guess_language(f"{subject}\n{body}", message, consultation)
    files, refused = documents(message)
    content = services.Content(language=language, general_text="\n\n".join(part for part in (subject, body) if part),
                               links=[(url, "") for url in find_links(body)], files=files)
    if not (content.has_words() or content.files):
        return Result("empty", sender=email, refused=refused)
    participant = find_or_create_participant(consultation, email, Profile(name=name, preferred_language=language))
    submission = Submission(consultation_id=consultation.id, participant=participant, status="draft",
                            source="email", language=language, message_id=key,
                            intake_note="\n".join(f"- {line}" for line in refused))
    db.session.add(submission)
    services.apply_content(submission, content)
    db.session.flush()
    services.send_submission(submission, receipt=send_receipt, at=sent_at(message))
    db.session.add(AuditEvent(actor_label="import-mail", action="submission.imported", object_type="submission",
                              object_id=str(submission.id), consultation_id=consultation.id,
                              detail={"reference": submission.reference, "refused": len(refused)}))
    db.session.flush()
    return Result("imported", submission, email, refused)


# -- reading a message ------------------------------------------------------------------------

def parse(raw: bytes) -> EmailMessage:
    if not raw or not raw.strip():
        raise BrokenMessage(_("the file is empty"))
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # noqa: BLE001 - the email package raises many kinds on garbage
        raise BrokenMessage(_("the file is not an email (%(error)s)", error=error)) from error
    if not message.keys() or message.get("From") is None:
        raise BrokenMessage(_("the file is not an email: it has no sender (From header)"))
    return message


def message_key(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID without its brackets, else the SHA-256 of the whole file."""
    value = "".join(_header(message, "Message-ID").split()).strip("<>")
    if not value:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(value) > MESSAGE_ID_MAX:
        return "sha256-id:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()
    return value


def sender(message: EmailMessage) -> tuple[str, str]:
    """(display name, normalised address) of the From header, or BrokenMessage."""
    try:
        header = message["From"]
        addresses = [item for item in getattr(header, "addresses", ()) if isinstance(item, Address)]
        pairs = [(item.display_name, item.addr_spec) for item in addresses] or getaddresses([str(header)])
    except Exception as error:  # noqa: BLE001 - a malformed header may fail in many ways
        raise BrokenMessage(_("its sender address cannot be read")) from error
    for name, address in pairs:
        try:
            return " ".join((name or "").split())[:200], normalise_email(address)
        except InvalidEmail:
            continue
    raise BrokenMessage(_("it has no valid sender address (From header)"))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except Exception:  # noqa: BLE001 - undecodable header: treat as absent
        return ""


def body_text(message: EmailMessage) -> str:
    """The plain-text body, or the HTML one made text when the plain one is missing or blank."""
    text = ""
    for preference in ("plain", "html"):
        try:
            part = message.get_body(preferencelist=(preference,))
        except Exception:  # noqa: BLE001 - a malformed structure: no body of that kind
            part = None
        if part is None:
            continue
        text = _content(part)
        if preference == "html":
            text = html_to_text(text)
        if text.strip():
            break
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part) -> str:
    try:
        return part.get_content()
    except Exception:  # noqa: BLE001 - unknown charset or broken encoding: keep what can be read
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")):
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts)
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def find_links(text: str) -> list[str]:
    found: list[str] = []
    for match in URL.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?»")
        try:
            url = web_address(url)
        except Exception:  # noqa: BLE001 - not a usable address: leave it in the text only
            continue
        if url not in found and len(url) <= 2000:
            found.append(url)
        if len(found) >= MAX_LINKS:
            break
    return found


def documents(message: EmailMessage) -> tuple[list[uploads.CheckedFile], list[str]]:
    """The attached documents that pass the checks, and a line for each one refused."""
    max_files, max_bytes = services.max_files(), services.max_file_bytes()
    accepted: list[uploads.CheckedFile] = []
    refused: list[str] = []
    bodies = []
    for preference in ("plain", "html"):
        try:
            bodies.append(message.get_body(preferencelist=(preference,)))
        except Exception:  # noqa: BLE001
            continue
    for part in message.walk():
        if any(part is body for body in bodies) or part.is_multipart():
            continue
        filename = _filename(part)
        if part.get_content_disposition() != "attachment" and not filename:
            continue  # alternative bodies, inline text
        shown = filename or _("(no name)")
        if part.get_content_type() == "message/rfc822":
            refused.append(_("“%(name)s”: a forwarded message is not imported; import it as its own .eml file.",
                             name=shown))
            continue
        data = part.get_payload(decode=True) or b""
        try:
            checked = uploads.check_document(data[:max_bytes + 1], filename, max_bytes)
        except uploads.UploadRefused as error:
            refused.append(_refusal(shown, error, max_bytes))
            continue
        if len(accepted) >= max_files:
            refused.append(ngettext("“%(name)s”: not kept, a submission holds at most %(num)d document.",
                                    "“%(name)s”: not kept, a submission holds at most %(num)d documents.",
                                    max_files, name=shown))
            continue
        accepted.append(checked)
    return accepted, refused


def _filename(part) -> str:
    try:
        return (part.get_filename() or "").strip()
    except Exception:  # noqa: BLE001
        return ""


def _refusal(name: str, error: uploads.UploadRefused, max_bytes: int) -> str:
    if error.code == "too_big":
        return _("“%(name)s”: refused, larger than %(size)s MB.", name=name,
                 size=round(max_bytes / (1024 * 1024), 1))
    if error.code == "mismatch":
        return _("“%(name)s”: refused, its name ends in .%(named)s but its content is something else.",
                 name=name, named=error.details["named"])
    if error.code == "empty":
        return _("“%(name)s”: refused, the file is empty.", name=name)
    return _("“%(name)s”: refused, not a PDF, DOCX, ODT or plain-text document.", name=name)


def sent_at(message: EmailMessage) -> datetime:
    try:
        moment = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return datetime.now(timezone.utc)
    if moment is None:
        return datetime.now(timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def guess_language(text: str, message: EmailMessage, consultation: Consultation) -> str:
    """The Content-Language header when it names a language of the consultation, else the
    language whose common words the text uses most."""
    offered = [code for code in consultation.language_list if code in ("fr", "en")] or ["fr", "en"]
    declared = _header(message, "Content-Language")[:2].lower()
    if declared in offered:
        return declared
    if len(offered) == 1:
        return offered[0]
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower())
    french = sum(word in FRENCH for word in words)
    english = sum(word in ENGLISH for word in words)
    if french == english:
        return offered[0]
    return "fr" if french > english else "en"
