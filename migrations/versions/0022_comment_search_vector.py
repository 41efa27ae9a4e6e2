"""on PostgreSQL, each comment's words kept in a stored column (search_vector) with the GIN index
on it, instead of an index on the expression: a search's filter then reads the stored words
instead of computing to_tsvector for every row it looks at (what PostgreSQL's manual advises)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 13:00:00

"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite searches its FTS5 table
    # Rewrites the table: about a minute for a million comments, during which it is locked.
    op.execute("ALTER TABLE comment ADD COLUMN search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED")
    op.execute("DROP INDEX IF EXISTS ix_comment_search")
    op.execute("CREATE INDEX ix_comment_search ON comment USING gin (search_vector)")
    # Without statistics on the new column the planner guesses how many comments a word matches,
    # and may read every match of a common one to sort a page of 25.
    op.execute("ANALYZE comment")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_comment_search")
    op.execute("ALTER TABLE comment DROP COLUMN search_vector")
    op.execute("CREATE INDEX ix_comment_search ON comment USING gin (to_tsvector('simple', search_text))")
