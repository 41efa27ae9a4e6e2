"""Computing, storing and reviewing orientation suggestions.

Suggestions are only ever offered: a comment moves when an analyst accepts one (or picks another
place), never by itself. Accepting claims the comment's revision like every other change an analyst
makes (`analysis.coding.claim`), so a page shown before someone else's change is refused (409) and
nothing is applied.

The model of a consultation is built on demand and kept in this process under a key made of the
structure's texts and the state of the placed comments (how many, last change, theme codings): any
comment placed, moved or coded since makes the next computation rebuild it, which takes about a second.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from .. import audit
from ..analysis import coding
from ..analysis.codebook import ensure_codebook
from ..extensions import db
from ..models import Code, Coding, Comment, CommentSuggestion, Consultation, Theme, Topic
from ..tree import tree_order
from . import corpus

if TYPE_CHECKING:
    from .scorer import Scorer

TOP = 3
BATCH = 2000
PER_PAGE = 20
SORTS = ("confident", "uncertain")
MAX_CACHED_MODELS = 8

_models: "OrderedDict[int, tuple[tuple, Scorer]]" = OrderedDict()
_models_lock = threading.Lock()

StaleRevision = coding.StaleRevision
InvalidChoice = coding.InvalidChoice


# -- the model ---------------------------------------------------------------------------------------

def scorer_for(consultation: Consultation) -> "Scorer | None":
    """The consultation's model, rebuilt only when its structure or placed comments changed; None when
    the consultation has no orientation to suggest."""
    docs = corpus.structure(consultation)
    if not docs:
        return None
    key = (corpus.signature(docs), corpus.example_state(consultation))
    with _models_lock:
        cached = _models.get(consultation.id)
        if cached is not None and cached[0] == key:
            _models.move_to_end(consultation.id)
            return cached[1]
    from .scorer import Scorer  # numpy, scipy and scikit-learn load with the first model, not with the app

    scorer = Scorer(docs, corpus.examples(consultation, {doc.key for doc in docs}))
    with _models_lock:
        _models[consultation.id] = (key, scorer)
        _models.move_to_end(consultation.id)
        while len(_models) > MAX_CACHED_MODELS:
            _models.popitem(last=False)
    return scorer


def forget_models() -> None:
    with _models_lock:
        _models.clear()


# -- computing ---------------------------------------------------------------------------------------

def _store(rows: list[tuple[int, str]], scorer: "Scorer", now: datetime) -> None:
    ids = [comment_id for comment_id, _ in rows]
    results = scorer.suggest([text for _, text in rows], top=TOP)
    suggestion_rows, comment_rows = [], []
    for comment_id, suggestions in zip(ids, results, strict=True):
        for rank, suggestion in enumerate(suggestions, start=1):
            suggestion_rows.append({"comment_id": comment_id, "rank": rank, "topic_id": suggestion.orientation,
                                    "theme_id": suggestion.theme, "score": round(suggestion.score, 4),
                                    "reasons": suggestion.reasons(), "created_at": now})
        best = round(suggestions[0].score, 4) if suggestions else 0.0
        comment_rows.append({"id": comment_id, "suggested_at": now, "suggestion_score": best,
                             "suggestion_reviewed": False})
    db.session.execute(delete(CommentSuggestion).where(CommentSuggestion.comment_id.in_(ids)))
    if suggestion_rows:
        db.session.execute(insert(CommentSuggestion), suggestion_rows)
    db.session.execute(update(Comment), comment_rows)


def suggest_rows(consultation: Consultation, rows: list[tuple[int, str]], scorer: "Scorer | None" = None) -> int:
    """Compute and store the suggestions of comments given as (id, text); returns how many. Flushes."""
    scorer = scorer or scorer_for(consultation)
    if scorer is None or not rows:
        return 0
    now = datetime.now(timezone.utc)
    for start in range(0, len(rows), BATCH):
        _store(rows[start:start + BATCH], scorer, now)
    db.session.flush()
    db.session.expire_all()
    return len(rows)


def rows_to_suggest(consultation: Consultation, everything: bool = False) -> list[tuple[int, str]]:
    """The comments not yet placed by a person (hidden ones aside): those never suggested, or all of them."""
    query = select(Comment.id, Comment.text).where(
        Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(False),
        Comment.visibility != "hidden")
    if not everything:
        query = query.where(Comment.suggested_at.is_(None))
    return [tuple(row) for row in db.session.execute(query.order_by(Comment.id)).all()]


@dataclass
class Computed:
    count: int
    has_orientations: bool


def compute(consultation: Consultation, everything: bool = False, actor_id: int | None = None) -> Computed:
    """Suggest for the consultation's comments not yet placed: the new ones, or (`everything`) all of
    them again with what the model learned since (they then wait for review again)."""
    scorer = scorer_for(consultation)
    if scorer is None:
        return Computed(0, False)
    count = suggest_rows(consultation, rows_to_suggest(consultation, everything), scorer)
    audit.record(actor_id, "suggestions.computed", "consultation", consultation.id, consultation.id,
                 comments=count, everything=everything, examples=len(scorer.examples))
    return Computed(count, True)


def suggest_one(comment: Comment, actor_id: int | None) -> bool:
    """Suggest for one comment, placed or not, on an analyst's demand. False if the consultation has
    no orientation."""
    consultation = comment.consultation
    scorer = scorer_for(consultation)
    if scorer is None:
        return False
    suggest_rows(consultation, [(comment.id, comment.text)], scorer)
    audit.record(actor_id, "suggestions.requested", "comment", comment.id, consultation.id)
    return True


# -- reviewing ---------------------------------------------------------------------------------------

def _theme_code(consultation: Consultation, theme: Theme, actor_id: int | None) -> Code | None:
    """The codebook's code for the theme (created with the codebook if missing), following merges;
    None if it was retired."""
    ensure_codebook(consultation, actor_id)
    code = db.session.scalar(select(Code).where(Code.consultation_id == consultation.id, Code.theme_id == theme.id)
                             .order_by(Code.id))
    seen = set()
    while code is not None and code.status == "merged" and code.merged_into is not None and code.id not in seen:
        seen.add(code.id)
        code = code.merged_into
    return code if code is not None and code.is_active else None


@dataclass
class Accepted:
    topic: object
    theme: Theme | None
    code: Code | None
    rank: int | None


def accept(comment: Comment, topic_id: int | None, theme_id: int | None, shown_revision: int | None,
           actor_id: int | None) -> Accepted:
    """Place the comment on the topic an analyst chose (a suggestion or another one) and, if they took
    the suggested theme, code it with the theme's code. InvalidChoice for a topic or theme that is not
    the consultation's; StaleRevision if the comment changed since the page was shown. Flushes."""
    consultation = comment.consultation
    topic = coding.placeable_topic(comment.consultation_id, topic_id)
    theme = None
    if theme_id:
        theme = db.session.get(Theme, theme_id)
        if theme is None or theme.topic_id != topic.id:
            raise InvalidChoice(str(_l("This theme is not one of the chosen orientation's themes.")))
    offered = {suggestion.topic_id: suggestion for suggestion in comment.suggestions}
    coding.claim(comment, shown_revision)
    previous = comment.topic.code if comment.topic is not None else None
    comment.topic_id, comment.topic_confirmed, comment.suggestion_reviewed = topic.id, True, True
    code = None
    if theme is not None:
        code = _theme_code(consultation, theme, actor_id)
        if code is not None and not db.session.scalar(select(func.count(Coding.id)).where(
                Coding.comment_id == comment.id, Coding.code_id == code.id, Coding.blind.is_(False))):
            db.session.add(Coding(comment_id=comment.id, code_id=code.id, coder_id=actor_id, blind=False))
    db.session.flush()
    db.session.expire(comment, ["topic", "codings"])
    suggestion = offered.get(topic.id)
    action = "suggestions.accepted" if suggestion is not None else "suggestions.placed_elsewhere"
    audit.record(actor_id, action, "comment", comment.id, consultation.id, topic=topic.code, previous=previous,
                 theme=theme.code if theme is not None else None, code=code.key if code is not None else None,
                 rank=suggestion.rank if suggestion is not None else None,
                 score=suggestion.score if suggestion is not None else None, revision=comment.revision)
    return Accepted(topic, theme, code, suggestion.rank if suggestion is not None else None)


