"""Which modification items a coded comment could support, and which coded comments could support an item.

Only ever a proposal: nothing here adds a comment to an item; an analyst reads the reasons and clicks.

An item is described by its statement (in every language it is written in) and by the comments that
already support it. A comment is compared with both, with the words of the orientation suggestions
(short prefixes that bridge French and English, word pairs, the bilingual lexicon's concepts),
TF-IDF weighted over the items and the comments compared:

- its closeness to the statement and to the closest supporting comment (cosine);
- a bonus when the item is on the part of the proposal where the comment is placed (less when one is
  the other's parent), and when one of the comment's codes is of the item's kind (its report group).

A proposal needs some shared words: the place and kind alone never propose an item. The reasons shown
are those parts: the shared words as the comment writes them, the same place, the kind, the closest
supporting comment.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, ItemSupport, ModificationItem, Topic
from ..suggestions import lexicon as lexicon_module
from . import services

PROPOSED = 3
# Weights of the parts of a comment's score for an item (cosines are 0..1).
STATEMENT_WEIGHT = 0.5
SUPPORT_WEIGHT = 0.5
SAME_PLACE = 0.25
NEAR_PLACE = 0.1
SAME_KIND = 0.1
# Below this text closeness an item is not proposed, whatever its place and kind.
MIN_TEXT = 0.05
WORDS_SHOWN = 4
# Coded comments compared at most when looking for an item's candidates: the most recent ones.
COMMENTS_COMPARED = 5000


@dataclass
class Candidate:
    """An item a comment could support, and why."""

    item: ModificationItem
    comment_id: int
    score: float
    words: list[str] = field(default_factory=list)
    same_place: bool = False
    near_place: bool = False
    same_kind: bool = False
    closest_support: int | None = None
    comment: Comment | None = None


def _features():
    from ..suggestions.scorer import Features  # numpy and scikit-learn load with the first proposal

    return Features(lexicon_module.default())


def is_coded(comment: Comment) -> bool:
    return any(not coding.blind for coding in comment.codings)


def _items(consultation: Consultation) -> list[ModificationItem]:
    return list(db.session.scalars(
        select(ModificationItem)
        .where(ModificationItem.consultation_id == consultation.id, ModificationItem.status == "active")
        .options(selectinload(ModificationItem.supports).selectinload(ItemSupport.comment),
                 selectinload(ModificationItem.topic))
        .order_by(ModificationItem.id)))


def _groups_of(comment_ids: list[int]) -> dict[int, set[str]]:
    """Each comment's report groups, from its (main) codes."""
    groups: dict[int, set[str]] = {}
    if not comment_ids:
        return groups
    rows = db.session.execute(
        select(Coding.comment_id, Code.report_group).join(Code, Coding.code_id == Code.id)
        .where(Coding.comment_id.in_(comment_ids), Coding.blind.is_(False)))
    for comment_id, group in rows:
        groups.setdefault(comment_id, set())
        if group:
            groups[comment_id].add(group)
    return groups


def _parents(consultation: Consultation) -> dict[int, int | None]:
    rows = db.session.execute(select(Topic.id, Topic.parent_id).where(Topic.consultation_id == consultation.id))
    return {topic_id: parent_id for topic_id, parent_id in rows}


