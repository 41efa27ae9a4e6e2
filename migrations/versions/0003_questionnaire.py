"""questionnaire: pages, questions, invitations, responses, answers and their versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('intro_fr', sa.Text(), nullable=False),
    sa.Column('intro_en', sa.Text(), nullable=False),
    sa.Column('access', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opens_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closes_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("access IN ('open','invitation')", name=op.f('ck_questionnaire_access')),
    sa.CheckConstraint("status IN ('draft','published')", name=op.f('ck_questionnaire_status')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_questionnaire_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_questionnaire_consultation_id'))
    )
    op.create_table('questionnaire_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_fr', sa.String(length=400), nullable=False),
    sa.Column('title_en', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_page_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_questionnaire_page_topic_id_topic'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_page')),
    sa.UniqueConstraint('questionnaire_id', 'topic_id', name=op.f('uq_questionnaire_page_questionnaire_id_topic_id'))
    )
    with op.batch_alter_table('questionnaire_page', schema=None) as batch_op:
        batch_op.create_index('ix_questionnaire_page_position', ['questionnaire_id', 'position'], unique=False)
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('prompt', sa.String(length=20), nullable=False),
    sa.Column('label_fr', sa.Text(), nullable=False),
    sa.Column('label_en', sa.Text(), nullable=False),
    sa.Column('help_fr', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('max_length', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('long_text','single_choice','multiple_choice','likert','agreement')", name=op.f('ck_question_kind')),
    sa.CheckConstraint('max_length >= 1', name=op.f('ck_question_max_length_positive')),
    sa.ForeignKeyConstraint(['page_id'], ['questionnaire_page.id'], name=op.f('fk_question_page_id_questionnaire_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_question_topic_id_topic'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index('ix_question_page_position', ['page_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_topic_id'), ['topic_id'], unique=False)
    op.create_table('questionnaire_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_questionnaire_invitation_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_invitation_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_invitation')),
    sa.UniqueConstraint('questionnaire_id', 'participant_id', name=op.f('uq_questionnaire_invitation_questionnaire_id_participant_id'))
    )
    with op.batch_alter_table('questionnaire_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_invitation_participant_id'), ['participant_id'], unique=False)
    op.create_table('questionnaire_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft','submitted')", name=op.f('ck_questionnaire_response_status')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_questionnaire_response_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_response_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_response')),
    sa.UniqueConstraint('questionnaire_id', 'participant_id', name=op.f('uq_questionnaire_response_questionnaire_id_participant_id'))
    )
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_response_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_questionnaire_response_status', ['questionnaire_id', 'status'], unique=False)
    op.create_table('questionnaire_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('updated_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_questionnaire_answer_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['questionnaire_response.id'], name=op.f('fk_questionnaire_answer_response_id_questionnaire_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_questionnaire_answer_response_id_question_id'))
    )
    with op.batch_alter_table('questionnaire_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_answer_question_id'), ['question_id'], unique=False)
    op.create_table('questionnaire_answer_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('saved_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('response_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['questionnaire_answer.id'], name=op.f('fk_questionnaire_answer_version_answer_id_questionnaire_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_answer_version'))
    )
    with op.batch_alter_table('questionnaire_answer_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_answer_version_answer_id'), ['answer_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('questionnaire_answer_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_answer_version_answer_id'))
    op.drop_table('questionnaire_answer_version')
    with op.batch_alter_table('questionnaire_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_answer_question_id'))
    op.drop_table('questionnaire_answer')
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_response_status')
        batch_op.drop_index(batch_op.f('ix_questionnaire_response_participant_id'))
    op.drop_table('questionnaire_response')
    with op.batch_alter_table('questionnaire_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_invitation_participant_id'))
    op.drop_table('questionnaire_invitation')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_topic_id'))
        batch_op.drop_index('ix_question_page_position')
    op.drop_table('question')
    with op.batch_alter_table('questionnaire_page', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_page_position')
    op.drop_table('questionnaire_page')
    op.drop_table('questionnaire')
    # ### end Alembic commands ###
