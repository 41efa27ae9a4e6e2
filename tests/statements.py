"""The SQL statements an application sends while a block runs, as the database receives them."""
from contextlib import contextmanager

from sqlalchemy import event

from consult.extensions import db


@contextmanager
def counted(app):
    statements: list[str] = []

    def before(_connection, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
