"""New rows guarded by a unique constraint, inserted in one statement: INSERT ... ON CONFLICT DO NOTHING
RETURNING id, on the session's connection and in its transaction. No savepoint is opened and released
around the insert (two statements while the database's write lock is held), and no unit-of-work flush
is made for it.

The statement is a textual one with typed parameters, the same words on SQLite and PostgreSQL. The
dialects' own `insert(...).on_conflict_do_nothing()` has no cache key in SQLAlchemy 2.0 (its issue
10445), so it was compiled again at every execution: a tenth of an autosave's time."""
from sqlalchemy import Integer, Table, bindparam, text

from .extensions import db

_STATEMENTS: dict = {}


def row_with_defaults(table: Table, **values) -> dict:
    """Every column but the key, as a flush would insert it: the values given, else the column's Python
    default (called now when it is a function), else None. The model stays the one home of its defaults."""
    row = {}
    for column in table.columns:
        if column.primary_key:
            continue
        if column.key in values:
            row[column.key] = values[column.key]
        elif column.default is None:
            row[column.key] = None
        elif column.default.is_callable:
            row[column.key] = column.default.arg(None)  # SQLAlchemy wraps a no-argument default to take a context
        else:
            row[column.key] = column.default.arg
    return row


def insert_unless_taken(table: Table, values: dict) -> int | None:
    """The new row's id; None when a unique constraint found the row already there (made by another
    request a moment ago). The caller looks for that row, which a new statement can see."""
    connection = db.session.connection()
    key = (connection.dialect.name, table.name, tuple(values))
    statement = _STATEMENTS.get(key)
    if statement is None:  # built once per dialect and columns
        statement = _STATEMENTS[key] = _insert_or_nothing(connection.dialect.identifier_preparer, table, list(values))
    return connection.execute(statement, values).scalar()


def _insert_or_nothing(preparer, table: Table, keys: list[str]):
    columns = ", ".join(preparer.quote(table.c[key].name) for key in keys)
    sql = (f"INSERT INTO {preparer.format_table(table)} ({columns}) VALUES ({', '.join(':' + key for key in keys)}) "
           f"ON CONFLICT DO NOTHING RETURNING {preparer.quote(table.c.id.name)}")
    return text(sql).bindparams(*(bindparam(key, type_=table.c[key].type) for key in keys)).columns(id=Integer)
