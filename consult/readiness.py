"""Whether each way of taking part can take people now, and what a consultation lacks to open.

One check for every page that speaks of it: the consultation page never says "Open" for a way of
taking part whose own page would refuse people, and the channel views refuse on the same grounds.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .extensions import db
from .models import Channel, Consultation, Question, Questionnaire, QuestionnairePage, Topic


def has_privacy_notice(consultation: Consultation) -> bool:
    """A notice in at least one held language: consent is asked against it."""
    return any((getattr(consultation, f"privacy_notice_{lang}", "") or "").strip()
               for lang in consultation.language_list)


def find_channel(consultation: Consultation, kind: str) -> Channel | None:
    return next((channel for channel in consultation.channels if channel.kind == kind), None)


def _questionnaire(consultation: Consultation) -> Questionnaire | None:
    return db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == consultation.id))


def _question_count(questionnaire: Questionnaire) -> int:
    return db.session.scalar(
        select(func.count(Question.id)).join(QuestionnairePage, Question.page_id == QuestionnairePage.id)
        .where(QuestionnairePage.questionnaire_id == questionnaire.id)) or 0


def channel_state(consultation: Consultation, kind: str, now: datetime) -> str:
    """'open', 'upcoming', 'closed' or 'unavailable' (dates say open but people would be refused).

    A consultation without a channel row for `kind` follows the consultation's own dates.
    """
    channel = find_channel(consultation, kind)
    if consultation.status in ("closed", "archived") or (consultation.closes_at and now >= consultation.closes_at):
        return "closed"
    state = channel.state(now) if channel is not None else ("open" if consultation.is_open(now) else "upcoming")
    if state != "open":
        return state
    if not consultation.is_open(now):
        return "upcoming"
    if not has_privacy_notice(consultation):
        return "unavailable"
    if kind == "questionnaire":
        questionnaire = _questionnaire(consultation)
        if questionnaire is None or questionnaire.status != "published" or not _question_count(questionnaire):
            return "unavailable"
        own = questionnaire.state(now)
        if own != "open":
            return own
    return "open"


def moments(consultation: Consultation) -> list[datetime | None]:
    """Every moment at which a way of taking part may change state: when a kept page must be redone."""
    found = [consultation.opens_at, consultation.closes_at]
    found += [moment for channel in consultation.channels for moment in (channel.opens_at, channel.closes_at)]
    if find_channel(consultation, "questionnaire") is not None:
        questionnaire = _questionnaire(consultation)
        if questionnaire is not None:
            found += [questionnaire.opens_at, questionnaire.closes_at]
    return found


def channel_open(consultation: Consultation, kind: str, now: datetime) -> bool:
    return channel_state(consultation, kind, now) == "open"


@dataclass(frozen=True)
class Missing:
    """One thing a participant needs that is not there yet; `field` names where to fix it."""

    field: str
    message: str


# One sentence per language rather than a language name placed inside a sentence.
MISSING_TITLE = {"fr": _l("The title in French is missing."), "en": _l("The title in English is missing.")}
MISSING_NOTICE = {
    "fr": _l("The privacy notice in French is missing: people cannot consent without it."),
    "en": _l("The privacy notice in English is missing: people cannot consent without it."),
}


def missing_for_opening(consultation: Consultation) -> list[Missing]:
    """Everything that would make a participant hit a closed door once the consultation is open."""
    missing: list[Missing] = []
    languages = consultation.language_list
    for lang in languages:
        if not (getattr(consultation, f"title_{lang}") or "").strip():
            missing.append(Missing(f"title_{lang}", MISSING_TITLE[lang]))
    for lang in languages:
        if not (getattr(consultation, f"privacy_notice_{lang}") or "").strip():
            missing.append(Missing(f"privacy_notice_{lang}", MISSING_NOTICE[lang]))
    if not db.session.scalar(select(func.count(Topic.id)).where(Topic.consultation_id == consultation.id)):
        missing.append(Missing("structure", _l("The proposal is empty: add its parts in the structure editor.")))
    if not consultation.channels:
        missing.append(Missing("channels", _l("No way of taking part is offered.")))
    if find_channel(consultation, "questionnaire") is not None:
        questionnaire = _questionnaire(consultation)
        if questionnaire is None or not _question_count(questionnaire):
            missing.append(Missing("questionnaire", _l(
                "The online questionnaire is offered but has no questions: generate it from the structure.")))
        elif questionnaire.status != "published":
            missing.append(Missing("questionnaire", _l(
                "The online questionnaire is offered but not published.")))
    return missing
