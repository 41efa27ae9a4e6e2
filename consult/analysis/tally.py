"""The counts of the analysis views read from `comment_tally`, which triggers keep as comments and
codings change (see CommentTally): a view of the visible comments, not narrowed by any filter, costs
a read of a few hundred rows whatever the number of comments. Any other filter is counted from the
comments themselves (queries._count)."""
from dataclasses import replace

from sqlalchemy import select

from ..extensions import db
from ..models import CommentTally


def applies(filters) -> bool:
    """Whether the tally holds the counts for these filters: the visible comments, nothing else
    narrowing them (the order of the list does not change a count)."""
    from .queries import Filters

    return replace(filters, sort="newest") == Filters()


def counts(consultation_id: int, scope: set[int] | None, modification_ids: set[int],
           theme_of_code: dict[int, int]):
    """({topic id or None: Counts}, {(topic id, theme id): Counts}), as queries._count makes them for
    the visible comments, for the topics of `scope` (every topic and none when None)."""
    from .queries import Counts

    statement = select(CommentTally.topic_id, CommentTally.code_id, CommentTally.channel,
                       CommentTally.other_code_id, CommentTally.n).where(
        CommentTally.consultation_id == consultation_id, CommentTally.n != 0)
    if scope is not None:
        statement = statement.where(CommentTally.topic_id.in_(scope))
    by_topic: dict[int | None, Counts] = {}
    by_theme: dict[tuple, Counts] = {}
    pairs = []
    coded = []
    for topic_id, code_id, channel, other_code_id, number in db.session.execute(statement):
        topic = topic_id or None
        if code_id == 0:
            topic_counts = by_topic.setdefault(topic, Counts())
            topic_counts.total += number
            topic_counts.channels[channel] = number
        elif other_code_id == 0:
            coded.append((topic, code_id, channel, number))
        else:
            pairs.append((topic, code_id, other_code_id, number))
    for topic, code_id, channel, number in coded:
        if code_id in modification_ids and topic in by_topic:
            codes = by_topic[topic].codes
            codes[code_id] = codes.get(code_id, 0) + number
        theme_id = theme_of_code.get(code_id)
        if theme_id is not None:
            theme_counts = by_theme.setdefault((topic, theme_id), Counts())
            theme_counts.total += number
            theme_counts.channels[channel] = theme_counts.channels.get(channel, 0) + number
    for topic, code_id, other_code_id, number in pairs:
        theme_id = theme_of_code.get(code_id)
        if theme_id is not None and other_code_id in modification_ids and (topic, theme_id) in by_theme:
            codes = by_theme[(topic, theme_id)].codes
            codes[other_code_id] = codes.get(other_code_id, 0) + number
    return by_topic, by_theme
