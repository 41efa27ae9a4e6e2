"""The items of one section of the report, as the rows of its tables (one table per kind, as the
reference report's tables of modifications): the statement and its support."""
from dataclasses import dataclass

from ..channels import channel_label
from ..i18n import localized
from ..models import ModificationItem
from .kinds import kind_label
from .support import support_of


@dataclass
class ItemRow:
    number: int
    kind: str
    statement: str
    language: str
    comments: int
    people: int
    channels: str  # "Forum 3, Questionnaire 1"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ItemTable:
    kind: str
    title: str
    rows: list[ItemRow]


def item_tables(items: list[ModificationItem], lang: str) -> list[ItemTable]:
    """The tables of a section, one per kind in the order the kinds first appear; items without support
    are left out (they cannot be published)."""
    tables: dict[str, ItemTable] = {}
    for item in items:
        support = support_of(item, lang, quotes=0)
        if support.empty:
            continue
        statement = localized(item, "statement", lang)
        table = tables.setdefault(item.kind, ItemTable(item.kind, kind_label(item.kind), []))
        table.rows.append(ItemRow(item.id, item.kind, statement.text, statement.lang, support.comments, support.people,
                                  ", ".join(f"{channel_label(channel)} {number}"
                                            for channel, number in support.by_channel)))
    return list(tables.values())
