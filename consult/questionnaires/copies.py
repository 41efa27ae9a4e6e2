"""A copy of the answers as a person reads them: the review page, the receipt, "My data" and the staff's
reading of a response."""
from dataclasses import dataclass

from ..i18n import localized
from ..models import (
    Answer,
    Question,
    QuestionnairePage,
    Topic,
)
from .responding import groups_of


@dataclass
class CopyItem:
    question: Question
    label: object  # Localized
    text: str  # the answer as text ("" when not answered)


@dataclass
class CopyGroup:
    topic: Topic | None
    title: object  # Localized, or "" for a general question
    items: list[CopyItem]


@dataclass
class CopySection:
    number: int
    page: QuestionnairePage
    title: object
    groups: list[CopyGroup]

    @property
    def answered(self) -> bool:
        return any(item.text for group in self.groups for item in group.items)


def answer_text(question: Question, answer: Answer | None, lang: str | None = None) -> str:
    if answer is None or answer.is_empty:
        return ""
    if question.is_text:
        return answer.value.strip()
    labels = {option["value"]: answer_text_of_option(option, lang) for option in question.options or []}
    if question.is_multiple:
        return "; ".join(labels.get(value, value) for value in answer.choices or [])
    return labels.get(answer.value, answer.value)


def answer_text_of_option(option: dict, lang: str | None = None) -> str:
    return localized(_Option(option), "label", lang).text


class _Option:
    """An option dict read like a model, for `localized`."""

    def __init__(self, option: dict):
        self.label_fr = option.get("label_fr", "")
        self.label_en = option.get("label_en", "")


def answer_sections(pages: list[QuestionnairePage], answers: dict[int, Answer],
                    lang: str | None = None) -> list[CopySection]:
    sections = []
    for number, page in enumerate(pages, start=1):
        groups = []
        for group in groups_of(page):
            title = topic_title(group.topic, lang) if group.topic is not None else ""
            items = [CopyItem(question, localized(question, "label", lang),
                              answer_text(question, answers.get(question.id), lang)) for question in group.questions]
            groups.append(CopyGroup(group.topic, title, items))
        sections.append(CopySection(number, page, localized(page, "title", lang), groups))
    return sections


def topic_title(topic: Topic, lang: str | None = None):
    return localized(topic, "title", lang)
