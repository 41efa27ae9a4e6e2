"""staff roles held in one consultation only

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_role') as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_staff_role_consultation_id_consultation'), 'consultation',
                                    ['consultation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_staff_role_consultation_id'), ['consultation_id'], unique=False)
        batch_op.drop_constraint('uq_staff_role_user_id_role', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_staff_role_user_id_role_consultation_id'),
                                          ['user_id', 'role', 'consultation_id'])


def downgrade():
    op.execute("DELETE FROM staff_role WHERE consultation_id IS NOT NULL")
    with op.batch_alter_table('staff_role') as batch_op:
        batch_op.drop_constraint('uq_staff_role_user_id_role_consultation_id', type_='unique')
        batch_op.create_unique_constraint('uq_staff_role_user_id_role', ['user_id', 'role'])
        batch_op.drop_index(batch_op.f('ix_staff_role_consultation_id'))
        batch_op.drop_constraint('fk_staff_role_consultation_id_consultation', type_='foreignkey')
        batch_op.drop_column('consultation_id')