def dismiss(comment: Comment, shown_revision: int | None, actor_id: int | None) -> None:
    """The suggestions are set aside; the comment stays where it is, not placed. Flushes."""
    coding.claim(comment, shown_revision)
    comment.suggestion_reviewed = True
    db.session.flush()
    audit.record(actor_id, "suggestions.dismissed", "comment", comment.id, comment.consultation_id,
                 revision=comment.revision)


# -- reading -----------------------------------------------------------------------------------------

@dataclass
class Queue:
    comments: list[Comment]
    total: int
    page: int
    pages: int
    sort: str
    similar: dict[int, Comment]  # the placed comments named as reasons on this page
    unsuggested: int  # comments not yet placed that have no suggestion yet


def _pending(consultation: Consultation):
    return (Comment.consultation_id == consultation.id, Comment.suggested_at.is_not(None),
            Comment.suggestion_reviewed.is_(False), Comment.topic_confirmed.is_(False),
            Comment.visibility != "hidden")


def _loaded():
    return (selectinload(Comment.suggestions).selectinload(CommentSuggestion.topic),
            selectinload(Comment.suggestions).selectinload(CommentSuggestion.theme),
            selectinload(Comment.topic))


def similar_comments(consultation: Consultation, comments: list[Comment]) -> dict[int, Comment]:
    ids = {comment_id for comment in comments for suggestion in comment.suggestions
           for comment_id in (suggestion.reasons or {}).get("comments", []) if isinstance(comment_id, int)}
    if not ids:
        return {}
    return {comment.id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id, Comment.id.in_(ids)))}


def queue(consultation: Consultation, sort: str = "confident", page: int = 1) -> Queue:
    """The comments whose suggestions wait for review, most (or least) confident first, one page."""
    sort = sort if sort in SORTS else SORTS[0]
    total = db.session.scalar(select(func.count(Comment.id)).where(*_pending(consultation)))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    score = Comment.suggestion_score.desc() if sort == "confident" else Comment.suggestion_score.asc()
    comments = list(db.session.scalars(
        select(Comment).where(*_pending(consultation)).order_by(score, Comment.id)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE).options(*_loaded())))
    unsuggested = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(False),
        Comment.visibility != "hidden", Comment.suggested_at.is_(None)))
    return Queue(comments, total, page, pages, sort, similar_comments(consultation, comments), unsuggested)


def placeable_topics(consultation: Consultation) -> list[Topic]:
    """The sections and orientations a comment can be placed on, in reading order."""
    topics = db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id)).all()
    order = tree_order(topics)
    return sorted((topic for topic in topics if topic.kind != "axis"), key=lambda topic: order.get(topic.id, 0))


def get_comment(consultation: Consultation, comment_id: int) -> Comment | None:
    comment = db.session.scalar(select(Comment).where(Comment.id == comment_id).options(*_loaded()))
    return comment if comment is not None and comment.consultation_id == consultation.id else None
