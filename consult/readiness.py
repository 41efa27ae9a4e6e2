"""Whether each way of taking part can take people now, and what a consultation lacks to open.

One check for every page that speaks of it: the consultation page never says "Open" for a way of
taking part whose own page would refuse people, and the channel views refuse on the same grounds.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
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


MISSING_LEVELS = {
    "fr": _l("The names of the proposal's levels in French are missing: add them on the page of the "
             "consultation's words."),
    "en": _l("The names of the proposal's levels in English are missing: add them on the page of the "
             "consultation's words."),
}
MISSING_PROMPTS = {
    "fr": _l("Some of the questions asked about each part have no wording in French: complete them on the page "
             "of the consultation's words."),
    "en": _l("Some of the questions asked about each part have no wording in English: complete them on the page "
             "of the consultation's words."),
}


def _untitled_topics(count: int, lang: str):
    if lang == "fr":
        return _ln("%(num)d part of the proposal has no title in French.",
                   "%(num)d parts of the proposal have no title in French.", count)
    return _ln("%(num)d part of the proposal has no title in English.",
               "%(num)d parts of the proposal have no title in English.", count)


def _unworded_questions(count: int, lang: str):
    if lang == "fr":
        return _ln("%(num)d question of the questionnaire has no wording in French.",
                   "%(num)d questions of the questionnaire have no wording in French.", count)
    return _ln("%(num)d question of the questionnaire has no wording in English.",
               "%(num)d questions of the questionnaire have no wording in English.", count)


def _missing_in_languages(consultation: Consultation, questionnaire: Questionnaire | None) -> list[Missing]:
    """The texts a participant reads in each language the consultation is held in: a language added
    after the consultation was made starts with none of them, and its pages would fall back to the other."""
    missing: list[Missing] = []
    for lang in consultation.language_list:
        if any(not ((level.get(number) or {}).get(lang) or "").strip()
               for level in consultation.vocabulary.levels for number in ("singular", "plural")):
            missing.append(Missing(f"words_{lang}", MISSING_LEVELS[lang]))
        if any(not ((prompt.get("label") or {}).get(lang) or "").strip() for prompt in consultation.prompt_set):
            missing.append(Missing(f"words_{lang}", MISSING_PROMPTS[lang]))
        title = getattr(Topic, f"title_{lang}")
        untitled = db.session.scalar(select(func.count(Topic.id)).where(
            Topic.consultation_id == consultation.id, func.trim(func.coalesce(title, "")) == ""))
        if untitled:
            missing.append(Missing("structure", _untitled_topics(untitled, lang)))
        if questionnaire is not None:
            label = getattr(Question, f"label_{lang}")
            unworded = db.session.scalar(
                select(func.count(Question.id)).join(QuestionnairePage, Question.page_id == QuestionnairePage.id)
                .where(QuestionnairePage.questionnaire_id == questionnaire.id,
                       func.trim(func.coalesce(label, "")) == ""))
            if unworded:
                missing.append(Missing("questionnaire", _unworded_questions(unworded, lang)))
    return missing


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
    questionnaire = _questionnaire(consultation) if find_channel(consultation, "questionnaire") is not None else None
    missing.extend(_missing_in_languages(consultation, questionnaire))
    if find_channel(consultation, "questionnaire") is not None:
        if questionnaire is None or not _question_count(questionnaire):
            missing.append(Missing("questionnaire", _l(
                "The online questionnaire is offered but has no questions: generate it from the structure.")))
        elif questionnaire.status != "published":
            missing.append(Missing("questionnaire", _l(
                "The online questionnaire is offered but not published.")))
    return missing
