"""Two coders: a coordinator gives a second analyst a random sample of comments to code blind; the
second coder's codes are compared with the comments' main codes (agreement.py) and each
disagreement is settled by adopting the second coder's codes or keeping the main ones.

Settling by adopting changes the main codes, so the codes compared for a settled comment are the
ones recorded when it was settled: the figures keep measuring how the two coders agreed, not how
the disagreements were resolved.
"""
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, select

from .. import audit
from ..extensions import db
from ..models import AuditEvent, Code, Coding, Comment, Consultation, SecondCoding, StaffRole, StaffUser, Topic
from . import agreement as figures
from .coding import InvalidChoice, claim, main_code_ids

SETTLED_ACTION = "analysis.disagreement_settled"
MAX_SAMPLE = 500
PER_PAGE = 20


def second_coders() -> list[StaffUser]:
    """Active staff members who hold the analyst role."""
    return list(db.session.scalars(
        select(StaffUser).join(StaffRole, StaffRole.user_id == StaffUser.id)
        .where(StaffRole.role == "analyst", StaffUser.active.is_(True)).order_by(StaffUser.name, StaffUser.email)))


def topic_with_descendants(consultation: Consultation, topic: Topic) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for topic_id, parent_id in db.session.execute(
            select(Topic.id, Topic.parent_id).where(Topic.consultation_id == consultation.id)):
        children.setdefault(parent_id, []).append(topic_id)
    found, pending = set(), [topic.id]
    while pending:
        current = pending.pop()
        found.add(current)
        pending.extend(children.get(current, []))
    return found


def sample_candidates(consultation: Consultation, coder_id: int, topic: Topic | None, only_coded: bool) -> list[int]:
    """Ids of the comments that may join the coder's sample: not hidden, not in anyone's sample yet,
    never coded by this coder, on the topic (or under it) when one is chosen, and already coded by
    someone when `only_coded`."""
    own = select(Coding.id).where(Coding.comment_id == Comment.id, Coding.coder_id == coder_id,
                                  Coding.blind.is_(False))
    query = select(Comment.id).where(
        Comment.consultation_id == consultation.id, Comment.visibility != "hidden",
        Comment.id.not_in(select(SecondCoding.comment_id)), ~exists(own))
    if topic is not None:
        query = query.where(Comment.topic_id.in_(topic_with_descendants(consultation, topic)))
    if only_coded:
        query = query.where(exists(select(Coding.id).where(Coding.comment_id == Comment.id,
                                                           Coding.blind.is_(False))))
    return list(db.session.scalars(query.order_by(Comment.id)))


def assign_sample(consultation: Consultation, coder: StaffUser, topic: Topic | None, size: int, only_coded: bool,
                  actor_id: int | None, rng: random.Random | None = None) -> list[SecondCoding]:
    """Give the coder a random sample of at most `size` comments; returns the new assignments."""
    candidates = sample_candidates(consultation, coder.id, topic, only_coded)
    chosen = sorted((rng or random.SystemRandom()).sample(candidates, min(size, len(candidates))))
    now = datetime.now(timezone.utc)
    assignments = [SecondCoding(consultation_id=consultation.id, comment_id=comment_id, coder_id=coder.id,
                                assigned_by_id=actor_id, assigned_at=now) for comment_id in chosen]
    db.session.add_all(assignments)
    db.session.flush()
    audit.record(actor_id, "analysis.sample_assigned", "staff_user", coder.id, consultation.id,
                 coder=coder.email, topic=topic.code if topic is not None else None, asked=size,
                 assigned=len(assignments), only_coded=only_coded, comments=chosen)
    return assignments


# -- the second coder's queue -----------------------------------------------------------------------

@dataclass
class Queue:
    assignments: list[SecondCoding]
    page: int
    pages: int
    total: int
    done: int


