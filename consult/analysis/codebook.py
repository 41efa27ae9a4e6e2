"""A consultation's codebook: its modification codes (from the consultation's codebook preset), one
code per theme of the tree, and the codes analysts add. Codes are renamed, merged, retired and
restored, never deleted; each change is kept in the code's history (CodeChange) and in the audit trail."""
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Code, CodeChange, Coding, Comment, Consultation, Theme, Topic
from ..tree import tree_order
from .queries import codes_of


def modification_codes(consultation: Consultation) -> list[dict]:
    """The consultation's modification codes (its codebook preset, PRÉCISER / MODIFIER / INCLURE /
    BONIFIER by default) as Code fields."""
    rows = []
    for entry in consultation.codebook_preset.get("codes", []):
        label, description = entry.get("label") or {}, entry.get("description") or {}
        rows.append({"key": entry["key"], "label_fr": label.get("fr", ""), "label_en": label.get("en", ""),
                     "report_group": entry.get("group", ""), "shortcut": entry.get("shortcut", ""),
                     "description_fr": description.get("fr", ""), "description_en": description.get("en", "")})
    return rows


THEME_POSITION_START = 100
# Keys pressed on a focused comment to move between comments, select it or open the help: never shortcuts.
RESERVED_KEYS = frozenset("jk?xi")  # x: select the comment, i: go to "add to item"
SHORTCUT_PATTERN = re.compile(r"^[0-9a-z]$")

KIND_NAMES = {"modification": _l("Modification codes"), "theme": _l("Theme codes"), "other": _l("Other codes")}
STATUS_NAMES = {"active": _l("In use"), "retired": _l("Retired"), "merged": _l("Merged")}
CHANGE_NAMES = {"created": _l("Created"), "renamed": _l("Renamed"), "edited": _l("Edited"),
                "merged": _l("Merged into another code"), "absorbed": _l("Received the codings of another code"),
                "retired": _l("Retired"), "restored": _l("Restored")}


class CodebookError(ValueError):
    """A codebook change that cannot be made; the message is shown to the person."""


# -- seeding ------------------------------------------------------------------------------------

def _theme_key(topic_code: str, theme_code: str) -> str:
    # Theme codes usually repeat their topic's ("1.1.T2"): the key keeps the short part ("T-1.1-T2").
    short = theme_code[len(topic_code) + 1:] if theme_code.startswith(topic_code + ".") else theme_code
    return f"T-{topic_code}-{short}"[:60]


def _unique_key(base: str, taken: set[str]) -> str:
    key, number = base[:60], 2
    while key in taken:
        suffix = f"-{number}"
        key, number = base[:60 - len(suffix)] + suffix, number + 1
    taken.add(key)
    return key


def ensure_codebook(consultation: Consultation, actor_id: int | None = None) -> int:
    """Add the codes the consultation lacks: the four modification codes, then one per theme without
    a code (themes added to the structure later get theirs on the next call). Codes already there,
    whatever their status or label, are left alone. Two queries when nothing is missing; flushes;
    returns how many codes were created, so that a GET view knows whether to commit."""
    keys = set(db.session.scalars(select(Code.key).where(Code.consultation_id == consultation.id)))
    coded_themes = select(Code.theme_id).where(Code.consultation_id == consultation.id, Code.theme_id.is_not(None))
    missing_themes = db.session.execute(
        select(Theme, Topic.code).join(Topic, Topic.id == Theme.topic_id)
        .where(Topic.consultation_id == consultation.id, Theme.id.not_in(coded_themes))
    ).all()
    wanted = modification_codes(consultation)
    missing_codes = [entry for entry in wanted if entry["key"] not in keys]
    if not missing_codes and not missing_themes:
        return 0
    created: list[Code] = []
    shortcuts = set(db.session.scalars(select(Code.shortcut).where(
        Code.consultation_id == consultation.id, Code.status == "active", Code.shortcut != "")))
    for position, entry in enumerate(wanted, start=1):
        if entry in missing_codes:
            values = dict(entry)
            if values["shortcut"] in shortcuts:
                values["shortcut"] = ""
            keys.add(values["key"])
            created.append(Code(consultation_id=consultation.id, kind="modification", position=position, **values))
    if missing_themes:
        order = tree_order(db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id)))
        next_position = max(THEME_POSITION_START, (db.session.scalar(
            select(func.max(Code.position)).where(Code.consultation_id == consultation.id)) or 0) + 1)
        missing_themes.sort(key=lambda row: (order.get(row[0].topic_id, len(order)), row[0].position, row[0].id))
        for offset, (theme, topic_code) in enumerate(missing_themes):
            created.append(Code(consultation_id=consultation.id, kind="theme", theme_id=theme.id,
                                key=_unique_key(_theme_key(topic_code, theme.code), keys),
                                label_fr=theme.name_fr[:300], label_en=theme.name_en[:300],
                                position=next_position + offset))
    for code in created:
        code.changes.append(CodeChange(actor_id=None, action="created", detail={"seeded": True}))
    try:
        with db.session.begin_nested():
            db.session.add_all(created)
    except IntegrityError:  # another request seeded the same codes at the same moment
        return 0
    audit.record(actor_id, "analysis.codebook_seeded", "consultation", consultation.id, consultation.id,
                 codes=[code.key for code in created])
    return len(created)


