"""For revisions that rebuild the comment table: on SQLite, batch mode copies the table to change its
constraints, which drops the triggers on it (the full-text index of revision 0006, the tallies of 0010)
and trips over the triggers of other tables that read it. Every trigger that names comment is set
aside first, then put back as it was, and the full-text index rebuilt. PostgreSQL alters in place:
nothing to do there."""
import sqlalchemy as sa
from alembic import op


def _on_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def set_comment_triggers_aside() -> list[str]:
    """Drops the triggers that name comment; returns their SQL for put_comment_triggers_back."""
    if not _on_sqlite():
        return []
    rows = op.get_bind().execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'comment' OR sql LIKE "
        "'%comment%') ORDER BY name")).all()
    for name, _sql in rows:
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return [sql for _name, sql in rows]


def put_comment_triggers_back(triggers: list[str]) -> None:
    if not _on_sqlite():
        return
    for sql in triggers:
        op.execute(sql)
    if op.get_bind().execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'comment_search'")).first():
        op.execute("INSERT INTO comment_search(comment_search) VALUES ('rebuild')")
