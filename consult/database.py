"""Connection settings: SQLite as a sound embedded default, and pooled server connections checked
before use when they may have been lost."""
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    # WAL lets readers continue while one writer commits; busy_timeout waits for
    # the lock instead of failing at once under concurrent requests.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_begin_before_savepoint(connection, _name):
    # sqlite3 opens a transaction only before INSERT/UPDATE/DELETE. A SAVEPOINT issued first would
    # open one itself, and releasing it would COMMIT: a request whose first write sits in a
    # begin_nested() would be committed halfway. BEGIN first keeps the request one transaction;
    # IMMEDIATE takes the write lock now, waiting (busy_timeout) instead of failing on a stale read.
    dbapi_connection = connection.connection.dbapi_connection
    if (_is_sqlite(dbapi_connection) and not dbapi_connection.in_transaction
            and dbapi_connection.isolation_level is not None):  # None: autocommit, nothing to keep together
        dbapi_connection.execute("BEGIN IMMEDIATE")


def engine_options(database_uri: str, options: dict) -> dict:
    """No ping at each checkout on SQLite: there is no server to lose a connection to, and the ping was a
    statement in every request that reads or writes."""
    if database_uri.startswith("sqlite"):
        return {key: value for key, value in options.items() if key != "pool_pre_ping"}
    return options


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled server connection before use only when it sat unused for `idle_seconds` or more.

    A connection is lost when the server restarts or something between closes idle ones; a ping at
    every checkout (pool_pre_ping) finds that out at the cost of a round trip in every request, while
    a connection in steady use has just answered. A lost connection found here is replaced before the
    request uses it; one lost while in steady use fails that request once, and the pool then drops
    every connection made before the loss."""
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # the dialect's own: psycopg's leaves no transaction open
        except engine.dialect.loaded_dbapi.Error as error:  # whatever the driver raises for a dead line
            raise exc.DisconnectionError(str(error)) from error  # the pool makes a new connection


# The full-text index of comments lives outside the models: an FTS5 table (and the tables FTS5
# keeps for itself) on SQLite; on PostgreSQL a stored tsvector column generated from search_text,
# with a GIN index. Migrations create them; comparing models with the database ignores them.
COMMENT_SEARCH_TABLE = "comment_search"
COMMENT_SEARCH_INDEX = "ix_comment_search"
COMMENT_SEARCH_VECTOR = "search_vector"


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and reflected and compare_to is None and name and name.startswith(COMMENT_SEARCH_TABLE):
        return False
    if type_ == "index" and name == COMMENT_SEARCH_INDEX:
        return False
    if type_ == "column" and reflected and compare_to is None and name == COMMENT_SEARCH_VECTOR:
        return False
    return True
