"""Change stamps: one per kind of data a cache depends on, replaced in the transaction that changes it.

"content" covers what the public pages of the proposal show; "analysis" what the analysis counts
are made of. A session notes which kinds its flushes and bulk statements touched, and writes their
new stamps as the last statements before COMMIT: in a fixed order and held for the shortest time,
so concurrent transactions on PostgreSQL cannot deadlock on them. Changes made outside the ORM
session (raw SQL, another program) do not replace a stamp; the code here does not make any that
the caches depend on.
"""
import secrets

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from .models import (
    ChangeTarget,
    Channel,
    Code,
    Coding,
    Comment,
    Consultation,
    Participant,
    ParticipantCategory,
    Theme,
    Topic,
    Track,
)

CONTENT = "content"
ANALYSIS = "analysis"
SCOPES = (ANALYSIS, CONTENT)  # the order stamps are written in

# Classes whose rows, new, changed or deleted, change a scope.
_TOUCHES = {
    CONTENT: (Consultation, Channel, Topic, Theme, ChangeTarget, Track),
    ANALYSIS: (Comment, Coding, Code, Topic, Theme, Track, ParticipantCategory),
}
# Classes whose new rows change nothing cached: a participant counts through their comments, which
# change the stamp when they are added; editing a participant's region or category does.
_TOUCHES_WHEN_CHANGED = {ANALYSIS: (Participant,)}

_PENDING = "change_stamps.pending"
_UPSERT = text("INSERT INTO change_stamp (scope, stamp) VALUES (:scope, :stamp) "
               "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp")
_READ = text("SELECT stamp FROM change_stamp WHERE scope = :scope")

# Commits this process made per scope: a cache that keeps a stamp for a while in memory reads it
# again at once when this moves, so the worker that made a change never serves what preceded it.
local_commits = dict.fromkeys(SCOPES, 0)


def read(connection, scope: str) -> int | None:
    """The scope's stamp; None when it has none yet (nothing may be cached against it)."""
    return connection.execute(_READ, {"scope": scope}).scalar()


def settled(session: Session) -> bool:
    """Whether the session holds nothing changed yet to commit: what it reads is what the stamps
    describe (a result made from uncommitted changes must not be kept against them)."""
    return not (session.info.get(_PENDING) or session.new or session.dirty or session.deleted)


def new_stamp() -> int:
    return secrets.randbelow(2**62) + 1


def scopes_of(cls, changed: bool = True) -> set[str]:
    scopes = {scope for scope, classes in _TOUCHES.items() if issubclass(cls, classes)}
    if changed:
        scopes |= {scope for scope, classes in _TOUCHES_WHEN_CHANGED.items() if issubclass(cls, classes)}
    return scopes


def _note(session: Session, scopes: set[str]) -> None:
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    scopes: set[str] = set()
    for instance in session.new:
        scopes |= scopes_of(type(instance), changed=False)
    for instance in session.deleted:
        scopes |= scopes_of(type(instance))
    for instance in session.dirty:
        kinds = scopes_of(type(instance)) - scopes
        if kinds and session.is_modified(instance, include_collections=False):
            scopes |= kinds
    _note(session, scopes)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _note(state.session, scopes_of(state.bind_mapper.class_))


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
    session.info.pop(_PENDING, None)
