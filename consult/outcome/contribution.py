""""Your contribution" on My data: for each of a person's comments, the items it supports and, once
the outcome is published, the decision taken on each."""
from dataclasses import dataclass

from ..i18n import Localized, localized
from ..items.decisions import response_label
from ..items.services import items_of_comments
from ..models import Comment, Consultation
from .services import outcome_of


@dataclass
class Contribution:
    item_id: int
    statement: Localized
    decision: str  # "" while no decision is published
    reason: Localized | None


def contributions(consultation: Consultation, comments: list[Comment]) -> dict[int, list[Contribution]]:
    outcome = outcome_of(consultation)
    published = outcome is not None and outcome.is_published
    found = {}
    for comment_id, items in items_of_comments([comment.id for comment in comments]).items():
        found[comment_id] = [
            Contribution(item.id, localized(item, "statement"),
                         response_label(item.decision.response) if published and item.decision else "",
                         localized(item.decision, "reason") if published and item.decision else None)
            for item in items]
    return found
