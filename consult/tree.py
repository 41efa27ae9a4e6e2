"""A consultation's topic tree: loading it, its reading order, each topic's depth, and the one way a
topic is labelled in a list of choices. Every area walks the tree through here."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .extensions import db
from .i18n import localized
from .models import Consultation, Topic


@dataclass
class Tree:
    """The whole policy tree loaded in three queries, with navigation helpers."""

    roots: list[Topic]
    by_code: dict[str, Topic]
    reading_order: list[Topic]

    def neighbours(self, topic: Topic) -> tuple[Topic | None, Topic | None]:
        index = self.reading_order.index(topic)
        before = self.reading_order[index - 1] if index > 0 else None
        after = self.reading_order[index + 1] if index + 1 < len(self.reading_order) else None
        return before, after

    @property
    def axes(self) -> list[Topic]:
        return [topic for topic in self.roots if topic.kind == "axis"]

    @property
    def sections(self) -> list[Topic]:
        return [topic for topic in self.roots if topic.kind == "section"]

    @property
    def has_change_targets(self) -> bool:
        """Optional parts of a node are shown only when the consultation uses them."""
        return any(topic.change_targets for topic in self.reading_order)

    @property
    def has_themes(self) -> bool:
        return any(topic.themes for topic in self.reading_order)

    def fallback_languages(self, lang: str) -> list[str]:
        """The other languages some of the tree's texts are shown in, when missing in `lang`: a page
        showing the whole tree says so once instead of after every text."""
        found = set()
        for topic in self.reading_order:
            parts = [(topic, "title"), (topic, "summary"), (topic, "body")]
            parts += [(target, "text") for target in topic.change_targets]
            parts += [(theme, "name") for theme in topic.themes]
            for obj, name in parts:
                if not getattr(obj, f"{name}_{lang}", "") and any(
                        getattr(obj, f"{name}_{other}", "") for other in ("fr", "en") if other != lang):
                    found.update(other for other in ("fr", "en") if other != lang)
        return sorted(found)


def load_tree(consultation: Consultation) -> Tree:
    topics = db.session.scalars(
        select(Topic)
        .where(Topic.consultation_id == consultation.id)
        .options(selectinload(Topic.themes), selectinload(Topic.change_targets), selectinload(Topic.children))
        .order_by(Topic.position)
    ).all()
    return build(topics)


def load_outline(consultation: Consultation) -> Tree:
    """The tree's topics alone, in one query: what a single topic's page needs to place itself and
    link to its neighbours. The page's own themes, change targets and children load on access (three
    small queries), instead of every topic's: the whole tree's ran to six times as many rows to load."""
    topics = db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id).order_by(Topic.position, Topic.id)
    ).all()
    return build(topics)


def build(topics: list[Topic]) -> Tree:
    """Reading order from parent ids (not from `children`, which may not be loaded)."""
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    order: list[Topic] = []

    def walk(nodes):
        for node in nodes:
            order.append(node)
            walk(children.get(node.id, []))

    roots = children.get(None, [])
    walk(roots)
    return Tree(roots=roots, by_code={topic.code: topic for topic in topics}, reading_order=order)


def tree_order(topics) -> dict[int, int]:
    """{topic id: rank} in reading order of a consultation's tree (parents before children, by position)."""
    tree = build(sorted(topics, key=lambda topic: (topic.position, topic.id)))
    return {topic.id: rank for rank, topic in enumerate(tree.reading_order)}


def with_depth(topics) -> list[tuple[Topic, int]]:
    """(topic, depth) pairs in reading order, the roots at depth 0."""
    by_id = {topic.id: topic for topic in topics}
    pairs = []
    for topic in build(sorted(topics, key=lambda topic: (topic.position, topic.id))).reading_order:
        depth, parent = 0, topic.parent_id
        while parent is not None and parent in by_id:
            depth, parent = depth + 1, by_id[parent].parent_id
        pairs.append((topic, depth))
    return pairs


def topic_options(consultation: Consultation) -> list[tuple[Topic, int]]:
    """Every section, axis and orientation in reading order, with its depth in the tree."""
    return with_depth(load_tree(consultation).reading_order)


def topic_label(topic: Topic) -> str:
    """A topic in a list of choices: its code and title."""
    return f"{topic.code} – {localized(topic, 'title').text}"


def topic_choices(topics) -> list[SelectChoice]:
    """(topic, depth) pairs in reading order, labelled with their codes."""
    return [SelectChoice(topic.id, topic_label(topic)) for topic, _depth in topics]
