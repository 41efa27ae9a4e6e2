"""What analysts do to a comment: apply or remove a code, move it to another topic, set its stance,
hide, flag or restore it, mark it reviewed; and what a second coder does to their sample.

Every change to a comment first claims the revision the person's page showed with one conditional
UPDATE (`... SET revision = revision + 1 WHERE id = :id AND revision = :shown`), which the database
serialises: of two people acting on the same comment from the same page, one wins and the other is
told, and nothing is overwritten unseen. Every change is audited.
"""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from .. import audit
from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, SecondCoding, Topic
from ..models.analysis import STANCES


class StaleRevision(Exception):
    """Someone changed the comment (or the sample row) since the page was shown; nothing was applied."""


class InvalidChoice(ValueError):
    """A code or topic that cannot be used here; the message says why."""


def get_comment(consultation: Consultation, comment_id: int) -> Comment | None:
    comment = db.session.get(Comment, comment_id)
    return comment if comment is not None and comment.consultation_id == consultation.id else None


def claim(comment: Comment, shown_revision: int | None) -> None:
    """Take the next revision if the page showed the current one; StaleRevision otherwise."""
    result = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.revision == (shown_revision or 0))
        .values(revision=Comment.revision + 1).execution_options(synchronize_session=False))
    db.session.expire(comment, ["revision", "updated_at"])
    if result.rowcount != 1:
        raise StaleRevision()


def _audit(comment: Comment, actor_id: int | None, action: str, **detail) -> None:
    audit.record(actor_id, f"analysis.comment_{action}", "comment", comment.id, comment.consultation_id,
                 revision=comment.revision, **detail)


def usable_code(consultation_id: int, code_id: int | None, present: set[int]) -> Code:
    """The code to toggle: of this consultation, and in use unless it is being removed."""
    code = db.session.get(Code, code_id) if code_id else None
    if code is None or code.consultation_id != consultation_id:
        raise InvalidChoice(str(_l("This code does not exist in this consultation's codebook.")))
    if not code.is_active and code.id not in present:
        if code.status == "merged":
            raise InvalidChoice(str(_l("The code %(key)s was merged into another code: apply that one.",
                                       key=code.key)))
        raise InvalidChoice(str(_l("The code %(key)s is retired and can no longer be applied.", key=code.key)))
    return code


def main_code_ids(comment: Comment) -> set[int]:
    return set(db.session.scalars(select(Coding.code_id).where(Coding.comment_id == comment.id,
                                                               Coding.blind.is_(False))))


def in_blind_sample(coder_id: int | None, comment_ids) -> set[int]:
    """Those of the comments that this person codes blind in a sample not yet settled: their main codes
    are neither shown to nor applied by them, or the agreement would compare them with themselves."""
    if coder_id is None:
        return set()
    return set(db.session.scalars(select(SecondCoding.comment_id).where(
        SecondCoding.comment_id.in_(comment_ids), SecondCoding.coder_id == coder_id,
        SecondCoding.settled_at.is_(None))))


def toggle_code(comment: Comment, code_id: int | None, shown_revision: int | None, actor_id: int | None
                ) -> tuple[Code, bool]:
    """Apply the code if the comment lacks it, remove it otherwise. Returns (code, applied)."""
    if in_blind_sample(actor_id, [comment.id]):
        raise InvalidChoice(str(_l("You code this comment blind in your second-coding sample: its main codes "
                                   "are left to the other coders until the sample is settled.")))
    present = main_code_ids(comment)
    code = usable_code(comment.consultation_id, code_id, present)
    claim(comment, shown_revision)
    if code.id in present:
        db.session.execute(delete(Coding).where(Coding.comment_id == comment.id, Coding.code_id == code.id,
                                                Coding.blind.is_(False)))
        applied = False
    else:
        db.session.add(Coding(comment_id=comment.id, code_id=code.id, coder_id=actor_id, blind=False))
        applied = True
    db.session.flush()
    db.session.expire(comment, ["codings"])
    _audit(comment, actor_id, "code_applied" if applied else "code_removed", code=code.key)
    return code, applied


def placeable_topic(consultation_id: int, topic_id: int | None) -> Topic:
    topic = db.session.get(Topic, topic_id) if topic_id else None
    if topic is None or topic.consultation_id != consultation_id or topic.kind == "axis":
        raise InvalidChoice(str(_l("Choose a part of this consultation's proposal.")))
    return topic


def move_comment(comment: Comment, topic_id: int | None, shown_revision: int | None, actor_id: int | None
                 ) -> Topic:
    """Place the comment on a topic (the same topic confirms the presumed one)."""
    topic = placeable_topic(comment.consultation_id, topic_id)
    claim(comment, shown_revision)
    previous = comment.topic.code if comment.topic is not None else None
    comment.topic_id, comment.topic_confirmed = topic.id, True
    # A person placed it: any suggestions waiting for it are settled.
    comment.suggestion_reviewed = True
    db.session.flush()
    db.session.expire(comment, ["topic"])
    _audit(comment, actor_id, "moved", topic=topic.code, previous=previous)
    return topic


