"""engagement: session evaluations (anonymous answers), glossary, plain-language summaries, settings

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:45:00

"""
import sqlalchemy as sa
from alembic import op

from consult.models.base import UTCDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evaluation_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label_fr', sa.Text(), nullable=False),
        sa.Column('label_en', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('scale','open')", name=op.f('ck_evaluation_item_kind')),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_item_consultation_id_consultation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_item')),
    )
    op.create_index('ix_evaluation_item_position', 'evaluation_item', ['consultation_id', 'position'])
    op.create_table(
        'evaluation_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forum_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_invitation_forum_id_forum')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_invitation_participant_id_participant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_invitation')),
        sa.UniqueConstraint('forum_id', 'participant_id',
                            name=op.f('uq_evaluation_invitation_forum_id_participant_id')),
    )
    op.create_index(op.f('ix_evaluation_invitation_participant_id'), 'evaluation_invitation', ['participant_id'])
    op.create_table(
        'evaluation_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forum_id', sa.Integer(), nullable=False),
        sa.Column('track_id', sa.Integer(), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_answer_forum_id_forum')),
        sa.ForeignKeyConstraint(['track_id'], ['track.id'], ondelete='SET NULL',
                                name=op.f('fk_evaluation_answer_track_id_track')),
        sa.ForeignKeyConstraint(['category_id'], ['participant_category.id'], ondelete='SET NULL',
                                name=op.f('fk_evaluation_answer_category_id_participant_category')),
        sa.ForeignKeyConstraint(['item_id'], ['evaluation_item.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_answer_item_id_evaluation_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_answer')),
    )
    op.create_index('ix_evaluation_answer_forum_item', 'evaluation_answer', ['forum_id', 'item_id'])
    op.create_table(
        'engagement_settings',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('evaluation_delay_minutes', sa.Integer(), nullable=False),
        sa.Column('readability_target', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE',
                                name=op.f('fk_engagement_settings_consultation_id_consultation')),
        sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_engagement_settings')),
    )
    op.create_table(
        'glossary_term',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('term_fr', sa.String(length=120), nullable=False),
        sa.Column('term_en', sa.String(length=120), nullable=False),
        sa.Column('expansion_fr', sa.String(length=300), nullable=False),
        sa.Column('expansion_en', sa.String(length=300), nullable=False),
        sa.Column('definition_fr', sa.Text(), nullable=False),
        sa.Column('definition_en', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE',
                                name=op.f('fk_glossary_term_consultation_id_consultation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_term')),
    )
    op.create_index('ix_glossary_term_consultation', 'glossary_term', ['consultation_id'])
    with op.batch_alter_table('topic') as batch:
        batch.add_column(sa.Column('plain_summary_fr', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('plain_summary_en', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('topic') as batch:
        batch.drop_column('plain_summary_en')
        batch.drop_column('plain_summary_fr')
    op.drop_index('ix_glossary_term_consultation', table_name='glossary_term')
    op.drop_table('glossary_term')
    op.drop_table('engagement_settings')
    op.drop_index('ix_evaluation_answer_forum_item', table_name='evaluation_answer')
    op.drop_table('evaluation_answer')
    op.drop_index(op.f('ix_evaluation_invitation_participant_id'), table_name='evaluation_invitation')
    op.drop_table('evaluation_invitation')
    op.drop_index('ix_evaluation_item_position', table_name='evaluation_item')
    op.drop_table('evaluation_item')