# -- reading ------------------------------------------------------------------------------------

@dataclass
class CodebookEntry:
    code: Code
    comments: int  # comments carrying the code (main codings)
    topic: Topic | None  # a theme code's topic


def codebook_entries(consultation: Consultation) -> list[CodebookEntry]:
    """Every code of the consultation with its number of comments and its history, in codebook order;
    a fixed number of queries."""
    counts = dict(db.session.execute(
        select(Coding.code_id, func.count()).join(Code, Code.id == Coding.code_id)
        .where(Code.consultation_id == consultation.id, Coding.blind.is_(False)).group_by(Coding.code_id)
    ).all())
    rows = db.session.execute(
        select(Code, Topic).outerjoin(Theme, Theme.id == Code.theme_id).outerjoin(Topic, Topic.id == Theme.topic_id)
        .options(selectinload(Code.changes), selectinload(Code.merged_into))
        .where(Code.consultation_id == consultation.id).order_by(Code.position, Code.id)
    ).all()
    return [CodebookEntry(code, counts.get(code.id, 0), topic) for code, topic in rows]


def get_code(consultation: Consultation, code_id: int) -> Code | None:
    code = db.session.get(Code, code_id)
    return code if code is not None and code.consultation_id == consultation.id else None


def active_codes(consultation: Consultation) -> list[Code]:
    return list(db.session.scalars(select(Code).where(Code.consultation_id == consultation.id,
                                                      Code.status == "active").order_by(Code.position, Code.id)))


def comments_with(code: Code) -> int:
    return db.session.scalar(select(func.count()).select_from(Coding)
                             .where(Coding.code_id == code.id, Coding.blind.is_(False))) or 0


def shortcut_taken(consultation: Consultation, shortcut: str, except_id: int | None = None) -> Code | None:
    """The active code that already answers to this key, if any."""
    if not shortcut:
        return None
    query = select(Code).where(Code.consultation_id == consultation.id, Code.status == "active",
                               Code.shortcut == shortcut)
    if except_id is not None:
        query = query.where(Code.id != except_id)
    return db.session.scalars(query).first()


def clean_shortcut(value: str | None) -> str:
    return (value or "").strip().lower()


def shortcut_problem(consultation: Consultation, shortcut: str, except_id: int | None = None) -> str | None:
    """Why this key cannot be a shortcut, or None."""
    if not shortcut:
        return None
    if shortcut in RESERVED_KEYS:
        return _l("J, K and ? move between comments and open the help: choose another key.")
    if not SHORTCUT_PATTERN.match(shortcut):
        return _l("A shortcut is one digit or one letter without accent.")
    taken = shortcut_taken(consultation, shortcut, except_id)
    if taken is not None:
        return _l("This key is already the shortcut of the code %(key)s.", key=taken.key)
    return None


# -- changing -----------------------------------------------------------------------------------