def set_stance(comment: Comment, stance: str, shown_revision: int | None, actor_id: int | None) -> None:
    if stance not in STANCES:
        raise InvalidChoice(str(_l("Choose one of the stances offered.")))
    claim(comment, shown_revision)
    previous, comment.stance = comment.stance, stance
    db.session.flush()
    _audit(comment, actor_id, "stance", stance=stance, previous=previous)


def set_language(comment: Comment, language: str, shown_revision: int | None, actor_id: int | None) -> None:
    """An analyst corrects the language read from the text; the correction is kept from then on."""
    if language not in ("fr", "en"):
        raise InvalidChoice(str(_l("Choose French or English.")))
    claim(comment, shown_revision)
    previous = comment.language
    comment.language, comment.language_source = language, "analyst"
    db.session.flush()
    _audit(comment, actor_id, "language", language=language, previous=previous)


def set_visibility(comment: Comment, visibility: str, reason: str, shown_revision: int | None,
                   actor_id: int | None) -> None:
    """Hide (a reason is required), flag (a reason is optional) or make visible again."""
    reason = (reason or "").strip()
    if visibility == "hidden" and not reason:
        raise InvalidChoice(str(_l("Say why the comment is hidden.")))
    if visibility == "flagged" and comment.is_hidden:
        # Flagging would quietly bring a hidden comment back into the analysis and the exports.
        raise InvalidChoice(str(_l("A hidden comment cannot be flagged: make it visible again first.")))
    claim(comment, shown_revision)
    previous = comment.visibility
    comment.visibility = visibility
    comment.visibility_reason = reason if visibility != "visible" else ""
    db.session.flush()
    action = {"hidden": "hidden", "flagged": "flagged", "visible": "restored"}[visibility]
    _audit(comment, actor_id, action, reason=reason, previous=previous)


def mark_reviewed(comment: Comment, shown_revision: int | None, actor_id: int | None) -> None:
    """The analyst looked again at a comment whose text changed after it was coded."""
    claim(comment, shown_revision)
    comment.needs_review = False
    db.session.flush()
    _audit(comment, actor_id, "reviewed")


# -- the second coder ------------------------------------------------------------------------------

def get_assignment(consultation: Consultation, assignment_id: int, coder_id: int) -> SecondCoding | None:
    """One comment of this coder's sample."""
    assignment = db.session.get(SecondCoding, assignment_id)
    if assignment is None or assignment.consultation_id != consultation.id or assignment.coder_id != coder_id:
        return None
    return assignment


def blind_code_ids(comment_id: int) -> set[int]:
    return set(db.session.scalars(select(Coding.code_id).where(Coding.comment_id == comment_id,
                                                               Coding.blind.is_(True))))


def parse_shown(value: str | None) -> set[int] | None:
    try:
        return {int(part) for part in (value or "").split(",") if part.strip()}
    except ValueError:
        return None


def toggle_blind_code(assignment: SecondCoding, code_id: int | None, shown: set[int] | None,
                      actor_id: int | None) -> tuple[Code, bool]:
    """The second coder applies or removes one of their own (blind) codes. `shown` is the set of
    blind codes their page showed: from an older page (another tab, a double click) nothing is done."""
    present = blind_code_ids(assignment.comment_id)
    code = usable_code(assignment.consultation_id, code_id, present)
    if assignment.settled_at is not None:
        raise InvalidChoice(str(_l("This comment's codes were compared and settled: they can no longer change.")))
    if shown is None or shown != present:
        raise StaleRevision()
    if code.id in present:
        db.session.execute(delete(Coding).where(Coding.comment_id == assignment.comment_id,
                                                Coding.code_id == code.id, Coding.blind.is_(True)))
        applied = False
    else:
        db.session.add(Coding(comment_id=assignment.comment_id, code_id=code.id, coder_id=actor_id, blind=True))
        applied = True
    db.session.flush()
    audit.record(actor_id, "analysis.blind_code_applied" if applied else "analysis.blind_code_removed",
                 "second_coding", assignment.id, assignment.consultation_id, comment=assignment.comment_id,
                 code=code.key)
    return code, applied


def set_done(assignment: SecondCoding, done: bool, actor_id: int | None) -> bool:
    """The second coder is done with the comment (it counts in the agreement), or takes it back.
    Returns False when nothing changed (a repeated click)."""
    if assignment.settled_at is not None:
        raise InvalidChoice(str(_l("This comment's codes were compared and settled: they can no longer change.")))
    if (assignment.coded_at is not None) == done:
        return False
    assignment.coded_at = datetime.now(timezone.utc) if done else None
    db.session.flush()
    audit.record(actor_id, "analysis.second_coding_done" if done else "analysis.second_coding_reopened",
                 "second_coding", assignment.id, assignment.consultation_id, comment=assignment.comment_id)
    return True
