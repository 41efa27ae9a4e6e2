"""Import another coder's codings from a .qdpx whose sources this platform exported.

The file's sources must be this consultation's (their GUIDs come from its namespace, layout.py) and
its codes this codebook's. Every coding that is not one the export wrote (its GUID) is the other
coder's: its selection falls on the comment whose span it overlaps most, and it becomes a blind
coding of the chosen second coder, with the comment in their sample, done — what the agreement page
compares with the main codes. Everything is checked before anything is written: a refused file
leaves nothing behind."""
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from lxml import etree
from sqlalchemy import delete, select

from .. import audit
from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, SecondCoding, StaffUser
from .export import NS, validate
from .layout import guid, namespace, sources

MAX_BYTES = 50 * 1024 * 1024


class QdpxError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Imported:
    comments: int = 0
    codings: int = 0
    skipped_comments: list[int] = field(default_factory=list)  # in another coder's sample


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _read(data: bytes) -> tuple[etree._Element, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        document = archive.read("project.qde")
    except (zipfile.BadZipFile, KeyError) as error:
        raise QdpxError(_l("This is not a REFI-QDA project (.qdpx): it holds no project.qde.")) from error
    try:
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise QdpxError(_l("The project.qde of this file is not well-formed XML.")) from error
    if validate(document):
        raise QdpxError(_l("The project.qde of this file does not follow the REFI-QDA 1.0 schema."))
    return root, archive


def _source_text(element, archive: zipfile.ZipFile) -> str | None:
    content = element.find(_q("PlainTextContent"))
    if content is not None:
        return content.text or ""
    path = element.get("plainTextPath", "")
    if path.startswith("internal://"):
        name = path[len("internal://"):]
        for candidate in (f"sources/{name}", f"Sources/{name}"):
            try:
                return archive.read(candidate).decode("utf-8-sig")
            except KeyError:
                continue
    return None


def read_codings(consultation: Consultation, data: bytes) -> dict[int, set[int]]:
    """{comment id: code ids} of the other coder, or QdpxError saying why the file is refused."""
    root, archive = _read(data)
    ns = namespace(consultation)
    ours = {guid(ns, "source", source.key): source for source in sources(consultation)}
    code_ids = {guid(ns, "code", code.id): code.id for code in db.session.scalars(
        select(Code).where(Code.consultation_id == consultation.id))}
    comment_guids = {guid(ns, "comment", span.comment.id): span.comment.id
                     for source in ours.values() for span in source.spans}
    text_sources = root.iter(_q("TextSource"))
    found = [(element, element.get("guid", "").lower().strip("{}")) for element in text_sources]
    if not found or not any(key in ours for _element, key in found):
        raise QdpxError(_l("This project was not exported from this consultation: none of its sources is one of "
                           "this consultation's."))
    unknown = [element.get("name") or key for element, key in found if key not in ours]
    if unknown:
        raise QdpxError(_l("Sources unknown to this consultation: %(names)s. Remove them, or code them here.",
                           names=", ".join(unknown[:5])))
    exported_codings = {guid(ns, "coding", coding_id) for coding_id in db.session.scalars(
        select(Coding.id).join(Comment, Comment.id == Coding.comment_id)
        .where(Comment.consultation_id == consultation.id))}
    result: dict[int, set[int]] = {}
    unknown_codes = set()
    for element, key in found:
        source = ours[key]
        text = _source_text(element, archive)
        spans = {comment_guids[sel.get("guid", "").lower()]: (int(sel.get("startPosition")),
                                                              int(sel.get("endPosition")))
                 for sel in element.iter(_q("PlainTextSelection")) if sel.get("guid", "").lower() in comment_guids}
        if not spans:
            if text != source.text:
                raise QdpxError(_l("The source “%(name)s” changed since it was exported: export again, and code "
                                   "the new file.", name=element.get("name") or key))
            spans = {span.comment.id: (span.start, span.end) for span in source.spans}
        for selection in element.iter(_q("PlainTextSelection")):
            theirs = [coding for coding in selection.iter(_q("Coding")) if coding.get("guid", "").lower()
                      not in exported_codings]
            if not theirs:
                continue
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            comment_id = _overlapping(spans, start, end)
            if comment_id is None:
                raise QdpxError(_l("A coding of “%(name)s” (characters %(start)d to %(end)d) falls on no comment.",
                                   name=element.get("name") or key, start=start, end=end))
            for coding in theirs:
                ref = coding.find(_q("CodeRef"))
                target = (ref.get("targetGUID") if ref is not None else "").lower().strip("{}")
                if target not in code_ids:
                    unknown_codes.add(target)
                    continue
                result.setdefault(comment_id, set()).add(code_ids[target])
    if unknown_codes:
        raise QdpxError(_l("Codes unknown to this codebook were applied (%(count)d): add them to the codebook "
                           "first, or leave them out of the file.", count=len(unknown_codes)))
    if not result:
        raise QdpxError(_l("This file holds no coding besides the ones exported from here: nothing to import."))
    return result


def _overlapping(spans: dict[int, tuple[int, int]], start: int, end: int) -> int | None:
    best, best_overlap = None, 0
    for comment_id, (span_start, span_end) in spans.items():
        overlap = min(end, span_end) - max(start, span_start)
        if overlap > best_overlap:
            best, best_overlap = comment_id, overlap
    return best


def import_codings(consultation: Consultation, data: bytes, coder: StaffUser, actor_id: int | None) -> Imported:
    """The other coder's codings as `coder`'s blind codings; the caller commits."""
    codings = read_codings(consultation, data)
    assignments = {assignment.comment_id: assignment for assignment in db.session.scalars(
        select(SecondCoding).where(SecondCoding.comment_id.in_(list(codings))))}
    done = Imported()
    now = datetime.now(timezone.utc)
    for comment_id, code_ids in sorted(codings.items()):
        assignment = assignments.get(comment_id)
        if assignment is not None and assignment.coder_id != coder.id:
            done.skipped_comments.append(comment_id)
            continue
        if assignment is None:
            assignment = SecondCoding(consultation_id=consultation.id, comment_id=comment_id, coder_id=coder.id,
                                      assigned_by_id=actor_id)
            db.session.add(assignment)
        assignment.coded_at = now
        db.session.execute(delete(Coding).where(Coding.comment_id == comment_id, Coding.blind.is_(True)))
        for code_id in sorted(code_ids):
            db.session.add(Coding(comment_id=comment_id, code_id=code_id, coder_id=coder.id, blind=True))
        done.comments += 1
        done.codings += len(code_ids)
    db.session.flush()
    audit.record(actor_id, "analysis.qdpx_imported", "staff_user", coder.id, consultation.id,
                 comments=done.comments, codings=done.codings, skipped=len(done.skipped_comments))
    return done
