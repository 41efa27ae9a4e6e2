"""The structure editor: add, edit, move, reorder and delete the nodes of a consultation's tree.

Kinds follow the structure format's rules (structure/validation.py): a first-level node ("axis")
holds second-level nodes ("orientation"); general sections stand outside the levels and may hold
sections. The names shown for the levels are the consultation's own.
"""
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..audit import record
from ..extensions import db
from ..models import ChangeTarget, Consultation, Question, QuestionnairePage, Theme, Topic
from ..models.analysis import Comment
from ..models.submission import SubmissionText
from ..structure.validation import CHILD_KINDS

LANGUAGES = ("fr", "en")


class TreeRefused(Exception):
    """Nothing was written; `field` names the form field the message belongs to (or "")."""

    def __init__(self, field: str, message):
        self.field = field
        self.message = message
        super().__init__(str(message))


@dataclass
class NodeValues:
    code: str
    parent_id: int | None
    root_kind: str  # "axis" or "section", for a node at the top
    texts: dict[str, str]  # title_fr, summary_en, body_fr...
    themes: list[dict]
    change_targets: list[dict]


def topics_of(consultation: Consultation) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id)
                                   .order_by(Topic.position, Topic.id)))


def get_node(consultation: Consultation, topic_id: int) -> Topic | None:
    topic = db.session.get(Topic, topic_id)
    return topic if topic is not None and topic.consultation_id == consultation.id else None


def subtree(topic: Topic) -> list[Topic]:
    nodes = [topic]
    for child in topic.children:
        nodes.extend(subtree(child))
    return nodes


def written_about(topics: list[Topic]) -> int:
    """Comments (from every channel) and texts of written submissions about these nodes."""
    ids = [topic.id for topic in topics]
    comments = db.session.scalar(select(func.count(Comment.id)).where(Comment.topic_id.in_(ids))) or 0
    # A submission's text about a node not yet cut into excerpts has no comment yet, and is someone's work.
    texts = db.session.scalar(select(func.count(SubmissionText.id)).where(SubmissionText.topic_id.in_(ids))) or 0
    return comments + texts


def comment_counts(consultation: Consultation) -> dict[int, int]:
    return dict(db.session.execute(
        select(Comment.topic_id, func.count(Comment.id)).where(Comment.consultation_id == consultation.id,
                                                               Comment.topic_id.is_not(None))
        .group_by(Comment.topic_id)).all())


def kind_for(parent: Topic | None, root_kind: str) -> str:
    if parent is None:
        return root_kind if root_kind in ("axis", "section") else "axis"
    return "orientation" if parent.kind == "axis" else "section"


def parent_options(consultation: Consultation, node: Topic | None, levels: int) -> list[Topic]:
    """Nodes that may hold `node` (or a new node): not itself nor anything under it."""
    excluded = {topic.id for topic in subtree(node)} if node is not None else set()
    allowed = {"section"} | ({"axis"} if levels >= 2 else set())
    return [topic for topic in ordered(consultation) if topic.kind in allowed and topic.id not in excluded]


def ordered(consultation: Consultation) -> list[Topic]:
    """Reading order (parents before their children)."""
    topics = topics_of(consultation)
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    order: list[Topic] = []

    def walk(parent_id):
        for topic in children.get(parent_id, []):
            order.append(topic)
            walk(topic.id)

    walk(None)
    return order


def _siblings(consultation: Consultation, parent_id: int | None, exclude: Topic | None = None) -> list[Topic]:
    return [topic for topic in topics_of(consultation)
            if topic.parent_id == parent_id and topic is not exclude]


def _code_taken(consultation: Consultation, code: str, except_id: int | None) -> bool:
    found = db.session.scalar(select(Topic.id).where(Topic.consultation_id == consultation.id, Topic.code == code))
    return found is not None and found != except_id


