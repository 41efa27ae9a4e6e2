"""What the public outcome page shows, read at every rendering (a withdrawn quotation consent or an
erasure takes effect at once)."""
from dataclasses import dataclass

from ..i18n import Localized, localized
from ..items.kinds import kind_label
from ..items.services import items_of
from ..items.support import Support, support_of
from ..models import Consultation, ConsultationOutcome, ModificationItem, ReportVersion, Topic
from ..tree import load_tree
from . import services
from .level import level_meaning, level_name


@dataclass
class ItemView:
    item: ModificationItem
    statement: Localized
    kind: str
    support: Support


@dataclass
class Section:
    topic: Topic
    title: Localized
    items: list[ItemView]


@dataclass
class OutcomePage:
    consultation: Consultation
    outcome: ConsultationOutcome | None
    level: str
    level_meaning: str
    could: Localized | None
    could_not: Localized | None
    figures: services.Figures
    sections: list[Section]
    final: ReportVersion | None


def build(consultation: Consultation, lang: str) -> OutcomePage:
    outcome = services.outcome_of(consultation)
    by_topic: dict[int, list[ItemView]] = {}
    for item in items_of(consultation):
        if not services.shown_publicly(item, outcome):
            continue
        support = support_of(item, lang)
        if support.empty:
            continue
        by_topic.setdefault(item.topic_id, []).append(
            ItemView(item, localized(item, "statement", lang), kind_label(item.kind), support))
    sections = [Section(topic, localized(topic, "title", lang), by_topic[topic.id])
                for topic in load_tree(consultation).reading_order if topic.id in by_topic]
    return OutcomePage(
        consultation=consultation, outcome=outcome, level=level_name(outcome, lang),
        level_meaning=level_meaning(outcome),
        could=localized(outcome, "could_influence", lang) if outcome else None,
        could_not=localized(outcome, "could_not_influence", lang) if outcome else None,
        figures=services.figures(consultation), sections=sections, final=services.final_version(consultation))
