"""The work on modification items: create, support with comments, edit, merge, split, order.
Every change is audited; services flush, the caller commits."""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import Comment, Consultation, ConsultationOutcome, ItemSupport, ModificationItem, Participant, Topic
from .kinds import item_kinds


class ItemError(ValueError):
    """A change refused, with the message to show and, where one is to blame, the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Statement:
    fr: str = ""
    en: str = ""

    def clean(self, consultation: Consultation) -> "Statement":
        fr, en = " ".join(self.fr.split()), " ".join(self.en.split())
        held = consultation.language_list or ["fr"]
        if not any((fr if lang == "fr" else en) for lang in held):
            raise ItemError(_("Write the statement of the item."))
        return Statement(fr, en)


def _options():
    return (selectinload(ModificationItem.supports).selectinload(ItemSupport.comment)
            .options(selectinload(Comment.participant).selectinload(Participant.category),
                     selectinload(Comment.participant).selectinload(Participant.consents),
                     selectinload(Comment.track)),
            selectinload(ModificationItem.decision), selectinload(ModificationItem.topic))


def items_of(consultation: Consultation, topic_id: int | None = None) -> list[ModificationItem]:
    """The active items, in the order of the tree then their own order."""
    query = (select(ModificationItem).join(Topic, ModificationItem.topic_id == Topic.id)
             .where(ModificationItem.consultation_id == consultation.id, ModificationItem.status == "active")
             .options(*_options()).order_by(Topic.position, Topic.id, ModificationItem.position, ModificationItem.id))
    if topic_id is not None:
        query = query.where(ModificationItem.topic_id == topic_id)
    return list(db.session.scalars(query))


def item_choices_of(consultation: Consultation) -> list:
    """The active items as rows (id, topic_code, statement_fr, statement_en): what a choice list needs,
    read without making an object of each item on every page that offers them."""
    return db.session.execute(
        select(ModificationItem.id, Topic.code.label("topic_code"), ModificationItem.statement_fr,
               ModificationItem.statement_en).join(Topic, ModificationItem.topic_id == Topic.id)
        .where(ModificationItem.consultation_id == consultation.id, ModificationItem.status == "active")
        .order_by(Topic.position, Topic.id, ModificationItem.position, ModificationItem.id)).all()


def get_item(consultation: Consultation, item_id: int) -> ModificationItem | None:
    item = db.session.scalar(select(ModificationItem).where(ModificationItem.id == item_id).options(*_options()))
    return item if item is not None and item.consultation_id == consultation.id else None


def _check_kind(consultation: Consultation, kind: str) -> str:
    if kind not in dict(item_kinds(consultation)):
        raise ItemError(_("Choose a kind of item the consultation's codebook offers."), "kind")
    return kind


def _check_topic(consultation: Consultation, topic: Topic | None) -> Topic:
    if topic is None or topic.consultation_id != consultation.id:
        raise ItemError(_("Choose a part of this consultation's proposal."), "topic_id")
    return topic


def _comments(consultation: Consultation, comment_ids) -> list[Comment]:
    ids = sorted({int(value) for value in comment_ids})
    if not ids:
        return []
    found = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids),
                                                          Comment.consultation_id == consultation.id)))
    if len(found) != len(ids):
        unknown = sorted(set(ids) - {comment.id for comment in found})
        raise ItemError(ngettext("Comment %(numbers)s is not a comment of this consultation.",
                                 "Comments %(numbers)s are not comments of this consultation.", len(unknown),
                                 numbers=", ".join(str(number) for number in unknown)), "comments")
    return found


def main_topic_of(consultation: Consultation, comment_ids) -> int | None:
    """The topic most of these comments of the consultation are placed on (on a tie, the earlier in its level)."""
    ids = {int(value) for value in comment_ids if str(value).isdigit()}
    if not ids:
        return None
    row = db.session.execute(
        select(Comment.topic_id).join(Topic, Topic.id == Comment.topic_id)
        .where(Comment.id.in_(ids), Comment.consultation_id == consultation.id)
        .group_by(Comment.topic_id, Topic.position).order_by(func.count().desc(), Topic.position).limit(1)).first()
    return row[0] if row else None


def _next_position(topic: Topic) -> int:
    last = db.session.scalar(select(func.max(ModificationItem.position)).where(ModificationItem.topic_id == topic.id))
    return (last or 0) + 1


def create_item(consultation: Consultation, topic: Topic | None, kind: str, statement: Statement, actor_id: int | None,
                comment_ids=()) -> ModificationItem:
    topic = _check_topic(consultation, topic)
    kind = _check_kind(consultation, kind)
    statement = statement.clean(consultation)
    comments = _comments(consultation, comment_ids)
    item = ModificationItem(consultation_id=consultation.id, topic=topic, kind=kind, statement_fr=statement.fr,
                            statement_en=statement.en, position=_next_position(topic), created_by_id=actor_id)
    db.session.add(item)
    db.session.flush()
    for comment in comments:
        item.supports.append(ItemSupport(comment=comment, added_by_id=actor_id))
    db.session.flush()
    audit.record(actor_id, "item.create", "modification_item", item.id, consultation.id, topic=topic.code, kind=kind,
                 comments=[comment.id for comment in comments])
    return item


def add_support(item: ModificationItem, comment_ids, actor_id: int | None) -> int:
    """Add comments to an item; those already there are left as they are. Returns how many were added."""
    if not item.is_active:
        raise ItemError(_("This item was merged into another one: add the comments there."))
    consultation = db.session.get(Consultation, item.consultation_id)
    comments = _comments(consultation, comment_ids)
    if not comments:
        raise ItemError(_("Select at least one comment."))
    have = {support.comment_id for support in item.supports}
    added = [comment for comment in comments if comment.id not in have]
    for comment in added:
        item.supports.append(ItemSupport(comment=comment, added_by_id=actor_id))
    db.session.flush()
    if added:
        audit.record(actor_id, "item.support.add", "modification_item", item.id, item.consultation_id,
                     comments=[comment.id for comment in added])
    return len(added)


def published_decision(item: ModificationItem) -> bool:
    """Whether the item stands on the published outcome page with its decision: merging it, splitting it
    or taking comments out of it changes that page at once, so only those who decide may do it."""
    if item.decision is None:
        return False
    return db.session.scalar(select(ConsultationOutcome.published_at).where(
        ConsultationOutcome.consultation_id == item.consultation_id)) is not None


def check_published(item: ModificationItem, may_decide: bool) -> None:
    if not may_decide and published_decision(item):
        raise ItemError(_("The decision on this item is published: only someone who records decisions can merge "
                          "it, split it or take comments out of it."))


def remove_support(item: ModificationItem, comment_id: int, actor_id: int | None) -> bool:
    for support in list(item.supports):
        if support.comment_id == comment_id:
            item.supports.remove(support)
            db.session.flush()
            audit.record(actor_id, "item.support.remove", "modification_item", item.id, item.consultation_id,
                         comment=comment_id)
            return True
    return False


def update_item(item: ModificationItem, topic: Topic | None, kind: str, statement: Statement,
                actor_id: int | None) -> None:
    consultation = db.session.get(Consultation, item.consultation_id)
    topic = _check_topic(consultation, topic)
    kind = _check_kind(consultation, kind)
    statement = statement.clean(consultation)
    before = {"topic": item.topic.code, "kind": item.kind, "statement_fr": item.statement_fr,
              "statement_en": item.statement_en}
    if topic.id != item.topic_id:
        item.position = _next_position(topic)
    item.topic, item.kind, item.statement_fr, item.statement_en = topic, kind, statement.fr, statement.en
    db.session.flush()
    audit.record(actor_id, "item.edit", "modification_item", item.id, item.consultation_id, before=before)


def merge(item: ModificationItem, into: ModificationItem | None, actor_id: int | None) -> ModificationItem:
    """Move the item's supporting comments to `into` and retire it; its decision, if any, stays with it."""
    if into is None or into.id == item.id or into.consultation_id != item.consultation_id or not into.is_active:
        raise ItemError(_("Choose another item of this consultation to merge into."))
    if not item.is_active:
        raise ItemError(_("This item was already merged."))
    have = {support.comment_id for support in into.supports}
    moved = []
    for support in list(item.supports):
        if support.comment_id not in have:
            into.supports.append(ItemSupport(comment_id=support.comment_id, added_by_id=actor_id))
            moved.append(support.comment_id)
    item.supports.clear()
    item.status, item.merged_into = "merged", into
    db.session.flush()
    audit.record(actor_id, "item.merge", "modification_item", item.id, item.consultation_id, into=into.id,
                 comments=moved)
    return into