def _sync_parts(topic: Topic, themes: list[dict], targets: list[dict]) -> None:
    by_code = {theme.code: theme for theme in topic.themes}
    rows = []
    for position, item in enumerate(themes):
        row = by_code.pop(item["code"], None) or Theme(code=item["code"])
        row.position, row.name_fr, row.name_en = position, item["fr"], item["en"]
        rows.append(row)
    topic.themes = rows
    by_code = {target.code: target for target in topic.change_targets}
    rows = []
    for position, item in enumerate(targets):
        row = by_code.pop(item["code"], None) or ChangeTarget(code=item["code"])
        row.position, row.text_fr, row.text_en = position, item["fr"], item["en"]
        rows.append(row)
    topic.change_targets = rows


def save_node(consultation: Consultation, node: Topic | None, values: NodeValues, actor_id: int,
              messages) -> Topic:
    """Create (`node` None) or update a node. Checks everything before the first change."""
    parent = get_node(consultation, values.parent_id) if values.parent_id else None
    if values.parent_id and parent is None:
        raise TreeRefused("parent", messages.unknown_parent())
    if _code_taken(consultation, values.code, node.id if node else None):
        raise TreeRefused("code", messages.code_taken(values.code))
    kind = kind_for(parent, values.root_kind)
    if parent is not None and kind not in CHILD_KINDS[parent.kind]:
        raise TreeRefused("parent", messages.wrong_parent())
    if node is not None:
        if parent is not None and parent.id in {topic.id for topic in subtree(node)}:
            raise TreeRefused("parent", messages.inside_itself())
        if kind != node.kind and node.children:  # its children would no longer fit under it
            raise TreeRefused("parent", messages.children_block_move(len(node.children)))
    created = node is None
    moved = created or node.parent_id != (parent.id if parent else None)
    before = None if created else {"code": node.code, "parent": node.parent.code if node.parent else None,
                                   "title_fr": node.title_fr, "title_en": node.title_en}
    position = len(_siblings(consultation, parent.id if parent else None, exclude=node)) if moved else None
    if created:
        node = Topic(consultation_id=consultation.id)
        db.session.add(node)
    if position is not None:
        node.position = position
    node.code, node.kind, node.parent = values.code, kind, parent
    for name, text in values.texts.items():
        setattr(node, name, text)
    _sync_parts(node, values.themes, values.change_targets)
    db.session.flush()
    record(actor_id, "topic.create" if created else "topic.edit", "topic", node.id, consultation.id,
           code=node.code, parent=parent.code if parent else None, before=before)
    db.session.flush()
    return node


def move(consultation: Consultation, node: Topic, direction: str, actor_id: int) -> bool:
    siblings = sorted(_siblings(consultation, node.parent_id), key=lambda topic: (topic.position, topic.id))
    index = siblings.index(node)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, topic in enumerate(siblings):
        topic.position = position
    record(actor_id, "topic.move", "topic", node.id, consultation.id, code=node.code, direction=direction)
    db.session.flush()
    return True


def delete_node(consultation: Consultation, node: Topic, actor_id: int, messages) -> list[str]:
    """Delete the node and what is under it, unless people wrote about any of them."""
    nodes = subtree(node)
    count = written_about(nodes)
    if count:
        raise TreeRefused("", messages.written_about(count))
    ids = [topic.id for topic in nodes]
    # Generated questions about these nodes have no answer worth keeping (nobody wrote): they go too.
    db.session.execute(delete(Question).where(Question.topic_id.in_(ids)))
    db.session.expire_all()
    for page in db.session.scalars(select(QuestionnairePage).where(QuestionnairePage.topic_id.in_(ids))):
        if not page.questions:  # a page that keeps general questions stays, without its part
            db.session.delete(page)
    codes = [topic.code for topic in nodes]
    for topic in reversed(nodes):  # deepest first
        db.session.delete(topic)
    siblings = sorted(_siblings(consultation, node.parent_id, exclude=node), key=lambda t: (t.position, t.id))
    for position, topic in enumerate(siblings):
        topic.position = position
    record(actor_id, "topic.delete", "topic", node.id, consultation.id, codes=codes)
    db.session.flush()
    return codes

