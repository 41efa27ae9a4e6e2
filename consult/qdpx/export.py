"""Write a consultation's analysis as a REFI-QDA project (.qdpx): project.qde, validated against the
standard's schema (Project-mdl-v1.0.xsd, vendored beside this module), and one UTF-8 text file per
source under sources/. Participants appear only as their pseudonyms (the cases)."""
import zipfile
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from lxml import etree
from sqlalchemy import select

from ..channels import channel_label
from ..extensions import db
from ..i18n import localized
from ..models import Code, Coding, Consultation, Participant, StaffUser, Topic, TopicMemo, Track
from ..participants.regions import region_name
from .layout import Source, guid, namespace, sources

NS = "urn:QDA-XML:project:1.0"
SCHEMA = Path(__file__).with_name("Project-mdl-v1.0.xsd")
ORIGIN = "consult"
VARIABLES = ("channel", "track", "category", "region")


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _el(parent, tag: str, /, **attributes):
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {key: str(value) for key, value in attributes.items()
                                                         if value is not None})


def _text(parent, tag: str, text: str):
    element = _el(parent, tag)
    element.text = text
    return element


def _when(moment: datetime | None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _variable_labels() -> dict[str, str]:
    return {"channel": _("Channel"), "track": _("Track"), "category": _("Category"), "region": _("Province or country")}


def build(consultation: Consultation, with_codings: bool = True) -> tuple[bytes, dict[str, str]]:
    """(project.qde, {path in the archive: source text}). `with_codings=False` leaves the codings out:
    the file a second coder codes in another tool before it is imported back."""
    ns = namespace(consultation)
    laid_out = sources(consultation)
    codes = list(db.session.scalars(select(Code).where(Code.consultation_id == consultation.id)
                                    .order_by(Code.position, Code.id)))
    comment_ids = [span.comment.id for source in laid_out for span in source.spans]
    codings: dict[int, list[Coding]] = {}
    if with_codings and comment_ids:
        for coding in db.session.scalars(select(Coding).where(Coding.comment_id.in_(comment_ids),
                                                              Coding.blind.is_(False)).order_by(Coding.id)):
            codings.setdefault(coding.comment_id, []).append(coding)
    coder_ids = {coding.coder_id for items in codings.values() for coding in items if coding.coder_id}
    users = {user.id: user for user in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(coder_ids)))} \
        if coder_ids else {}
    export_user = guid(ns, "user", "export")
    project = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=localized(consultation, "title").text
                            or consultation.slug, origin=ORIGIN, creatingUserGUID=export_user,
                            creationDateTime=_when(None))
    users_el = _el(project, "Users")
    _el(users_el, "User", guid=export_user, name=_("Export of %(slug)s", slug=consultation.slug))
    for user in users.values():
        _el(users_el, "User", guid=guid(ns, "user", user.id), name=user.name or user.email)
    if codes:
        codes_el = _el(_el(project, "CodeBook"), "Codes")
        for code in codes:
            element = _el(codes_el, "Code", guid=guid(ns, "code", code.id),
                          name=_code_name(code), isCodable="true" if code.is_active else "false")
            description = localized(code, "description").text
            if description:
                _text(element, "Description", description)
    _variables(project, ns)
    _cases(project, ns, consultation, laid_out)
    files = {}
    # The schema wants at least one source in <Sources>: a consultation without comments has none.
    sources_el = _el(project, "Sources") if laid_out else None
    for source in laid_out:
        source_guid = guid(ns, "source", source.key)
        path = f"{source_guid}.txt"
        files[f"sources/{path}"] = source.text
        element = _el(sources_el, "TextSource", guid=source_guid, name=source.name,
                      plainTextPath=f"internal://{path}", creatingUser=export_user)
        for span in source.spans:
            selection = _el(element, "PlainTextSelection", guid=guid(ns, "comment", span.comment.id),
                            name=_("Comment %(number)d", number=span.comment.id), startPosition=span.start,
                            endPosition=span.end, creatingUser=export_user)
            for coding in codings.get(span.comment.id, []):
                coding_el = _el(selection, "Coding", guid=guid(ns, "coding", coding.id),
                                creatingUser=guid(ns, "user", coding.coder_id) if coding.coder_id in users
                                else export_user, creationDateTime=_when(coding.created_at))
                _el(coding_el, "CodeRef", targetGUID=guid(ns, "code", coding.code_id))
    _memos(project, ns, consultation)
    document = etree.tostring(project, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return document, files


def _code_name(code: Code) -> str:
    label = localized(code, "label").text or code.key
    return label if label == code.key else f"{code.key} – {label}"


def _variables(project, ns) -> None:
    variables = _el(project, "Variables")
    for key, label in _variable_labels().items():
        _el(variables, "Variable", guid=guid(ns, "variable", key), name=label, typeOfVariable="Text")


def _cases(project, ns, consultation: Consultation, laid_out: list[Source]) -> None:
    """One case per participant who said something, named by pseudonym, with their attributes."""
    by_participant: dict[int, list] = {}
    for source in laid_out:
        for span in source.spans:
            if span.comment.participant_id:
                by_participant.setdefault(span.comment.participant_id, []).append((source, span))
    if not by_participant:
        return
    people = {person.id: person for person in db.session.scalars(
        select(Participant).where(Participant.id.in_(list(by_participant))))}
    tracks = {track.id: localized(track, "name").text for track in db.session.scalars(
        select(Track).where(Track.consultation_id == consultation.id))}
    cases = _el(project, "Cases")
    for participant_id in sorted(by_participant, key=lambda pid: people[pid].pseudonym):
        person, items = people[participant_id], by_participant[participant_id]
        values = {
            "channel": ", ".join(dict.fromkeys(channel_label(span.comment.channel) for _s, span in items)),
            "track": ", ".join(dict.fromkeys(tracks[span.comment.track_id] for _s, span in items
                                             if span.comment.track_id in tracks)),
            "category": localized(person.category, "name").text if person.category else "",
            "region": region_name(person.region) if person.region else "",
        }
        case = _el(cases, "Case", guid=guid(ns, "case", participant_id), name=person.pseudonym)
        for key in VARIABLES:
            value = _el(case, "VariableValue")
            _el(value, "VariableRef", targetGUID=guid(ns, "variable", key))
            _text(value, "TextValue", values[key])
        for source_key in dict.fromkeys(source.key for source, _span in items):
            _el(case, "SourceRef", targetGUID=guid(ns, "source", source_key))
        for _source, span in items:
            _el(case, "SelectionRef", targetGUID=guid(ns, "comment", span.comment.id))


def _memos(project, ns, consultation: Consultation) -> None:
    memos = db.session.execute(select(TopicMemo, Topic).join(Topic, Topic.id == TopicMemo.topic_id).where(
        Topic.consultation_id == consultation.id).order_by(Topic.position, Topic.id)).all()
    kept = [(memo, topic) for memo, topic in memos if (memo.body_fr or memo.body_en).strip()]
    if not kept:
        return
    notes = _el(project, "Notes")
    for memo, topic in kept:
        note = _el(notes, "Note", guid=guid(ns, "memo", memo.id),
                   name=_("Memo – %(topic)s", topic=f"{topic.code} {localized(topic, 'title').text}"),
                   modifiedDateTime=_when(memo.updated_at))
        _text(note, "PlainTextContent", "\n\n".join(body for body in (memo.body_fr, memo.body_en) if body.strip()))


def validate(document: bytes) -> list[str]:
    """The schema's complaints about a project.qde, none when it is valid."""
    checker = schema()
    tree = etree.fromstring(document)
    if checker.validate(tree):
        return []
    return [f"{error.line}: {error.message}" for error in checker.error_log]


def write(consultation: Consultation, target, with_codings: bool = True) -> None:
    """The .qdpx archive into a binary file object; refuses (ValueError) a document the schema rejects."""
    document, files = build(consultation, with_codings)
    problems = validate(document)
    if problems:
        raise ValueError("project.qde does not follow the REFI-QDA schema: " + "; ".join(problems[:5]))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", document)
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
