"""The closed loop in the demo: modification items resting on coded comments from several channels,
a reviewed and final report version, decisions on some items, a stated level of participation and a
published outcome, so that the whole cycle can be seen at first start.

Content written here is demo content (bilingual, like the reference consultation's report), not
interface strings.
"""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..items.decisions import DecisionInput, record_decision
from ..items.services import Statement, create_item, items_of
from ..models import Coding, Comment, Consultation, Topic
from . import review, services

# (orientation, kind, statement fr, statement en, decision or None: (response, reason fr, reason en, landing fr, en))
ITEMS = (
    ("1.1", "clarify",
     "Préciser que l'affiliation se fait à une équipe tout en préservant la continuité relationnelle avec un "
     "professionnel désigné.",
     "Make clear that people are attached to a team while keeping relational continuity with a named "
     "professional.",
     ("retained", "La continuité relationnelle est un fondement de la politique.",
      "Relational continuity is a foundation of the policy.",
      "Orientation 1.1, deuxième paragraphe révisé.", "Orientation 1.1, second paragraph revised.")),
    ("1.1", "strengthen",
     "Mesurer les délais d'accès de la même façon partout et les rendre publics.",
     "Measure access times the same way everywhere and make them public.",
     ("partly", "Les délais seront publiés par région; la mesure commune demande des travaux avec les "
                "établissements.", "Times will be published by region; a common measure needs work with the "
                                   "institutions.",
      "Nouvelle cible de changement 1.1-C4.", "New change target 1.1-C4.")),
    ("1.4", "strengthen",
     "Retirer les obstacles réglementaires au plein exercice des champs de pratique.",
     "Remove the regulatory obstacles to the full scope of practice.",
     ("under_study", "Une analyse juridique est en cours avec les ordres professionnels.",
      "A legal analysis is under way with the professional orders.", "", "")),
    ("2.2", "clarify",
     "Préciser comment les comités d'usagers influencent concrètement l'organisation des services.",
     "Explain how users' committees actually influence the organisation of services.", None),
    ("4.1", "strengthen",
     "Prévoir un accompagnement des personnes peu à l'aise avec les outils numériques.",
     "Provide support for people who are not at ease with digital tools.",
     ("retained", "Ajouté aux actions de l'orientation 4.1.", "Added to the actions of orientation 4.1.",
      "Orientation 4.1, nouvelle action.", "Orientation 4.1, new action.")),
)
SUPPORT_PER_ITEM = 6
LEVEL = {
    "participation_level": "consultation",
    "could_influence_fr": "La formulation des orientations, les cibles de changement et les actions prioritaires.",
    "could_influence_en": "The wording of the orientations, the change targets and the priority actions.",
    "could_not_influence_fr": "Le budget de la politique et les lois en vigueur.",
    "could_not_influence_en": "The policy's budget and the laws in force.",
}


def _candidates(consultation: Consultation, code: str, kind: str) -> list[Comment]:
    """Visible comments of an orientation coded for this kind's table, taken across channels in turn."""
    comments = db.session.scalars(
        select(Comment).join(Topic, Comment.topic_id == Topic.id)
        .where(Comment.consultation_id == consultation.id, Topic.code == code, Comment.visibility == "visible")
        .options(selectinload(Comment.codings).selectinload(Coding.code)).order_by(Comment.id)).all()
    by_channel: dict[str, list[Comment]] = defaultdict(list)
    for comment in comments:
        if any(not coding.blind and coding.code.report_group == kind for coding in comment.codings):
            by_channel[comment.channel].append(comment)
    if not by_channel:  # no coded comment of that kind: any comment of the orientation
        for comment in comments:
            by_channel[comment.channel].append(comment)
    mixed = []
    while any(by_channel.values()) and len(mixed) < SUPPORT_PER_ITEM:
        for channel in sorted(by_channel):
            if by_channel[channel] and len(mixed) < SUPPORT_PER_ITEM:
                mixed.append(by_channel[channel].pop(0))
    return mixed


def seed_outcome(consultation: Consultation, now: datetime, coordinator_id: int | None = None) -> int:
    """Items, decisions, a final version and the published outcome; nothing if items exist. Returns the
    number of items made."""
    if items_of(consultation):
        return 0
    topics = {topic.code: topic for topic in consultation.topics}
    made = []
    for code, kind, statement_fr, statement_en, decision in ITEMS:
        topic = topics.get(code)
        support = _candidates(consultation, code, kind) if topic is not None else []
        if not support:
            continue
        item = create_item(consultation, topic, kind, Statement(statement_fr, statement_en), coordinator_id,
                           [comment.id for comment in support])
        made.append((item, decision))
    outcome = services.outcome_of(consultation, create=True)
    for name, value in LEVEL.items():
        setattr(outcome, name, value)
    for item, decision in made:
        if decision is not None:
            response, reason_fr, reason_en, landing_fr, landing_en = decision
            record_decision(item, DecisionInput(response, reason_fr, reason_en, landing_fr, landing_en), coordinator_id,
                            now)
    if not made:
        return 0
    reviewer = review.add_reviewer(consultation, "partenaire.demo@example.org", "fr", True, coordinator_id)
    first = review.freeze(consultation, coordinator_id, now)
    section = review.section_keys(first)[1] if len(review.section_keys(first)) > 1 else review.INTRO
    remark = review.comment(first, reviewer, section, "Nommer qui publiera les délais d'accès, et à quelle "
                                                     "fréquence.", now)
    review.give_verdict(first, reviewer, "changes", now)
    review.answer(remark, "Ajouté dans la version 2 : publication trimestrielle par région.", True, coordinator_id,
                  now)
    second = review.freeze(consultation, coordinator_id, now)
    review.give_verdict(second, reviewer, "approved", now)
    review.mark_final(second, coordinator_id, now)
    services.publish(consultation, coordinator_id, now)
    return len(made)
