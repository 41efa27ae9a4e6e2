"""transcripts: recordings' turns, the passages placed on topics, and the "transcript" channel

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:50:00

"""
import sqlalchemy as sa
from alembic import op

import consult.models.base
from sqlite_triggers import put_comment_triggers_back, set_comment_triggers_aside

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD_CHANNELS = "channel IN ('questionnaire','submission','forum','interview')"
NEW_CHANNELS = "channel IN ('questionnaire','submission','forum','interview','transcript')"


def upgrade():
    op.create_table(
        'transcript',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forum_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=5), nullable=False),
        sa.Column('format', sa.String(length=4), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('retain_until', sa.Date(), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('kept_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('draft','kept')", name=op.f('ck_transcript_status')),
        sa.CheckConstraint("format IN ('vtt','srt','docx','txt')", name=op.f('ck_transcript_format')),
        sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_transcript_forum_id_forum'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by'], ['staff_user.id'], name=op.f('fk_transcript_uploaded_by_staff_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript')),
    )
    op.create_index(op.f('ix_transcript_forum_id'), 'transcript', ['forum_id'])
    op.create_table(
        'transcript_turn',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('transcript_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('speaker_label', sa.String(length=200), nullable=False),
        sa.Column('speaker_number', sa.Integer(), nullable=False),
        sa.Column('speaker_role', sa.String(length=12), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('start_ms', sa.Integer(), nullable=True),
        sa.Column('end_ms', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.CheckConstraint("speaker_role IN ('participant','facilitator','unidentified')",
                           name=op.f('ck_transcript_turn_speaker_role')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_transcript_turn_participant_id_participant'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'],
                                name=op.f('fk_transcript_turn_transcript_id_transcript'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_turn')),
        sa.UniqueConstraint('transcript_id', 'position', name=op.f('uq_transcript_turn_transcript_id_position')),
    )
    op.create_index('ix_transcript_turn_participant', 'transcript_turn', ['participant_id'])
    op.create_table(
        'transcript_passage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('transcript_id', sa.Integer(), nullable=False),
        sa.Column('first_position', sa.Integer(), nullable=False),
        sa.Column('last_position', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('placed_by', sa.Integer(), nullable=True),
        sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('last_position >= first_position', name=op.f('ck_transcript_passage_ordered')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_transcript_passage_participant_id_participant'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['placed_by'], ['staff_user.id'],
                                name=op.f('fk_transcript_passage_placed_by_staff_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_transcript_passage_topic_id_topic'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'],
                                name=op.f('fk_transcript_passage_transcript_id_transcript'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_passage')),
    )
    op.create_index(op.f('ix_transcript_passage_transcript_id'), 'transcript_passage', ['transcript_id'])
    op.create_index(op.f('ix_transcript_passage_topic_id'), 'transcript_passage', ['topic_id'])
    op.create_index(op.f('ix_transcript_passage_participant_id'), 'transcript_passage', ['participant_id'])
    triggers = set_comment_triggers_aside()
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passage_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_comment_passage_id_transcript_passage'), 'transcript_passage',
                                    ['passage_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(op.f('uq_comment_passage_id'), ['passage_id'])
        batch_op.drop_constraint(op.f('ck_comment_channel'), type_='check')
        batch_op.create_check_constraint('channel', sa.text(NEW_CHANNELS))
    put_comment_triggers_back(triggers)


def downgrade():
    op.execute("DELETE FROM comment WHERE channel = 'transcript'")
    triggers = set_comment_triggers_aside()
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_comment_channel'), type_='check')
        batch_op.create_check_constraint('channel', sa.text(OLD_CHANNELS))
        batch_op.drop_constraint(op.f('uq_comment_passage_id'), type_='unique')
        batch_op.drop_constraint(op.f('fk_comment_passage_id_transcript_passage'), type_='foreignkey')
        batch_op.drop_column('passage_id')
    put_comment_triggers_back(triggers)
    op.drop_table('transcript_passage')
    op.drop_table('transcript_turn')
    op.drop_table('transcript')
