"""What the scorer learns from, read from the database: the consultation's orientations as they
describe themselves (both languages), and the comments people already placed on them."""
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, Theme, Topic
from ..tree import tree_order
from .documents import Example, OrientationDoc, ThemeDoc

LANGUAGE_FIELDS = ("fr", "en")
# A title says most about an orientation in the fewest words; the rest count as one sentence each.
TITLE_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
# The most recent placed comments the model learns from: more would only slow the rebuild.
MAX_EXAMPLES = 20_000


def _texts(obj, name: str) -> list[str]:
    return [value for value in (getattr(obj, f"{name}_{lang}", "") for lang in LANGUAGE_FIELDS) if value]


def orientation_topics(consultation: Consultation) -> list[Topic]:
    """The orientations of the consultation in reading order, with their targets and themes loaded."""
    topics = db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id)
        .options(selectinload(Topic.change_targets), selectinload(Topic.themes))
    ).all()
    order = tree_order(topics)
    return sorted((topic for topic in topics if topic.kind == "orientation"), key=lambda topic: order[topic.id])


def structure(consultation: Consultation) -> list[OrientationDoc]:
    docs = []
    for topic in orientation_topics(consultation):
        segments = [(text, TITLE_WEIGHT) for text in _texts(topic, "title")]
        segments += [(text, TEXT_WEIGHT) for name in ("summary", "body") for text in _texts(topic, name)]
        for target in topic.change_targets:
            segments += [(text, TEXT_WEIGHT) for text in _texts(target, "text")]
        context = tuple(text for node in topic.ancestors() if node.kind == "axis"
                        for name in ("title", "summary") for text in _texts(node, name))
        themes = tuple(ThemeDoc(theme.id, theme.code, tuple(_texts(theme, "name"))) for theme in topic.themes)
        ancestors = list(topic.ancestors())
        group = ancestors[0].code if ancestors else topic.code  # root first
        docs.append(OrientationDoc(topic.id, topic.code, tuple(segments), context, themes, group))
    return docs


def signature(docs: list[OrientationDoc]) -> str:
    """Changes when any text of the structure does: the model is then rebuilt."""
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(repr((doc.key, doc.code, doc.segments, doc.context, doc.themes)).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class ExampleState:
    """How many comments people placed and coded with a theme, and when last: the model's freshness."""

    placed: int
    last_change: object
    theme_codings: int
    last_coding: int | None


def example_state(consultation: Consultation) -> ExampleState:
    placed, last_change = db.session.execute(
        select(func.count(Comment.id), func.max(Comment.updated_at))
        .where(Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(True))
    ).one()
    theme_codings, last_coding = db.session.execute(
        select(func.count(Coding.id), func.max(Coding.id)).join(Code, Code.id == Coding.code_id)
        .where(Code.consultation_id == consultation.id, Code.theme_id.is_not(None), Coding.blind.is_(False))
    ).one()
    return ExampleState(placed, last_change, theme_codings, last_coding)


def examples(consultation: Consultation, orientation_ids: set[int]) -> list[Example]:
    """The comments people placed on an orientation, each with the first theme of that orientation
    it was coded with, most recent first."""
    rows = db.session.execute(
        select(Comment.id, Comment.text, Comment.topic_id)
        .where(Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(True),
               Comment.topic_id.in_(orientation_ids), Comment.text != "")
        .order_by(Comment.id.desc()).limit(MAX_EXAMPLES)
    ).all()
    if not rows:
        return []
    themes: dict[int, int] = {}
    coded = db.session.execute(
        select(Coding.comment_id, Theme.id, Theme.topic_id)
        .join(Code, Code.id == Coding.code_id).join(Theme, Theme.id == Code.theme_id)
        .where(Code.consultation_id == consultation.id, Coding.blind.is_(False),
               Coding.comment_id.in_(select(Comment.id).where(Comment.consultation_id == consultation.id,
                                                              Comment.topic_confirmed.is_(True))))
        .order_by(Coding.id)
    ).all()
    topic_of = {comment_id: topic_id for comment_id, _, topic_id in rows}
    for comment_id, theme_id, theme_topic_id in coded:
        if topic_of.get(comment_id) == theme_topic_id:
            themes.setdefault(comment_id, theme_id)
    return [Example(text, topic_id, themes.get(comment_id), comment_id) for comment_id, text, topic_id in rows]
