"""Read-side queries for the public pages."""
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Consultation, Topic

# Which view takes part through a channel; a channel whose view is not installed is described, not linked.
CHANNEL_ENDPOINTS = {
    "forums": "forums.index",
    "questionnaire": "questionnaires.start",
    "submissions": "submissions.new",
}


@dataclass
class ConsultationListing:
    open: list[Consultation]
    upcoming: list[Consultation]
    past: list[Consultation]


def list_consultations(now: datetime) -> ConsultationListing:
    consultations = db.session.scalars(
        select(Consultation).where(Consultation.status != "draft").order_by(Consultation.opens_at.desc())
    ).all()
    listing = ConsultationListing([], [], [])
    for consultation in consultations:
        if consultation.is_open(now):
            listing.open.append(consultation)
        elif consultation.status == "open" and consultation.opens_at and now < consultation.opens_at:
            listing.upcoming.append(consultation)
        else:
            listing.past.append(consultation)
    return listing


def get_public_consultation(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.is_public:
        abort(404)
    return consultation


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
    return _tree(topics)


def load_outline(consultation: Consultation) -> Tree:
    """The tree's topics alone, in one query: what a single topic's page needs to place itself and
    link to its neighbours. The page's own themes, change targets and children load on access (three
    small queries), instead of every topic's: the whole tree's ran to six times as many rows to load."""
    topics = db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id).order_by(Topic.position, Topic.id)
    ).all()
    return _tree(topics)


def _tree(topics: list[Topic]) -> Tree:
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


def channel_view(kind: str, view_functions) -> str | None:
    endpoint = CHANNEL_ENDPOINTS.get(kind)
    return endpoint if endpoint in view_functions else None
