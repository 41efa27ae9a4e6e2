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
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import audit, change_stamps
from ..analysis import coding
from ..analysis.codebook import ensure_codebook
from ..extensions import db
from ..models import Code, Coding, Comment, CommentSuggestion, Consultation, Theme, Topic
from ..tree import tree_order
from . import corpus, local_calibration
from .documents import Settings

if TYPE_CHECKING:
    from .scorer import Scorer

TOP = 3
BATCH = 2000
# New or changed comments suggested when the review page is shown, at most: more waits for "Compute".
AUTO_SUGGEST = 500
PER_PAGE = 20
SORTS = ("confident", "uncertain")
MAX_CACHED_MODELS = 8
# Below this likelihood the first suggestion is not offered: the comment shows "no confident suggestion".
CONFIDENCE_FLOOR = Settings().confidence_floor

# consultation id -> (key: structure signature and state of the placed comments, model, content stamp)
_models: "OrderedDict[int, tuple[tuple, Scorer, int | None]]" = OrderedDict()
_models_lock = threading.Lock()
# consultation id -> (when read, content stamp then, state of its placed comments)
_states: dict[int, tuple[float, int, "corpus.ExampleState"]] = {}
STATE_SECONDS = 2.0

StaleRevision = coding.StaleRevision
InvalidChoice = coding.InvalidChoice


# -- the model ---------------------------------------------------------------------------------------

def scorer_for(consultation: Consultation) -> "Scorer | None":
    """The consultation's model, rebuilt only when its structure or placed comments changed; None when
    the consultation has no orientation to suggest."""
    # The structure is read again only when the content stamp moved (a topic, theme or target changed):
    # a new comment is then suggested with three small queries and the scoring.
    session = db.session()
    content = (change_stamps.read(session.connection(), change_stamps.CONTENT)
               if change_stamps.settled(session) else None)
    with _models_lock:
        cached = _models.get(consultation.id)
    docs = None
    if content is not None and cached is not None and cached[2] == content:
        signature = cached[0][0]
    else:
        docs = corpus.structure(consultation)
        if not docs:
            return None
        signature = corpus.signature(docs)
    key = (signature, _example_state(consultation, content))
    with _models_lock:
        cached = _models.get(consultation.id)
        if cached is not None and cached[0] == key:
            _models[consultation.id] = (key, cached[1], content)
            _models.move_to_end(consultation.id)
            return cached[1]
    if docs is None:  # the structure is the cached model's
        docs = cached[1].orientations
    from .scorer import Scorer  # numpy, scipy and scikit-learn load with the first model, not with the app

    scorer = Scorer(docs, corpus.examples(consultation, {doc.key for doc in docs}))
    # Refitted with the model: a placement is one more judgement of the suggestions made before it.
    scorer.local_fit = local_calibration.fit_for(consultation)
    scorer.built_at = datetime.now(timezone.utc)
    with _models_lock:
        _models[consultation.id] = (key, scorer, content)
        _models.move_to_end(consultation.id)
        while len(_models) > MAX_CACHED_MODELS:
            _models.popitem(last=False)
    return scorer


def _example_state(consultation: Consultation, content: int | None) -> "corpus.ExampleState":
    """The state of the placed comments, read again at most every STATE_SECONDS under the same content
    stamp: a stream of new comments is suggested without counting the placed ones each time. A
    placement made here is seen at once (`accept` forgets it); one made in another process within
    STATE_SECONDS."""
    now = time.monotonic()
    with _models_lock:
        kept = _states.get(consultation.id)
    if content is not None and kept is not None and kept[1] == content and now - kept[0] < STATE_SECONDS:
        return kept[2]
    state = corpus.example_state(consultation)
    if content is not None:
        with _models_lock:
            _states[consultation.id] = (now, content, state)
    return state


def forget_state(consultation_id: int) -> None:
    with _models_lock:
        _states.pop(consultation_id, None)


def forget_models() -> None:
    with _models_lock:
        _models.clear()
        _states.clear()


# -- computing ---------------------------------------------------------------------------------------

def _store(rows: list[tuple[int, str]], scorer: "Scorer", now: datetime, learned: frozenset = frozenset()) -> None:
    ids = [comment_id for comment_id, _ in rows]
    results = scorer.suggest([text for _, text in rows], top=TOP, refs=ids)
    fit = getattr(scorer, "local_fit", local_calibration.IDENTITY)
    suggestion_rows, comment_rows = [], []
    for comment_id, suggestions in zip(ids, results, strict=True):
        for rank, suggestion in enumerate(suggestions, start=1):
            base = suggestion.score
            suggestion.score = local_calibration.rescale(base, fit)
            suggestion_rows.append({"comment_id": comment_id, "rank": rank, "topic_id": suggestion.orientation,
                                    "theme_id": suggestion.theme, "score": round(suggestion.score, 4),
                                    "reasons": {**suggestion.reasons(), "base": round(base, 4),
                                                **({"learned": True} if comment_id in learned else {})},
                                    "created_at": now})
        best = round(suggestions[0].score, 4) if suggestions else 0.0
        comment_rows.append({"id": comment_id, "suggested_at": now, "suggestion_score": best,
                             "suggestion_reviewed": False})
    db.session.execute(delete(CommentSuggestion).where(CommentSuggestion.comment_id.in_(ids)))
    if suggestion_rows:
        db.session.execute(insert(CommentSuggestion), suggestion_rows)
    db.session.execute(update(Comment), comment_rows)


