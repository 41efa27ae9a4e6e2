"""evaluation questions hold what a questionnaire question holds: kind, help, required, options, longest answer

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# The builder's five-point scale (consult/questionnaires/builder.py, LIKERT_OPTIONS), as it stood: the values
# the evaluation's scale answers were already stored with (5 strongly agree to 1 strongly disagree).
LIKERT = [
    {"value": "5", "label_fr": "Tout à fait d'accord", "label_en": "Strongly agree"},
    {"value": "4", "label_fr": "Plutôt d'accord", "label_en": "Somewhat agree"},
    {"value": "3", "label_fr": "Ni d'accord ni en désaccord", "label_en": "Neither agree nor disagree"},
    {"value": "2", "label_fr": "Plutôt en désaccord", "label_en": "Somewhat disagree"},
    {"value": "1", "label_fr": "Tout à fait en désaccord", "label_en": "Strongly disagree"},
]


def upgrade():
    with op.batch_alter_table('evaluation_item') as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluation_item_kind'), type_='check')
        batch_op.alter_column('kind', type_=sa.String(length=20), existing_nullable=False)
        batch_op.add_column(sa.Column('help_fr', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('help_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('max_length', sa.Integer(), server_default='5000', nullable=False))
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=True))
    item = sa.table('evaluation_item', sa.column('kind', sa.String()), sa.column('options', sa.JSON()))
    op.execute(item.update().where(item.c.kind == 'open').values(kind='long_text', options=[]))
    op.execute(item.update().where(item.c.kind == 'scale').values(kind='likert', options=LIKERT))
    with op.batch_alter_table('evaluation_item') as batch_op:
        batch_op.create_check_constraint('kind', "kind IN ('likert','long_text')")


def downgrade():
    with op.batch_alter_table('evaluation_item') as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluation_item_kind'), type_='check')
    item = sa.table('evaluation_item', sa.column('kind', sa.String()))
    op.execute(item.update().where(item.c.kind == 'long_text').values(kind='open'))
    op.execute(item.update().where(item.c.kind == 'likert').values(kind='scale'))
    with op.batch_alter_table('evaluation_item') as batch_op:
        batch_op.drop_column('options')
        batch_op.drop_column('max_length')
        batch_op.drop_column('required')
        batch_op.drop_column('help_en')
        batch_op.drop_column('help_fr')
        batch_op.alter_column('kind', type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_check_constraint('kind', "kind IN ('scale','open')")
