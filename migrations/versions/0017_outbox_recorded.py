"""outbox rows that record what to send (kind and parameters), rendered by the mail worker

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 01:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('kind')