def key_from_label(label: str) -> str:
    """'Accès rural' -> 'ACCES-RURAL'."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")[:50] or "CODE"


def add_code(consultation: Consultation, values: dict, actor_id: int | None) -> Code:
    """values: label_fr, label_en, description_fr, description_en, shortcut."""
    shortcut = clean_shortcut(values.get("shortcut"))
    problem = shortcut_problem(consultation, shortcut)
    if problem:
        raise CodebookError(str(problem))
    for language in ("fr", "en"):
        label = (values.get(f"label_{language}") or "").strip()
        label_column = getattr(Code, f"label_{language}")
        if label and db.session.scalar(select(Code.key).where(
                Code.consultation_id == consultation.id, Code.status == "active",
                func.lower(label_column) == label.lower())):
            # Most often the same form sent twice; two codes with one name could not be told apart.
            raise CodebookError(str(_l("A code named “%(label)s” already exists.", label=label)))
    keys = set(db.session.scalars(select(Code.key).where(Code.consultation_id == consultation.id)))
    label = values.get("label_fr") or values.get("label_en") or ""
    position = (db.session.scalar(select(func.max(Code.position)).where(Code.consultation_id == consultation.id))
                or 0) + 1
    code = Code(consultation_id=consultation.id, kind="other", key=_unique_key(key_from_label(label), keys),
                label_fr=values.get("label_fr") or "", label_en=values.get("label_en") or "",
                description_fr=values.get("description_fr") or "", description_en=values.get("description_en") or "",
                shortcut=shortcut, position=position)
    code.changes.append(CodeChange(actor_id=actor_id, action="created",
                                   detail={"label_fr": code.label_fr, "label_en": code.label_en}))
    db.session.add(code)
    db.session.flush()
    audit.record(actor_id, "analysis.code_created", "code", code.id, consultation.id, key=code.key,
                 label_fr=code.label_fr, label_en=code.label_en, shortcut=shortcut)
    return code


EDITABLE = ("label_fr", "label_en", "description_fr", "description_en", "shortcut")


def edit_code(code: Code, values: dict, actor_id: int | None) -> bool:
    """Rename a code or change its description or shortcut; False when nothing changed."""
    values = {name: (clean_shortcut(values.get(name)) if name == "shortcut" else (values.get(name) or ""))
              for name in EDITABLE}
    if values["shortcut"] != code.shortcut:
        if not code.is_active and values["shortcut"]:
            raise CodebookError(str(_l("A code that is not in use has no shortcut.")))
        problem = shortcut_problem(code_consultation(code), values["shortcut"], except_id=code.id)
        if problem:
            raise CodebookError(str(problem))
    changes = {name: [getattr(code, name), value] for name, value in values.items() if getattr(code, name) != value}
    if not changes:
        return False
    for name, (_old, new) in changes.items():
        setattr(code, name, new)
    action = "renamed" if "label_fr" in changes or "label_en" in changes else "edited"
    code.changes.append(CodeChange(actor_id=actor_id, action=action, detail=changes))
    db.session.flush()
    audit.record(actor_id, f"analysis.code_{action}", "code", code.id, code.consultation_id, key=code.key,
                 changes=changes)
    return True


def code_consultation(code: Code) -> Consultation:
    return db.session.get(Consultation, code.consultation_id)


def _bump_revisions(code_id: int) -> None:
    """Comments whose codes change under them: a page showing them before is now out of date."""
    db.session.execute(
        update(Comment).where(Comment.id.in_(
            select(Coding.comment_id).where(Coding.code_id == code_id, Coding.blind.is_(False))))
        .values(revision=Comment.revision + 1).execution_options(synchronize_session=False))


def merge_code(source: Code, target: Code, actor_id: int | None) -> int:
    """Move every coding of `source` to `target` (a comment that has both keeps one), then mark
    `source` merged into `target`. Returns the number of comments whose main codes moved."""
    if source.id == target.id:
        raise CodebookError(str(_l("A code cannot be merged into itself.")))
    if source.consultation_id != target.consultation_id:
        raise CodebookError(str(_l("Choose a code of the same consultation.")))
    if not source.is_active or not target.is_active:
        raise CodebookError(str(_l("Only codes in use can be merged.")))
    moved = comments_with(source)
    _bump_revisions(source.id)
    twin = aliased(Coding)
    db.session.execute(
        Coding.__table__.delete().where(
            Coding.code_id == source.id,
            exists().where(and_(twin.code_id == target.id, twin.comment_id == Coding.comment_id,
                                twin.blind == Coding.blind))))
    db.session.execute(update(Coding).where(Coding.code_id == source.id).values(code_id=target.id)
                       .execution_options(synchronize_session=False))
    old_shortcut = source.shortcut
    source.status, source.merged_into_id, source.shortcut = "merged", target.id, ""
    source.changes.append(CodeChange(actor_id=actor_id, action="merged",
                                     detail={"into": target.key, "comments": moved, "shortcut": old_shortcut}))
    target.changes.append(CodeChange(actor_id=actor_id, action="absorbed", detail={"from": source.key}))
    db.session.flush()
    db.session.expire_all()
    audit.record(actor_id, "analysis.code_merged", "code", source.id, source.consultation_id, key=source.key,
                 into=target.key, comments=moved)
    return moved


def retire_code(code: Code, actor_id: int | None) -> None:
    """The code can no longer be applied; comments that have it keep it."""
    if not code.is_active:
        raise CodebookError(str(_l("This code is not in use.")))
    detail = {"shortcut": code.shortcut} if code.shortcut else {}
    code.status, code.shortcut = "retired", ""
    code.changes.append(CodeChange(actor_id=actor_id, action="retired", detail=detail))
    db.session.flush()
    audit.record(actor_id, "analysis.code_retired", "code", code.id, code.consultation_id, key=code.key)


def restore_code(code: Code, actor_id: int | None) -> None:
    """A retired code is in use again; it gets its shortcut back if no other code took it meanwhile."""
    if code.status != "retired":
        raise CodebookError(str(_l("Only a retired code can be restored.")))
    retirement = next((change for change in reversed(code.changes) if change.action == "retired"), None)
    shortcut = (retirement.detail or {}).get("shortcut", "") if retirement else ""
    consultation = code_consultation(code)
    code.status = "active"
    code.shortcut = shortcut if shortcut and shortcut_taken(consultation, shortcut, code.id) is None else ""
    code.changes.append(CodeChange(actor_id=actor_id, action="restored",
                                   detail={"shortcut": code.shortcut} if code.shortcut else {}))
    db.session.flush()
    audit.record(actor_id, "analysis.code_restored", "code", code.id, code.consultation_id, key=code.key)


def coding_shortcuts(consultation) -> list:
    """The codes that answer to a key, for the keyboard help: taken from the codebook the page's counts
    and rows read (once per request), not read again."""
    return [code for code, _topic_id in codes_of(consultation) if code.status == "active" and code.shortcut]


def code_name(code) -> str:
    return localized(code, "label").text or code.key


def open_codebook(consultation, actor_id: int | None) -> None:
    """Opening the codebook adds the codes of themes added to the structure since (committed at once)."""
    if ensure_codebook(consultation, actor_id):
        db.session.commit()