def queue(consultation: Consultation, coder_id: int, page: int = 1) -> Queue:
    base = select(SecondCoding).where(SecondCoding.consultation_id == consultation.id,
                                      SecondCoding.coder_id == coder_id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    done = db.session.scalar(select(func.count()).select_from(
        base.where(SecondCoding.coded_at.is_not(None)).subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    assignments = list(db.session.scalars(base.order_by(SecondCoding.id).offset((page - 1) * PER_PAGE)
                                          .limit(PER_PAGE)))
    return Queue(assignments, page, pages, total, done)


@dataclass
class CoderProgress:
    coder: StaffUser | None
    assigned: int
    done: int
    settled: int


def progress(consultation: Consultation) -> list[CoderProgress]:
    rows = db.session.execute(
        select(SecondCoding.coder_id, func.count(), func.count(SecondCoding.coded_at),
               func.count(SecondCoding.settled_at))
        .where(SecondCoding.consultation_id == consultation.id).group_by(SecondCoding.coder_id)).all()
    coders = {user.id: user for user in db.session.scalars(
        select(StaffUser).where(StaffUser.id.in_([row[0] for row in rows if row[0] is not None])))}
    return sorted((CoderProgress(coders.get(coder_id), assigned, done, settled)
                   for coder_id, assigned, done, settled in rows),
                  key=lambda item: (item.coder.name or item.coder.email) if item.coder else "")


# -- comparison ----------------------------------------------------------------------------------

@dataclass
class Disagreement:
    assignment: SecondCoding
    comment: Comment
    main: list[Code]
    second: list[Code]

    @property
    def main_only(self) -> list[Code]:
        second = {code.id for code in self.second}
        return [code for code in self.main if code.id not in second]

    @property
    def second_only(self) -> list[Code]:
        main = {code.id for code in self.main}
        return [code for code in self.second if code.id not in main]


@dataclass
class Comparison:
    result: figures.Agreement
    codes: dict[int, Code]
    disagreements: list[Disagreement] = field(default_factory=list)  # not settled yet, this page
    open_disagreements: int = 0
    settled: int = 0
    page: int = 1
    pages: int = 1

    @property
    def rows(self) -> list[tuple[Code, figures.Table]]:
        return [(self.codes[code_id], table) for code_id, table in self.result.tables.items()]


def _code_sets(comment_ids: list[int], blind: bool) -> dict[int, set[int]]:
    sets: dict[int, set[int]] = {comment_id: set() for comment_id in comment_ids}
    if comment_ids:
        for comment_id, code_id in db.session.execute(
                select(Coding.comment_id, Coding.code_id).where(Coding.comment_id.in_(comment_ids),
                                                                Coding.blind.is_(blind))):
            sets[comment_id].add(code_id)
    return sets


def compare(consultation: Consultation, page: int = 1) -> Comparison:
    """Agreement over the comments the second coders said they were done with, and the page of
    disagreements still to settle. A fixed number of queries."""
    done = list(db.session.scalars(
        select(SecondCoding).where(SecondCoding.consultation_id == consultation.id,
                                   SecondCoding.coded_at.is_not(None)).order_by(SecondCoding.id)))
    comment_ids = [assignment.comment_id for assignment in done]
    main, second = _code_sets(comment_ids, False), _code_sets(comment_ids, True)
    recorded = {}
    if any(assignment.settled_at for assignment in done):
        for object_id, detail in db.session.execute(
                select(AuditEvent.object_id, AuditEvent.detail).where(
                    AuditEvent.consultation_id == consultation.id, AuditEvent.action == SETTLED_ACTION)):
            recorded[object_id] = detail or {}
    pairs, open_ones = [], []
    for assignment in done:
        compared_main = main[assignment.comment_id]
        if assignment.settled_at is not None and str(assignment.id) in recorded:
            compared_main = set(recorded[str(assignment.id)].get("main", []))
        pairs.append((compared_main, second[assignment.comment_id]))
        if assignment.settled_at is None and main[assignment.comment_id] != second[assignment.comment_id]:
            open_ones.append(assignment)
    codes = {code.id: code for code in db.session.scalars(select(Code).where(Code.consultation_id == consultation.id))}
    used = set().union(*(left | right for left, right in pairs)) if pairs else set()
    order = sorted((code_id for code_id in used if code_id in codes),
                   key=lambda code_id: (codes[code_id].position, code_id))
    result = figures.agreement(pairs, order)
    pages = max(1, math.ceil(len(open_ones) / PER_PAGE))
    page = min(max(page, 1), pages)
    shown = open_ones[(page - 1) * PER_PAGE:page * PER_PAGE]
    comments = {comment.id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.id.in_([assignment.comment_id for assignment in shown])))} if shown else {}

    def listed(code_ids):
        return sorted((codes[code_id] for code_id in code_ids if code_id in codes),
                      key=lambda code: (code.position, code.id))

    disagreements = [Disagreement(assignment, comments[assignment.comment_id],
                                  listed(main[assignment.comment_id]), listed(second[assignment.comment_id]))
                     for assignment in shown]
    return Comparison(result, codes, disagreements, len(open_ones),
                      sum(1 for assignment in done if assignment.settled_at is not None), page, pages)


def get_assignment(consultation: Consultation, assignment_id: int) -> SecondCoding | None:
    assignment = db.session.get(SecondCoding, assignment_id)
    return assignment if assignment is not None and assignment.consultation_id == consultation.id else None


def settle(assignment: SecondCoding, decision: str, actor_id: int | None) -> None:
    """Settle a disagreement: "adopt" makes the second coder's codes the comment's main codes,
    "keep" leaves the main codes. The codes compared are recorded with the decision."""
    if decision not in ("adopt", "keep"):
        raise InvalidChoice(str(_l("Choose whether to adopt the second coder's codes or keep the main ones.")))
    if assignment.coded_at is None:
        raise InvalidChoice(str(_l("The second coder has not finished this comment yet.")))
    if assignment.settled_at is not None:
        raise InvalidChoice(str(_l("This disagreement was already settled.")))
    comment = db.session.get(Comment, assignment.comment_id)
    main = main_code_ids(comment)
    second = set(db.session.scalars(select(Coding.code_id).where(Coding.comment_id == comment.id,
                                                                 Coding.blind.is_(True))))
    if decision == "adopt" and main != second:
        claim(comment, comment.revision)
        db.session.execute(delete(Coding).where(and_(Coding.comment_id == comment.id, Coding.blind.is_(False),
                                                     Coding.code_id.not_in(second))))
        for code_id in sorted(second - main):
            db.session.add(Coding(comment_id=comment.id, code_id=code_id, coder_id=assignment.coder_id,
                                  blind=False))
        db.session.expire(comment, ["codings"])
    assignment.settled_at = datetime.now(timezone.utc)
    assignment.settled_by_id = actor_id
    db.session.flush()
    audit.record(actor_id, SETTLED_ACTION, "second_coding", assignment.id, assignment.consultation_id,
                 comment=comment.id, decision=decision, main=sorted(main), second=sorted(second))
