"""failed staff sign-ins counted per account and per network address, shared by every worker and host;
walk-ins beyond a forum's capacity

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:50:00

"""
import sqlalchemy as sa
from alembic import op

import consult.models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=254), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_started_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('locked_until', consult.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('account','address')", name=op.f('ck_sign_in_failure_scope')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure')),
        sa.UniqueConstraint('scope', 'key', name=op.f('uq_sign_in_failure_scope_key')),
    )
    with op.batch_alter_table('registration') as batch_op:
        batch_op.add_column(sa.Column('beyond_capacity', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_column('beyond_capacity')
    op.drop_table('sign_in_failure')
