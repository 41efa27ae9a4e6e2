"""Change stamps: one per kind of data a cache depends on, replaced in the transaction that changes it.

"content" covers what the public pages of the proposal show; "analysis" what the analysis counts
are made of. A session notes which kinds its flushes and bulk statements touched, and writes their
new stamps as the last statements before COMMIT: in a fixed order and held for the shortest time,
so concurrent transactions on PostgreSQL cannot deadlock on them. Changes made outside the ORM
session (raw SQL, another program) do not replace a stamp; the code here does not make any that
the caches depend on.
"""
import secrets

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from .extensions import db
from .models import (
    Answer,
    ChangeTarget,
    Channel,
    Code,
    Coding,
    Comment,
    Consultation,
    ConsultationOutcome,
    Excerpt,
    ForumNote,
    GlossaryTerm,
    Participant,
    ParticipantCategory,
    Question,
    Questionnaire,
    QuestionnairePage,
    Response,
    Submission,
    SubmissionText,
    Theme,
    Topic,
    Track,
)

CONTENT = "content"
ANALYSIS = "analysis"
# What the analysis pages' lists are made of (codes, the tree, tracks, categories), apart from the
# comments and codings that change at every step of coding.
LISTS = "lists"
SCOPES = (ANALYSIS, CONTENT, LISTS)  # the order stamps are written in

# Classes whose rows, new, changed or deleted, change a scope.
_TOUCHES = {
    # The outcome: the consultation page says the level of participation and links to the published outcome;
    # the questionnaire's rows too: whether its way of taking part says "Open" depends on them.
    CONTENT: (Consultation, Channel, Topic, Theme, ChangeTarget, Track, ConsultationOutcome, Questionnaire,
              QuestionnairePage, Question, GlossaryTerm),
    ANALYSIS: (Comment, Coding, Code, Topic, Theme, Track, ParticipantCategory),
    LISTS: (Consultation, Code, Topic, Theme, Track, ParticipantCategory),
}
# Classes whose rows matter only through some columns: a participant counts through their
# comments (which replace the stamp when added) and through the category and province filters.
_TOUCHES_THROUGH = {ANALYSIS: {Participant: ("category_id", "region")}}
# Classes whose deletion the database carries on to comments (ON DELETE CASCADE), out of the
# session's sight; their other changes reach comments through the ORM.
_TOUCHES_WHEN_DELETED = {ANALYSIS: (Consultation, Participant, Response, Answer, Submission, SubmissionText,
                                    Excerpt, ForumNote)}

_PENDING = "change_stamps.pending"
_UPSERT = text("INSERT INTO change_stamp (scope, stamp) VALUES (:scope, :stamp) "
               "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp")
_READ = text("SELECT stamp FROM change_stamp WHERE scope = :scope")
_READ_ALL = text("SELECT scope, stamp FROM change_stamp")

# Commits this process made per scope: a cache that keeps a stamp for a while in memory reads it
# again at once when this moves, so the worker that made a change never serves what preceded it.
local_commits = dict.fromkeys(SCOPES, 0)


def read(connection, scope: str) -> int | None:
    """The scope's stamp; None when it has none yet (nothing may be cached against it)."""
    return connection.execute(_READ, {"scope": scope}).scalar()


def read_all(connection) -> dict[str, int | None]:
    """Every scope's stamp in one statement (a page that checks two scopes pays one round trip)."""
    found = dict(connection.execute(_READ_ALL).all())
    return {scope: found.get(scope) for scope in SCOPES}


def settled(session: Session) -> bool:
    """Whether the session holds nothing changed yet to commit: what it reads is what the stamps
    describe (a result made from uncommitted changes must not be kept against them)."""
    return not (session.info.get(_PENDING) or session.new or session.dirty or session.deleted)


def new_stamp() -> int:
    return secrets.randbelow(2**62) + 1


def scopes_of(cls) -> set[str]:
    """The scopes any new, changed or deleted row of `cls` changes."""
    return {scope for scope, classes in _TOUCHES.items() if issubclass(cls, classes)}


def _deleted_scopes(cls) -> set[str]:
    return scopes_of(cls) | {scope for scope, classes in _TOUCHES_WHEN_DELETED.items() if issubclass(cls, classes)}


def _changed_scopes(instance) -> set[str]:
    scopes = scopes_of(type(instance))
    state = inspect(instance)
    for scope, columns_of in _TOUCHES_THROUGH.items():
        columns = columns_of.get(type(instance), ())
        if any(state.attrs[column].history.has_changes() for column in columns):
            scopes.add(scope)
    return scopes


def _table_scopes(table_name: str) -> set[str]:
    """For statements on a table rather than a class (`Model.__table__.delete()`): every scope a
    class on that table belongs to, deletions included."""
    scopes: set[str] = set()
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            scopes |= _deleted_scopes(mapper.class_)
    return scopes


def _note(session: Session, scopes: set[str]) -> None:
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    # The pre-flush new, dirty and deleted rows, and their attributes' history, are still there.
    scopes: set[str] = set()
    for instance in session.new:
        scopes |= scopes_of(type(instance))
    for instance in session.deleted:
        scopes |= _deleted_scopes(type(instance))
    for instance in session.dirty:
        if session.is_modified(instance, include_collections=False):
            scopes |= _changed_scopes(instance)
    _note(session, scopes)


def _updates_on_conflict(statement) -> bool:
    return type(getattr(statement, "_post_values_clause", None)).__name__ == "OnConflictDoUpdate"


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.bind_mapper is not None:
        cls = state.bind_mapper.class_
        # New rows change what a new row of their class changes (as in _after_flush); an upsert may
        # change a row, and is counted as one.
        only_new = state.is_insert and not _updates_on_conflict(state.statement)
        _note(state.session, scopes_of(cls) if only_new else _deleted_scopes(cls))
    else:
        table = getattr(state.statement, "table", None)
        _note(state.session, _table_scopes(getattr(table, "name", "")))


@event.listens_for(Session, "before_commit")
def _write_stamps(session):
    if session.in_nested_transaction():  # a savepoint: the stamps wait for the real commit
        return
    session.flush()
    pending = session.info.get(_PENDING)
    if not pending:
        return
    replace(session.connection(), *pending)


def replace(connection, *scopes: str) -> None:
    """New stamps for `scopes`, in the transaction of `connection` (a bulk load outside the session's
    objects calls this itself)."""
    for scope in SCOPES:
        if scope in scopes:
            connection.execute(_UPSERT, {"scope": scope, "stamp": new_stamp()})


@event.listens_for(Session, "after_commit")
def _announce(session):
    pending = session.info.pop(_PENDING, None)
    for scope in pending or ():
        local_commits[scope] += 1


@event.listens_for(Session, "after_rollback")
def _forget(session):
    # A savepoint rolled back: what was noted before it still commits (noting a little too much
    # only replaces a stamp for nothing).
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