def split(item: ModificationItem, comment_ids, statement: Statement, actor_id: int | None) -> ModificationItem:
    """A new item beside this one, taking the chosen supporting comments with it."""
    chosen = {int(value) for value in comment_ids}
    current = {support.comment_id for support in item.supports}
    if not chosen:
        raise ItemError(_("Select the comments the new item takes."))
    if not chosen <= current:
        raise ItemError(_("Only this item's own comments can go to the new item."))
    if chosen == current:
        raise ItemError(_("Leave at least one comment to this item: to move them all, edit the item instead."))
    consultation = db.session.get(Consultation, item.consultation_id)
    new = create_item(consultation, item.topic, item.kind, statement, actor_id)
    for support in list(item.supports):
        if support.comment_id in chosen:
            item.supports.remove(support)
            new.supports.append(ItemSupport(comment_id=support.comment_id, added_by_id=actor_id))
    for other in db.session.scalars(select(ModificationItem).where(
            ModificationItem.topic_id == item.topic_id, ModificationItem.position > item.position,
            ModificationItem.id != new.id)):
        other.position += 1
    new.position = item.position + 1
    db.session.flush()
    audit.record(actor_id, "item.split", "modification_item", item.id, item.consultation_id, new=new.id,
                 comments=sorted(chosen))
    return new


