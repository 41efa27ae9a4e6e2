"""Full-text search of comments, ignoring accents and case in French and English.

What a person types is parsed here into terms, never handed to the database: words (matched as
prefixes, so "médecin" finds "médecins"), "quoted phrases", -excluded words or phrases, and OR
between two terms. Every term is normalised with `search_form` and reduced to its letters and
digits; the query of each dialect is then written from those tokens alone:

- SQLite: an FTS5 expression over the `comment_search` table, each token inside double quotes;
- PostgreSQL: a tsquery for the comment's `search_vector`, `to_tsvector('simple', search_text)` kept
  in a stored column with a GIN index on it (migration 0022).

Terms are joined by AND; "a OR b c" means (a OR b) AND c. Whatever the input (stray quotes and
operators, `*`, NEAR, parentheses, SQL, emoji, pages of text), the result is a query that runs, or
no query at all when nothing searchable is left.
"""
import re
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, false, func, literal_column, not_, text

from ..database import COMMENT_SEARCH_VECTOR
from ..models import Comment
from .text import search_form

MAX_TERMS = 20
MAX_TOKEN_LENGTH = 60
OR_WORDS = ("OR", "OU", "|")
# A word of letters and digits: what both full-text indexes split text into.
TOKEN = re.compile(r"[^\W_]+")
# An optional minus, then a quoted phrase (the closing quote may be missing) or a bare word.
ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "‟": '"', "″": '"'})


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]
    # A typed word matches as a prefix ("médecin" finds "médecins"); a quoted phrase exactly.
    prefix: bool


@dataclass
class SearchQuery:
    raw: str = ""
    # AND of groups, each group an OR of terms.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # More terms were typed than are searched.
    truncated: bool = False

    @property
    def asked(self) -> bool:
        """Something was typed in the search box."""
        return bool(self.raw.strip())

    @property
    def searchable(self) -> bool:
        return bool(self.groups or self.excluded)

    @property
    def ranked(self) -> bool:
        """Relevance can order the results: there are words to look for, not only words to exclude."""
        return bool(self.groups)


def _tokens(piece: str) -> tuple[str, ...]:
    return tuple(token[:MAX_TOKEN_LENGTH] for token in TOKEN.findall(search_form(piece)))


def parse(raw: str | None) -> SearchQuery:
    """The terms of what was typed in the search box."""
    raw = raw or ""
    query = SearchQuery(raw=raw)
    items: list[tuple[str, object]] = []  # ("or", None) or ("term", (Term, excluded))
    count = 0
    for match in ITEM.finditer(raw.translate(QUOTES)):
        minus, phrase, word = match.groups()
        if word is not None and word in OR_WORDS:
            items.append(("or", None))
            continue
        if word is not None:
            excluded = word.startswith("-")
            tokens = _tokens(word.lstrip("-"))
            # "l'équipe" or "co-design" is one typed word made of several tokens: a phrase whose
            # last token is still a prefix.
            term = Term(tokens, prefix=True)
        else:
            excluded = bool(minus)
            tokens = _tokens(phrase)
            term = Term(tokens, prefix=False)
        if not tokens:
            continue
        if count == MAX_TERMS:
            query.truncated = True
            break
        count += 1
        items.append(("term", (term, excluded)))
    pending_or = False
    for kind, value in items:
        if kind == "or":
            pending_or = True
            continue
        term, excluded = value
        if excluded:
            query.excluded.append(term)
        elif pending_or and query.groups:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    return query


# -- SQLite FTS5 ----------------------------------------------------------------------------

def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")


def _fts5_any(terms: list[Term]) -> str:
    return "(" + " OR ".join(_fts5_term(term) for term in terms) + ")"


def fts5_expression(groups: list[list[Term]]) -> str:
    return " AND ".join(_fts5_any(group) for group in groups)


def _fts5_matches(expression: str):
    return text("SELECT rowid FROM comment_search WHERE comment_search MATCH :expression") \
        .bindparams(expression=expression).columns(rowid=Integer)


# -- PostgreSQL tsquery ---------------------------------------------------------------------

def _ts_term(term: Term) -> str:
    tokens = list(term.tokens)
    if term.prefix:
        tokens[-1] += ":*"
    return "(" + " <-> ".join(tokens) + ")"


def _ts_any(terms: list[Term]) -> str:
    return "(" + " | ".join(_ts_term(term) for term in terms) + ")"


def tsquery_expression(groups: list[list[Term]]) -> str:
    return " & ".join(_ts_any(group) for group in groups)


def _ts_vector():
    # The stored words, not to_tsvector(search_text): a filter that looks at thousands of rows
    # (a common word's first page, a count stopped at its bound) would compute it for each.
    # PostgreSQL only, outside the models: COMMENT_SEARCH_VECTOR in consult/database.py.
    return literal_column(f"comment.{COMMENT_SEARCH_VECTOR}")


def _ts_query(expression: str):
    return func.to_tsquery(literal_column("'simple'"), expression)


# -- what the listing uses ------------------------------------------------------------------

def _fts5_query(query: SearchQuery) -> str:
    """The words to find, less the excluded ones, as one FTS5 expression (two MATCH on the same
    table in one statement do not combine reliably)."""
    expression = fts5_expression(query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {_fts5_any(query.excluded)}"
    return expression


def _tsquery(query: SearchQuery) -> str:
    expression = tsquery_expression(query.groups)
    if query.excluded:
        expression = f"({expression}) & !{_ts_any(query.excluded)}"
    return expression


def conditions(query: SearchQuery, dialect: str, ranking: bool = False, lead: bool = False) -> list:
    """WHERE conditions on Comment for the search; a condition that is always false when the
    search box holds nothing that can be searched. With `ranking` on SQLite, the match is left to
    the join that `ranked` adds. With `lead` on SQLite, the matches are a table of the statement,
    joined on the comment's id: read first, in the index's order, each comment found by its id, and
    never gathered whole (a statement that stops at a bound stops reading them)."""
    if not query.asked:
        return []
    if not query.searchable:
        return [false()]
    if dialect == "postgresql":
        if query.groups:
            return [_ts_vector().op("@@")(_ts_query(_tsquery(query)))]
        return [not_(_ts_vector().op("@@")(_ts_query(_ts_any(query.excluded))))]
    if not query.groups:
        return [Comment.id.not_in(_fts5_matches(_fts5_any(query.excluded)))]
    if ranking:
        return []
    if lead:
        return [Comment.id == _fts5_matches(_fts5_query(query)).subquery("matches").c.rowid]
    return [Comment.id.in_(_fts5_matches(_fts5_query(query)))]


def ranked(statement, query: SearchQuery, dialect: str):
    """`statement` (a select of comments filtered with `conditions(..., ranking=True)`) restricted to
    the matches and ordered by relevance, best first."""
    if not query.ranked:
        return statement
    if dialect == "postgresql":
        score = func.ts_rank(_ts_vector(), _ts_query(_tsquery(query)))
        return statement.order_by(score.desc())
    # bm25(): lower is better. The FTS5 table is read once, with its scores, and joined.
    scores = text("SELECT rowid, bm25(comment_search) AS score FROM comment_search "
                  "WHERE comment_search MATCH :expression") \
        .bindparams(expression=_fts5_query(query)) \
        .columns(rowid=Integer, score=Float).subquery("search_scores")
    return statement.join(scores, scores.c.rowid == Comment.id).order_by(scores.c.score)

