"""Connection settings that make SQLite a sound embedded default."""
from sqlalchemy import event
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
