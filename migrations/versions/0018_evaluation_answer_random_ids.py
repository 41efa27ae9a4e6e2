"""evaluation answers take random ids: their order cannot be matched with the order people answered

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('ALTER TABLE evaluation_answer ALTER COLUMN id DROP DEFAULT')
        op.execute('ALTER TABLE evaluation_answer ALTER COLUMN id TYPE BIGINT')
        op.execute('DROP SEQUENCE IF EXISTS evaluation_answer_id_seq')
    # The answers already given get random ids too (SQLite's INTEGER key already holds 64 bits).
    table = sa.table('evaluation_answer', sa.column('id', sa.BigInteger()))
    for (old,) in bind.execute(sa.select(table.c.id)).all():
        bind.execute(table.update().where(table.c.id == old).values(id=secrets.randbelow(2 ** 62) + 2 ** 31))


def downgrade():
    bind = op.get_bind()
    table = sa.table('evaluation_answer', sa.column('id', sa.BigInteger()))
    for number, (old,) in enumerate(bind.execute(sa.select(table.c.id).order_by(table.c.id)).all(), start=1):
        bind.execute(table.update().where(table.c.id == old).values(id=number))
    if bind.dialect.name == 'postgresql':
        op.execute('ALTER TABLE evaluation_answer ALTER COLUMN id TYPE INTEGER')
        op.execute('CREATE SEQUENCE IF NOT EXISTS evaluation_answer_id_seq OWNED BY evaluation_answer.id')
        op.execute("SELECT setval('evaluation_answer_id_seq', COALESCE((SELECT MAX(id) FROM evaluation_answer), 0) + 1,"
                   " false)")
        op.execute("ALTER TABLE evaluation_answer ALTER COLUMN id SET DEFAULT nextval('evaluation_answer_id_seq')")