def suggest_rows(consultation: Consultation, rows: list[tuple[int, str]], scorer: "Scorer | None" = None,
                 learned: frozenset = frozenset()) -> int:
    """Compute and store the suggestions of comments given as (id, text); returns how many. Flushes.
    `learned`: placed comments the model learned from, whose suggestions judge nothing."""
    scorer = scorer or scorer_for(consultation)
    if scorer is None or not rows:
        return 0
    now = datetime.now(timezone.utc)
    for start in range(0, len(rows), BATCH):
        _store(rows[start:start + BATCH], scorer, now, learned)
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
    # A placed comment is one of the model's examples: its suggestions are not a held-out judgement.
    suggest_rows(consultation, [(comment.id, comment.text)], scorer,
                 frozenset({comment.id}) if comment.topic_confirmed else frozenset())
    audit.record(actor_id, "suggestions.requested", "comment", comment.id, consultation.id)
    return True


def refresh_new(consultation: Consultation) -> "Scorer | None":
    """Suggest for the comments that arrived or whose text changed since (a few hundred at most, the
    rest waits for *Compute*): whatever channel brought the text, it gets suggestions the next time
    the review is shown. Flushes; returns the model."""
    scorer = scorer_for(consultation)
    if scorer is None:
        return None
    rows = db.session.execute(
        select(Comment.id, Comment.text).where(
            Comment.consultation_id == consultation.id, Comment.topic_confirmed.is_(False),
            Comment.visibility != "hidden", Comment.suggested_at.is_(None))
        .order_by(Comment.id).limit(AUTO_SUGGEST)).all()
    if rows:
        _meanwhile(consultation, [tuple(row) for row in rows], scorer)
    return scorer


def refresh_stale(consultation: Consultation, comments: list[Comment], scorer: "Scorer") -> bool:
    """Suggest again for the comments shown whose suggestions predate what the model learned since
    (a comment placed or coded by anyone): the page shows what the live model says. True if any was."""
    built = getattr(scorer, "built_at", None)
    stale = [(comment.id, comment.text) for comment in comments if built is not None
             and comment.suggested_at is not None and _aware(comment.suggested_at) < built]
    return bool(stale) and _meanwhile(consultation, stale, scorer)


def refresh_comment(consultation: Consultation, comment: Comment) -> bool:
    """A comment not yet placed, shown alone: suggested if it never was or its text changed, suggested
    again if the model learned since. True if it was. Flushes."""
    if comment.topic_confirmed or comment.visibility == "hidden":
        return False
    scorer = scorer_for(consultation)
    if scorer is None:
        return False
    if comment.suggested_at is None:
        return _meanwhile(consultation, [(comment.id, comment.text)], scorer)
    return refresh_stale(consultation, [comment], scorer)


def _meanwhile(consultation: Consultation, rows: list[tuple[int, str]], scorer: "Scorer") -> bool:
    """Suggest while a page is being shown, in a savepoint: when another analyst's page stored the same
    comments' suggestions at the same moment, theirs are kept and this page carries on. True if stored."""
    try:
        with db.session.begin_nested():
            suggest_rows(consultation, rows, scorer)
    except IntegrityError:
        return False
    return True


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


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
            raise InvalidChoice(str(_l("This theme is not one of the chosen part's themes.")))
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
    forget_state(consultation.id)
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
    scorer = refresh_new(consultation)
    total = db.session.scalar(select(func.count(Comment.id)).where(*_pending(consultation)))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    score = Comment.suggestion_score.desc() if sort == "confident" else Comment.suggestion_score.asc()
    comments = list(db.session.scalars(
        select(Comment).where(*_pending(consultation)).order_by(score, Comment.id)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE).options(*_loaded())))
    if scorer is not None and refresh_stale(consultation, comments, scorer):
        comments = list(db.session.scalars(
            select(Comment).where(Comment.id.in_([comment.id for comment in comments])).options(*_loaded())))
        comments.sort(key=lambda comment: ((-1 if sort == "confident" else 1) * (comment.suggestion_score or 0),
                                           comment.id))
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
