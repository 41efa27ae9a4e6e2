"""comment tally: the analysis counts kept by triggers on comment and coding

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:40:00

The orientation view counts the visible comments of each topic by channel, by code, and by pairs of
codes (a theme with a modification code). Counting them at each view grows with the data; the
triggers below keep the counts in `comment_tally`, in the transaction that adds, moves, hides,
codes or deletes a comment, whatever the path (the application, a bulk load, a cascade).

A comment counts while it is not hidden; a coding counts while it is not blind. When a comment
is deleted, its codings are taken off before it goes (the cascade that deletes them comes after,
and finds no comment to count them against).
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

KEY = "consultation_id, topic_id, code_id, channel, other_code_id"


def _upsert(select: str, postgresql: bool) -> str:
    # SQLite needs a WHERE in an INSERT ... SELECT followed by ON CONFLICT (a parsing ambiguity).
    table = "comment_tally." if postgresql else ""
    return (f"INSERT INTO comment_tally ({KEY}, n) {select} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = {table}n + excluded.n;")


def _comment_changes(row: str, sign: str, postgresql: bool) -> list[str]:
    """The statements adding (sign "1") or taking off ("-1") comment `row` (NEW or OLD), its codes
    and its pairs of codes."""
    topic = f"COALESCE({row}.topic_id, 0)"
    return [
        _upsert(f"SELECT {row}.consultation_id, {topic}, 0, {row}.channel, 0, {sign} WHERE 1 = 1", postgresql),
        _upsert(f"SELECT {row}.consultation_id, {topic}, g.code_id, {row}.channel, 0, {sign} FROM coding g "
                f"WHERE g.comment_id = {row}.id AND NOT g.blind", postgresql),
        _upsert(f"SELECT {row}.consultation_id, {topic}, a.code_id, '', b.code_id, {sign} FROM coding a "
                f"JOIN coding b ON b.comment_id = a.comment_id AND NOT b.blind AND b.id <> a.id "
                f"WHERE a.comment_id = {row}.id AND NOT a.blind", postgresql),
    ]


def _coding_changes(row: str, sign: str, postgresql: bool) -> list[str]:
    """The statements adding or taking off coding `row` (not blind) of a visible comment: its code
    and its pairs with the comment's other codes, both ways."""
    comment = f"FROM comment c WHERE c.id = {row}.comment_id AND c.visibility <> 'hidden'"
    pairs = (f"FROM comment c JOIN coding b ON b.comment_id = c.id AND NOT b.blind AND b.id <> {row}.id "
             f"WHERE c.id = {row}.comment_id AND c.visibility <> 'hidden'")
    return [
        _upsert(f"SELECT c.consultation_id, COALESCE(c.topic_id, 0), {row}.code_id, c.channel, 0, {sign} {comment}",
                postgresql),
        _upsert(f"SELECT c.consultation_id, COALESCE(c.topic_id, 0), {row}.code_id, '', b.code_id, {sign} {pairs}",
                postgresql),
        _upsert(f"SELECT c.consultation_id, COALESCE(c.topic_id, 0), b.code_id, '', {row}.code_id, {sign} {pairs}",
                postgresql),
    ]


COUNTED = "{row}.visibility <> 'hidden'"
# A change of one of these moves the comment from one count to another.
MOVED = ("(OLD.topic_id IS DISTINCT FROM NEW.topic_id OR OLD.channel <> NEW.channel "
         "OR OLD.consultation_id <> NEW.consultation_id "
         "OR (OLD.visibility = 'hidden') <> (NEW.visibility = 'hidden'))")