def move(item: ModificationItem, step: int, actor_id: int | None) -> bool:
    """Swap the item with its neighbour among the active items of its topic; False at either end."""
    siblings = list(db.session.scalars(select(ModificationItem).where(
        ModificationItem.topic_id == item.topic_id, ModificationItem.status == "active")
        .order_by(ModificationItem.position, ModificationItem.id)))
    index = siblings.index(item)
    other = index + (1 if step > 0 else -1)
    if other < 0 or other >= len(siblings):
        return False
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    siblings[index].position, siblings[other].position = siblings[other].position, siblings[index].position
    db.session.flush()
    audit.record(actor_id, "item.move", "modification_item", item.id, item.consultation_id,
                 direction="down" if step > 0 else "up")
    return True


def items_supported_by_people(consultation_id: int) -> dict[int, list[tuple[str, list[ModificationItem]]]]:
    """participant id -> [(comment text, the active items it supports)] for every comment of the
    consultation that supports one, in the order the comments came (what the outcome email tells each)."""
    found: dict[int, dict[int, tuple[str, list[ModificationItem]]]] = {}
    rows = db.session.execute(
        select(Comment.participant_id, Comment.id, Comment.text, ModificationItem)
        .join(ItemSupport, ItemSupport.comment_id == Comment.id)
        .join(ModificationItem, ItemSupport.item_id == ModificationItem.id)
        .where(Comment.consultation_id == consultation_id, Comment.participant_id.is_not(None),
               ModificationItem.status == "active")
        .options(selectinload(ModificationItem.decision))
        .order_by(Comment.participant_id, Comment.id, ModificationItem.position, ModificationItem.id))
    for participant_id, comment_id, text, item in rows:
        found.setdefault(participant_id, {}).setdefault(comment_id, (text, []))[1].append(item)
    return {person: list(comments.values()) for person, comments in found.items()}


def items_of_comments(comment_ids) -> dict[int, list[ModificationItem]]:
    """comment id -> the active items it supports (for "your contribution" and the workspace)."""
    ids = list(comment_ids)
    if not ids:
        return {}
    found: dict[int, list[ModificationItem]] = {}
    rows = db.session.execute(
        select(ItemSupport.comment_id, ModificationItem)
        .join(ModificationItem, ItemSupport.item_id == ModificationItem.id)
        .where(ItemSupport.comment_id.in_(ids), ModificationItem.status == "active")
        .options(selectinload(ModificationItem.decision), selectinload(ModificationItem.topic))
        .order_by(ModificationItem.position, ModificationItem.id))
    for comment_id, item in rows:
        found.setdefault(comment_id, []).append(item)
    return found
