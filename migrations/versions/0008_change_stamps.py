"""change stamps: what the caches of public pages and analysis counts check

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 20:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'change_stamp',
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_change_stamp')),
    )


def downgrade():
    op.drop_table('change_stamp')
