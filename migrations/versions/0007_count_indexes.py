"""indexes for the analysis counts and the province filter

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:20:00

"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX: a batch operation could rebuild the comment table and lose its search triggers.
    op.create_index('ix_comment_topic_counts', 'comment', ['consultation_id', 'topic_id', 'visibility', 'channel'])
    op.create_index('ix_participant_consultation_region', 'participant', ['consultation_id', 'region'])


def downgrade():
    op.drop_index('ix_participant_consultation_region', table_name='participant')
    op.drop_index('ix_comment_topic_counts', table_name='comment')