class Matcher:
    """The items of a consultation, ready to be compared with any number of comments."""

    def __init__(self, consultation: Consultation, items: list[ModificationItem] | None = None):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.items = items if items is not None else _items(consultation)
        self.parents = _parents(consultation)
        self.features = _features()
        statements = [" ".join(part for part in (item.statement_fr, item.statement_en) if part)
                      for item in self.items]
        self.supports = [[support.comment for support in item.supports
                          if support.comment is not None and support.comment.visibility != "hidden"]
                         for item in self.items]
        self.texts = statements + [comment.text for comments in self.supports for comment in comments]
        self.vectorizer = None
        if self.items and any(text.strip() for text in self.texts):
            self.vectorizer = TfidfVectorizer(analyzer=self.features, sublinear_tf=True, norm="l2")
            try:
                self.vectorizer.fit(self.texts)
            except ValueError:  # no word at all in any text
                self.vectorizer = None
        if self.vectorizer is not None:
            self.statement_matrix = self.vectorizer.transform(statements)
            flat = [comment for comments in self.supports for comment in comments]
            self.support_matrix = self.vectorizer.transform([comment.text for comment in flat])
            self.support_owner = np.asarray([number for number, comments in enumerate(self.supports)
                                             for _ in comments], dtype=int)
            self.support_ids = np.asarray([comment.id for comment in flat], dtype=int)
            self.names = self.vectorizer.get_feature_names_out()

    def _place(self, comment: Comment, item: ModificationItem) -> tuple[bool, bool]:
        if comment.topic_id is None or not comment.topic_confirmed:
            return False, False
        if comment.topic_id == item.topic_id:
            return True, False
        near = (self.parents.get(comment.topic_id) == item.topic_id
                or self.parents.get(item.topic_id) == comment.topic_id)
        return False, near

    def candidates(self, comments: list[Comment], groups: dict[int, set[str]] | None = None,
                   limit: int = PROPOSED) -> dict[int, list[Candidate]]:
        """For each comment, the items it could support (not those it already supports), best first."""
        import numpy as np

        result: dict[int, list[Candidate]] = {comment.id: [] for comment in comments}
        if self.vectorizer is None or not comments:
            return result
        groups = groups if groups is not None else _groups_of([comment.id for comment in comments])
        matrix = self.vectorizer.transform([comment.text for comment in comments])
        to_statement = (matrix @ self.statement_matrix.T).toarray()
        to_support = (matrix @ self.support_matrix.T).toarray() if self.support_matrix.shape[0] else None
        for row, comment in enumerate(comments):
            found = []
            for number, item in enumerate(self.items):
                if any(supporter.id == comment.id for supporter in self.supports[number]) or any(
                        support.comment_id == comment.id for support in item.supports):
                    continue
                statement = float(to_statement[row, number])
                closest, closest_id = 0.0, None
                if to_support is not None:
                    mine = np.flatnonzero(self.support_owner == number)
                    if mine.size:
                        best = mine[int(np.argmax(to_support[row, mine]))]
                        closest, closest_id = float(to_support[row, best]), int(self.support_ids[best])
                if max(statement, closest) < MIN_TEXT:
                    continue
                same, near = self._place(comment, item)
                kind = item.kind in groups.get(comment.id, set())
                score = (STATEMENT_WEIGHT * statement + SUPPORT_WEIGHT * closest
                         + (SAME_PLACE if same else NEAR_PLACE if near else 0.0) + (SAME_KIND if kind else 0.0))
                found.append(Candidate(item, comment.id, score, same_place=same, near_place=near, same_kind=kind,
                                       closest_support=closest_id if closest >= MIN_TEXT else None,
                                       comment=comment))
            found.sort(key=lambda candidate: (-candidate.score, candidate.item.id))
            for candidate in found[:limit]:
                candidate.words = self._shared_words(matrix[row], comment.text, candidate.item)
            result[comment.id] = found[:limit]
        return result

    def _shared_words(self, vector, text: str, item: ModificationItem) -> list[str]:
        """The comment's words (as it writes them) that the item's statement or supporting comments share."""
        import numpy as np

        number = self.items.index(item)
        rows = [self.statement_matrix[number]]
        mine = np.flatnonzero(self.support_owner == number)
        if mine.size:
            rows.append(self.support_matrix[mine])
        item_weight = np.zeros(len(self.names))
        for block in rows:
            item_weight = np.maximum(item_weight, block.toarray().max(axis=0))
        own = vector.toarray().ravel()
        product = own * item_weight
        order = [index for index in np.argsort(-product) if product[index] > 0]
        shown = self.features.analyse(text)[1]
        words: list[str] = []
        for index in order:
            written = shown.get(self.names[index])
            if written and written.lower() not in {word.lower() for word in words}:
                words.append(written)
            if len(words) == WORDS_SHOWN:
                break
        return words


def _coded_comment_ids(consultation: Consultation, limit: int) -> list[int]:
    coded = (select(Coding.comment_id).join(Comment, Coding.comment_id == Comment.id)
             .where(Comment.consultation_id == consultation.id, Coding.blind.is_(False),
                    Comment.visibility != "hidden")
             .distinct().order_by(Coding.comment_id.desc()).limit(limit))
    return list(db.session.scalars(coded))


def items_for_comment(consultation: Consultation, comment: Comment, limit: int = PROPOSED) -> list[Candidate]:
    """The items a coded comment could support, best first; none for a comment not coded or hidden."""
    if comment.visibility == "hidden" or not is_coded(comment):
        return []
    return Matcher(consultation).candidates([comment], limit=limit)[comment.id]


def comments_for_item(consultation: Consultation, item: ModificationItem, limit: int = 10) -> list[Candidate]:
    """The coded comments that could support this item: those for which it is among the three items
    proposed, best first."""
    if not item.is_active:
        return []
    matcher = Matcher(consultation)
    if item not in matcher.items:
        return []
    ids = _coded_comment_ids(consultation, COMMENTS_COMPARED)
    have = {support.comment_id for support in item.supports}
    ids = [comment_id for comment_id in ids if comment_id not in have]
    if not ids:
        return []
    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    found = [candidate for proposed in matcher.candidates(comments, _groups_of(ids)).values()
             for candidate in proposed if candidate.item.id == item.id]
    found.sort(key=lambda candidate: (-candidate.score, candidate.comment_id))
    return found[:limit]


def support_from_proposal(item: ModificationItem, comment_id: int, actor_id: int | None) -> bool:
    """An analyst accepted a proposal: the comment supports the item. Audited as such, besides the support."""
    added = services.add_support(item, [comment_id], actor_id)
    if added:
        audit.record(actor_id, "item.support.proposal_accepted", "modification_item", item.id,
                     item.consultation_id, comment=comment_id)
    return bool(added)
