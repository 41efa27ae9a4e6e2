"""The analysts' draft of "what we heard" for one topic, in French and in English.

Saving names the revision the person started from; if someone saved meanwhile, nothing is written
and the person sees both texts (theirs, kept in the form, and the one saved meanwhile)."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..models import Code, Coding, Comment, Consultation, Topic, TopicMemo
from .coding import StaleRevision
from .second_coding import topic_with_descendants


def get_topic(consultation: Consultation, topic_id: int) -> Topic | None:
    topic = db.session.get(Topic, topic_id)
    return topic if topic is not None and topic.consultation_id == consultation.id else None


def memo_of(topic: Topic) -> TopicMemo | None:
    return db.session.scalar(select(TopicMemo).where(TopicMemo.topic_id == topic.id))


def save_memo(topic: Topic, body_fr: str, body_en: str, shown_revision: int, actor_id: int | None) -> bool:
    """Write the memo if `shown_revision` is its current revision (0: there was none);
    StaleRevision otherwise. Returns False when the texts were already these."""
    memo = memo_of(topic)
    if memo is not None and memo.revision == shown_revision and (memo.body_fr, memo.body_en) == (body_fr, body_en):
        return False
    if memo is None:
        if shown_revision != 0:
            raise StaleRevision()
        memo = TopicMemo(topic_id=topic.id, body_fr=body_fr, body_en=body_en, revision=1, updated_by_id=actor_id)
        try:
            with db.session.begin_nested():
                db.session.add(memo)
        except IntegrityError as error:  # someone created it at the same moment
            raise StaleRevision() from error
    else:
        result = db.session.execute(
            update(TopicMemo).where(TopicMemo.id == memo.id, TopicMemo.revision == shown_revision)
            .values(body_fr=body_fr, body_en=body_en, revision=TopicMemo.revision + 1, updated_by_id=actor_id)
            .execution_options(synchronize_session=False))
        db.session.expire(memo)
        if result.rowcount != 1:
            raise StaleRevision()
    db.session.flush()
    audit.record(actor_id, "analysis.memo_saved", "topic_memo", memo.id, topic.consultation_id, topic=topic.code,
                 revision=memo.revision, length_fr=len(body_fr), length_en=len(body_en))
    return True


def code_counts(consultation: Consultation, topic: Topic) -> list[tuple[Code, int]]:
    """The codes of the visible comments on the topic (or under it), with how many comments carry
    each: what the memo sums up."""
    topic_ids = topic_with_descendants(consultation, topic)
    rows = db.session.execute(
        select(Code, func.count(Coding.id)).join(Coding, Coding.code_id == Code.id)
        .join(Comment, Comment.id == Coding.comment_id)
        .where(Comment.topic_id.in_(topic_ids), Comment.visibility != "hidden", Coding.blind.is_(False))
        .group_by(Code.id).order_by(func.count(Coding.id).desc(), Code.position, Code.id)).all()
    return [(code, count) for code, count in rows]


def comment_count(consultation: Consultation, topic: Topic) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.topic_id.in_(topic_with_descendants(consultation, topic)), Comment.visibility != "hidden")) or 0
