"""New rows guarded by a unique constraint, inserted in one statement: INSERT ... ON CONFLICT DO NOTHING
RETURNING id, on the session's connection and in its transaction. No savepoint is opened and released
around the insert (two statements while the database's write lock is held), and no unit-of-work flush
is made for it."""
from sqlalchemy import Table, bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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
    dialect = connection.dialect.name
    key = (dialect, table.name, tuple(values))
    statement = _STATEMENTS.get(key)
    if statement is None:  # built once per dialect and columns: building and keying it costs more than running it
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = _STATEMENTS[key] = insert(table).values(
            {name: bindparam(name, type_=table.c[name].type) for name in values}
        ).on_conflict_do_nothing().returning(table.c.id)
    return connection.execute(statement, values).scalar()