# (name, table, timing and event, condition, statements(postgresql))
TRIGGERS = [
    # A new comment has no codings yet: one statement (bulk loads insert a million of them).
    ("comment_tally_comment_insert", "comment", "AFTER INSERT", COUNTED.format(row="NEW"),
     lambda pg: _comment_changes("NEW", "1", pg)[:1]),
    ("comment_tally_comment_delete", "comment", "BEFORE DELETE", COUNTED.format(row="OLD"),
     lambda pg: _comment_changes("OLD", "-1", pg)),
    ("comment_tally_comment_leave", "comment", "AFTER UPDATE", f"{MOVED} AND {COUNTED.format(row='OLD')}",
     lambda pg: _comment_changes("OLD", "-1", pg)),
    ("comment_tally_comment_enter", "comment", "AFTER UPDATE", f"{MOVED} AND {COUNTED.format(row='NEW')}",
     lambda pg: _comment_changes("NEW", "1", pg)),
    ("comment_tally_coding_insert", "coding", "AFTER INSERT", "NOT NEW.blind",
     lambda pg: _coding_changes("NEW", "1", pg)),
    ("comment_tally_coding_delete", "coding", "AFTER DELETE", "NOT OLD.blind",
     lambda pg: _coding_changes("OLD", "-1", pg)),
    ("comment_tally_coding_leave", "coding", "AFTER UPDATE",
     "NOT OLD.blind AND (OLD.comment_id <> NEW.comment_id OR OLD.code_id <> NEW.code_id OR NEW.blind)",
     lambda pg: _coding_changes("OLD", "-1", pg)),
    ("comment_tally_coding_enter", "coding", "AFTER UPDATE",
     "NOT NEW.blind AND (OLD.comment_id <> NEW.comment_id OR OLD.code_id <> NEW.code_id OR OLD.blind)",
     lambda pg: _coding_changes("NEW", "1", pg)),
]


def _sqlite_trigger(name, table, when, condition, statements) -> str:
    # SQLite has no IS DISTINCT FROM: IS NOT compares NULLs the same way.
    condition = condition.replace("IS DISTINCT FROM", "IS NOT")
    body = "\n  ".join(statements(False))
    return f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW WHEN {condition}\nBEGIN\n  {body}\nEND"


def _postgresql_trigger(name, table, when, condition, statements) -> list[str]:
    if table == "coding":
        # PostgreSQL fires AFTER row triggers once the whole statement is done, when every row a
        # statement inserted or deleted is already there or gone: two codings of one comment added
        # together would each count their pair. A BEFORE row trigger sees the rows handled before
        # it, as SQLite's triggers do, so each pair is counted once.
        when = when.replace("AFTER", "BEFORE")
    body = "\n  ".join(statements(True))
    result = "OLD" if when.endswith("DELETE") else "NEW"
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  {body}\n  RETURN {result};\nEND\n$$",
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION {name}()",
    ]


def _fill() -> list[str]:
    """The counts of what is there already."""
    visible = "c.visibility <> 'hidden'"
    return [
        f"INSERT INTO comment_tally ({KEY}, n) SELECT c.consultation_id, COALESCE(c.topic_id, 0), 0, c.channel, 0, "
        f"count(*) FROM comment c WHERE {visible} GROUP BY 1, 2, 4",
        f"INSERT INTO comment_tally ({KEY}, n) SELECT c.consultation_id, COALESCE(c.topic_id, 0), g.code_id, "
        f"c.channel, 0, count(*) FROM comment c JOIN coding g ON g.comment_id = c.id AND NOT g.blind "
        f"WHERE {visible} GROUP BY 1, 2, 3, 4",
        f"INSERT INTO comment_tally ({KEY}, n) SELECT c.consultation_id, COALESCE(c.topic_id, 0), a.code_id, '', "
        f"b.code_id, count(*) FROM comment c JOIN coding a ON a.comment_id = c.id AND NOT a.blind "
        f"JOIN coding b ON b.comment_id = c.id AND NOT b.blind AND b.id <> a.id "
        f"WHERE {visible} GROUP BY 1, 2, 3, 5",
    ]


def upgrade():
    op.create_table(
        'comment_tally',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('code_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('channel', sa.String(length=15), nullable=False),
        sa.Column('other_code_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'],
                                name=op.f('fk_comment_tally_consultation_id_consultation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('consultation_id', 'topic_id', 'code_id', 'channel', 'other_code_id',
                                name=op.f('pk_comment_tally')),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _fill():
        op.execute(statement)
    for trigger in TRIGGERS:
        if postgresql:
            for statement in _postgresql_trigger(*trigger):
                op.execute(statement)
        else:
            op.execute(_sqlite_trigger(*trigger))


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, *_rest in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table('comment_tally')
