"""Reading the comments of a consultation for the workspace: the filters, the counts per node of
the tree (axis → orientation → theme, sections, and comments with no topic yet) and the sorted,
paged listing of one node or of everything.

Without filters, the counts are read from the tally the database keeps (analysis.tally). With
filters, they are counted here, in two queries whatever the size of the tree, and kept per worker
for the next look at the same view until a comment, a coding, a code or the tree changes (the
"analysis" change stamp), so paging, coming back to a node or opening a comment costs no counting.
A page of the listing is one query for its ids (which the indexes on (consultation, topic, date)
and (consultation, date) answer) and one for the comments (their rows, analysis.rows, fetch what
they show for the whole page at once).
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, literal, select, tuple_
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, Participant, Theme, Topic
from ..models.base import UTCDateTime
from . import search, stamped, tally
from .search import SearchQuery

PER_PAGE = 25
KEY_FORMAT = "%Y%m%d%H%M%S%f"


@dataclass
class Filters:
    """What the listing is narrowed to; ids are checked against the consultation beforehand."""

    channel: str = ""
    track_id: int | None = None
    category_id: int | None = None
    province: str = ""
    language: str = ""
    prompt: str = ""
    code_id: int | None = None
    theme_id: int | None = None
    coded: str = ""  # "yes", "no" or "" (either)
    visibility: str = "visible"  # visible = not hidden (visible and flagged)
    needs_review: bool = False
    coder_id: int | None = None
    suggestion_pending: bool = False
    no_topic: bool = False
    search: SearchQuery = field(default_factory=SearchQuery)
    sort: str = "newest"


def dialect() -> str:
    return db.session.get_bind().dialect.name


def _non_blind_coding(where):
    """The ids of the comments with a main (non-blind) coding such that `where(coding)`. The coding
    table is aliased: the count queries join it too, and must not correlate with it."""
    coding = aliased(Coding)
    return select(coding.comment_id).where(coding.blind.is_(False), where(coding)).correlate(None)


def conditions(consultation: Consultation, filters: Filters, ranking: bool = False, scan: bool = False,
               few: bool = False) -> list:
    """WHERE conditions on Comment for the consultation and the filters. With `scan`, the
    consultation's indexes are not offered to the planner (`+ 0`, the SQLite idiom): counting every
    comment of a consultation reads the table faster in order than through an index. With `few`, a
    search's matches are known to be few (or the statement stops early): on SQLite the full-text
    index's matches lead, each comment found by its id, instead of the consultation's index read
    from end to end (which SQLite prefers, not knowing how many match: a rare word cost a read of
    every comment)."""
    lead = few and filters.search.ranked and not ranking and dialect() == "sqlite"
    clauses = [(Comment.consultation_id + 0 if scan or lead else Comment.consultation_id) == consultation.id]
    if filters.channel:
        clauses.append(Comment.channel == filters.channel)
    if filters.track_id is not None:
        clauses.append(Comment.track_id == filters.track_id)
    if filters.category_id is not None:
        clauses.append(Comment.participant_id.in_(
            select(Participant.id).where(Participant.consultation_id == consultation.id,
                                         Participant.category_id == filters.category_id)))
    if filters.province:
        clauses.append(Comment.participant_id.in_(
            select(Participant.id).where(Participant.consultation_id == consultation.id,
                                         Participant.region == filters.province)))
    if filters.language:
        clauses.append(Comment.language == filters.language)
    if filters.prompt:
        clauses.append(Comment.prompt == filters.prompt)
    if filters.code_id is not None:
        clauses.append(Comment.id.in_(_non_blind_coding(lambda coding: coding.code_id == filters.code_id)))
    if filters.theme_id is not None:
        theme_codes = select(Code.id).where(Code.consultation_id == consultation.id, Code.kind == "theme",
                                            Code.theme_id == filters.theme_id).correlate(None)
        clauses.append(Comment.id.in_(_non_blind_coding(lambda coding: coding.code_id.in_(theme_codes))))
    if filters.coded:
        coding = aliased(Coding)
        coded = exists().where(coding.comment_id == Comment.id, coding.blind.is_(False))
        clauses.append(coded if filters.coded == "yes" else ~coded)
    if filters.visibility == "visible":
        clauses.append(Comment.visibility != "hidden")
    elif filters.visibility in ("flagged", "hidden"):
        clauses.append(Comment.visibility == filters.visibility)
    if filters.needs_review:
        clauses.append(Comment.needs_review.is_(True))
    if filters.coder_id is not None:
        clauses.append(Comment.id.in_(_non_blind_coding(lambda coding: coding.coder_id == filters.coder_id)))
    if filters.suggestion_pending:
        clauses.append(and_(Comment.suggested_at.is_not(None), Comment.suggestion_reviewed.is_(False)))
    if filters.no_topic:
        clauses.append(Comment.topic_id.is_(None))
    clauses.extend(search.conditions(filters.search, dialect(), ranking=ranking, lead=lead))
    return clauses


# -- the tree and its counts ----------------------------------------------------------------

@dataclass
class Counts:
    total: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    codes: dict[int, int] = field(default_factory=dict)  # modification code id -> comments

    def add(self, other: "Counts") -> None:
        self.total += other.total
        for name, number in other.channels.items():
            self.channels[name] = self.channels.get(name, 0) + number
        for code_id, number in other.codes.items():
            self.codes[code_id] = self.codes.get(code_id, 0) + number

    def channel(self, name: str) -> int:
        return self.channels.get(name, 0)

    def code(self, code_id: int) -> int:
        return self.codes.get(code_id, 0)


@dataclass
class ThemeCount:
    theme: Theme
    counts: Counts


@dataclass
class Node:
    topic: Topic
    depth: int
    own: Counts = field(default_factory=Counts)  # comments placed on this very topic
    counts: Counts = field(default_factory=Counts)  # with those of the topics under it
    children: list["Node"] = field(default_factory=list)
    themes: list[ThemeCount] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Tree:
    roots: list[Node]
    codes: list[Code]  # the modification codes, one column each
    total: Counts
    no_topic: Counts

    def rows(self) -> list[Node]:
        return [node for root in self.roots for node in root.walk()]


def topics_of(consultation: Consultation) -> list[Topic]:
    return stamped.per_request(("topics", consultation.id), lambda: list(db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id).order_by(Topic.position, Topic.id))))


def codes_of(consultation: Consultation) -> list[tuple[Code, int | None]]:
    """Every code of the consultation, in codebook order, with the topic of its theme (None for codes
    of no theme): the counts, the rows and their buttons each take their part of it."""
    return stamped.per_request(("codes", consultation.id), lambda: db.session.execute(
        select(Code, Theme.topic_id).outerjoin(Theme, Theme.id == Code.theme_id)
        .where(Code.consultation_id == consultation.id).order_by(Code.position, Code.id)).all())


def subtree_ids(topic: Topic, topics: list[Topic] | None = None) -> list[int]:
    """The topic and every topic under it (an axis and its orientations)."""
    topics = topics if topics is not None else topics_of(topic.consultation)
    children: dict[int | None, list[int]] = {}
    for item in topics:
        children.setdefault(item.parent_id, []).append(item.id)
    ids, stack = [], [topic.id]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


def modification_codes(consultation: Consultation) -> list[Code]:
    return [code for code, _topic_id in codes_of(consultation)
            if code.kind == "modification" and code.status != "merged"]


def _count(where: list, modification_ids: set[int], theme_of_code: dict[int, int]):
    """({topic id: Counts}, {(topic id, theme id): Counts}) for the comments matching `where`: the
    comments per topic and channel grouped by the database, then the main codings of those comments
    read once and counted here (modification codes per topic; themes by channel and modification
    code), which takes one pass over the codings instead of one join per kind of count."""
    by_topic: dict[int | None, Counts] = {}
    for topic_id, channel, number in db.session.execute(
            select(Comment.topic_id, Comment.channel, func.count()).where(*where)
            .group_by(Comment.topic_id, Comment.channel)):
        counts = by_topic.setdefault(topic_id, Counts())
        counts.total += number
        counts.channels[channel] = number
    if not by_topic or not (modification_ids or theme_of_code):
        return by_topic, {}
    rows = db.session.execute(select(Comment.id, Comment.topic_id, Comment.channel, Coding.code_id)
                              .join(Coding, and_(Coding.comment_id == Comment.id, Coding.blind.is_(False)))
                              .where(*where)).all()
    # Counter and comprehensions keep the loops over tens of thousands of codings in C.
    for (topic_id, code_id), number in Counter(
            (topic_id, code_id) for _, topic_id, _, code_id in rows if code_id in modification_ids).items():
        by_topic[topic_id].codes[code_id] = number
    themed = {(comment_id, topic_id, channel, theme_of_code[code_id])
              for comment_id, topic_id, channel, code_id in rows if code_id in theme_of_code}
    by_theme: dict[tuple, Counts] = {}
    if not themed:
        return by_topic, by_theme
    themed_ids = {item[0] for item in themed}
    modifications: dict[int, list[int]] = {}
    for comment_id, _, _, code_id in rows:
        if code_id in modification_ids and comment_id in themed_ids:
            modifications.setdefault(comment_id, []).append(code_id)
    for (topic_id, theme_id, channel), number in Counter(
            (topic_id, theme_id, channel) for _, topic_id, channel, theme_id in themed).items():
        counts = by_theme.setdefault((topic_id, theme_id), Counts())
        counts.total += number
        counts.channels[channel] = number
    for (topic_id, theme_id, code_id), number in Counter(
            (topic_id, theme_id, code_id) for comment_id, topic_id, _, theme_id in themed
            for code_id in modifications.get(comment_id, ())).items():
        by_theme[(topic_id, theme_id)].codes[code_id] = number
    return by_topic, by_theme


def forget_counts(app, scope: str | None = None) -> None:
    """Drops every kept count and list (after the database was emptied behind the application's back),
    or those kept under `scope` (change_stamps.ANALYSIS: as after a coding)."""
    stamped.forget(app, scope)


def count_tree(consultation: Consultation, filters: Filters, root: Topic | None = None,
               with_themes: bool = True) -> Tree:
    """The tree (or the part under `root`) with the counts of the comments matching the filters."""
    stamped.current_stamp()  # read before what the counts are made of
    topics = topics_of(consultation)
    codes = modification_codes(consultation)
    scope = None
    if root is not None:
        scope = set(subtree_ids(root, topics))
        # A search is counted only when its matches are few (at most SEARCH_COUNT_LIMIT).
        where = conditions(consultation, filters, few=True) + [Comment.topic_id.in_(scope)]
    else:
        where = conditions(consultation, filters, scan=not filters.search.asked, few=True)
    themes: dict[int, list[Theme]] = {}
    theme_of_code: dict[int, int] = {}
    if with_themes:
        for theme in db.session.scalars(select(Theme).join(Topic, Theme.topic_id == Topic.id)
                                        .where(Topic.consultation_id == consultation.id)
                                        .order_by(Theme.position, Theme.id)):
            themes.setdefault(theme.topic_id, []).append(theme)
        theme_of_code = {code.id: code.theme_id for code, _topic_id in codes_of(consultation)
                         if code.kind == "theme" and code.theme_id is not None}
    modification_ids = {code.id for code in codes}
    if tally.applies(filters):
        # Kept by the database as comments and codings change: as cheap at a million comments as at ten.
        by_topic, by_theme = tally.counts(consultation.id, scope, modification_ids, theme_of_code)
    else:
        key = (consultation.id, repr(filters), root.id if root is not None else None, with_themes)
        by_topic, by_theme = stamped.kept(key, lambda: _count(where, modification_ids, theme_of_code))
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)

    def build(topic: Topic, depth: int) -> Node:
        node = Node(topic, depth, own=by_topic.get(topic.id, Counts()))
        node.counts.add(node.own)
        for child in children.get(topic.id, []):
            child_node = build(child, depth + 1)
            node.children.append(child_node)
            node.counts.add(child_node.counts)
        below = [item.topic.id for item in node.walk()]
        for theme in themes.get(topic.id, []):
            counts = Counts()
            for topic_id in below:
                counts.add(by_theme.get((topic_id, theme.id), Counts()))
            node.themes.append(ThemeCount(theme, counts))
        return node

    roots = [build(root, 0)] if root is not None else [build(topic, 0) for topic in children.get(None, [])]
    total = Counts()
    for counts in by_topic.values():
        total.add(counts)
    return Tree(roots=roots, codes=codes, total=total,
                no_topic=by_topic.get(None, Counts()) if scope is None else Counts())


# -- the listing ----------------------------------------------------------------------------

@dataclass
class Listing:
    comments: list[Comment]
    page: int
    pages: int
    total: int
    # More comments match than were counted (a search): `total` is the bound, the pages stop there.
    more: bool = False
    # The sort keys of the first and last rows (newest or oldest first): the previous and next pages
    # start from them rather than from a row number, so that comments added or removed meanwhile
    # neither repeat a row nor skip one. None for the other orders.
    first_key: str | None = None
    last_key: str | None = None

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def _ordered(statement, filters: Filters):
    newest = (Comment.source_date.desc(), Comment.id.desc())
    if filters.sort == "oldest":
        return statement.order_by(Comment.source_date, Comment.id)
    if filters.sort == "relevance" and filters.search.ranked:
        return search.ranked(statement, filters.search, dialect()).order_by(*newest)
    if filters.sort == "confidence":
        return statement.order_by(Comment.suggestion_score.desc().nulls_last(), *newest)
    return statement.order_by(*newest)


def load_comments(ids: list[int]) -> list[Comment]:
    """The comments of `ids`, in that order, in one query (their rows fetch what they show)."""
    if not ids:
        return []
    by_id = {comment.id: comment for comment in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}
    return [by_id[comment_id] for comment_id in ids if comment_id in by_id]


def bounded_count(consultation: Consultation, filters: Filters, limit: int,
                  topic_ids: list[int] | None = None) -> tuple[int, bool]:
    """How many comments match the filters, counted up to `limit`: (limit, True) when more do. The
    database stops at the first `limit + 1` matches, so a common word among a million comments costs
    no more to count than a rare one. On SQLite the full-text matches lead, read in their index's
    order until the bound is reached: the consultation's index read in date order would go to its
    end for a rare word."""
    where = conditions(consultation, filters, few=True)
    if topic_ids is not None:
        where.append(Comment.topic_id.in_(topic_ids))
    found = select(Comment.id).where(*where).limit(limit + 1).subquery()
    number = db.session.scalar(select(func.count()).select_from(found)) or 0
    return min(number, limit), number > limit


def row_key(comment: Comment) -> str:
    """A row's place in the date orders, as a link writes it: its date (UTC, microseconds) and id."""
    return f"{comment.source_date.astimezone(timezone.utc).strftime(KEY_FORMAT)}-{comment.id}"


def parse_key(raw: str | None) -> tuple[datetime, int] | None:
    """(date, id) of a key from a link; None when it is missing or not one (the page is then found by
    its number)."""
    date_part, _, id_part = (raw or "").partition("-")
    if len(date_part) != 20 or not date_part.isdigit() or not id_part.isdigit() or len(id_part) > 12:
        return None
    try:
        return datetime.strptime(date_part, KEY_FORMAT).replace(tzinfo=timezone.utc), int(id_part)
    except ValueError:
        return None


def _keyed(filters: Filters) -> bool:
    return filters.sort in ("newest", "oldest") or (filters.sort == "relevance" and not filters.search.ranked)


def _seek(statement, filters: Filters, after=None, before=None):
    """The rows after the key `after` (the next page) or before `before` (the previous page, read
    backwards), in the listing's date order: an index seek instead of OFFSET's reading of every row
    that comes first."""
    newest = filters.sort != "oldest"
    date, comment_id = after or before
    later = tuple_(Comment.source_date, Comment.id) > tuple_(literal(date, UTCDateTime()), comment_id)
    earlier = tuple_(Comment.source_date, Comment.id) < tuple_(literal(date, UTCDateTime()), comment_id)
    forward = after is not None
    statement = statement.where(earlier if newest == forward else later)
    ascending = newest != forward
    if ascending:
        return statement.order_by(Comment.source_date, Comment.id)
    return statement.order_by(Comment.source_date.desc(), Comment.id.desc())


def list_comments(consultation: Consultation, filters: Filters, total: int, topic_ids: list[int] | None = None,
                  page: int = 1, more: bool = False, after: str | None = None, before: str | None = None) -> Listing:
    """One page of the comments matching the filters (under the topics `topic_ids` if given).
    `total` is their number, known from the counts shown with the list (or its bound, with `more`).
    In the date orders, `after` (or `before`) is the key of the row the page follows (or precedes):
    `page` then only numbers the rows."""
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    ranking = filters.sort == "relevance" and filters.search.ranked
    # Beyond the bound, the newest matches come from the consultation's index read in date order,
    # which stops at the page; within it, from the few matches, sorted.
    where = conditions(consultation, filters, ranking=ranking, few=not more)
    if topic_ids is not None:
        where.append(Comment.topic_id.in_(topic_ids))
    ids = []
    keyed = _keyed(filters)
    seek_after, seek_before = (parse_key(after), parse_key(before)) if keyed else (None, None)
    if total and (seek_after or seek_before):
        statement = _seek(select(Comment.id).where(*where), filters, seek_after, None if seek_after else seek_before)
        ids = list(db.session.scalars(statement.limit(PER_PAGE)))
        if seek_before and not seek_after:
            ids.reverse()
    elif total:
        statement = _ordered(select(Comment.id).where(*where), filters)
        ids = list(db.session.scalars(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    comments = load_comments(ids)
    first_key = row_key(comments[0]) if keyed and comments else None
    last_key = row_key(comments[-1]) if keyed and comments else None
    return Listing(comments=comments, page=page, pages=pages, total=total, more=more,
                   first_key=first_key, last_key=last_key)
