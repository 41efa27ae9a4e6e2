"""partners: compensation, ledger, accommodations

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:46:43.370692

"""
import sqlalchemy as sa
from alembic import op

import consult.models.base

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compensation_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('eligible_category_ids', sa.JSON(), nullable=False),
    sa.Column('rate_unit', sa.String(length=10), nullable=False),
    sa.Column('forum_rate_cents', sa.Integer(), nullable=False),
    sa.Column('interview_rate_cents', sa.Integer(), nullable=False),
    sa.Column('expense_caps', sa.JSON(), nullable=False),
    sa.Column('updated_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rate_unit IN ('session','hour')", name=op.f('ck_compensation_policy_rate_unit')),
    sa.CheckConstraint('forum_rate_cents >= 0 AND interview_rate_cents >= 0', name=op.f('ck_compensation_policy_rates_not_negative')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_compensation_policy_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_policy')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_compensation_policy_consultation_id'))
    )
    op.create_table('compensation_choice',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('opted_in', sa.Boolean(), nullable=False),
    sa.Column('at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_compensation_choice_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', name=op.f('pk_compensation_choice'))
    )
    op.create_table('accommodation',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('other', sa.Text(), nullable=False),
    sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_accommodation_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_accommodation_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_accommodation'))
    )
    with op.batch_alter_table('accommodation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accommodation_participant_id'), ['participant_id'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('expense_kind', sa.String(length=12), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('receipt_file', sa.String(length=100), nullable=False),
    sa.Column('receipt_filename', sa.String(length=255), nullable=False),
    sa.Column('receipt_mimetype', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('attendance','expense')", name=op.f('ck_ledger_entry_kind')),
    sa.CheckConstraint("status IN ('pending','approved','refused')", name=op.f('ck_ledger_entry_status')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_ledger_entry_amount_not_negative')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_ledger_entry_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_ledger_entry_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['staff_user.id'], name=op.f('fk_ledger_entry_entered_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ledger_entry_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_ledger_entry_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('registration_id', 'kind', name='uq_ledger_entry_registration_kind')
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_consultation_status', ['consultation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_participant_id'), ['participant_id'], unique=False)

    op.create_table('forum_access',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.CheckConstraint("mode IN ('open','invitation','track')", name=op.f('ck_forum_access_mode')),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_forum_access_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', name=op.f('pk_forum_access'))
    )
    op.create_table('session_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_session_invitation_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['staff_user.id'], name=op.f('fk_session_invitation_invited_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_invitation')),
    sa.UniqueConstraint('forum_id', 'email', name=op.f('uq_session_invitation_forum_id_email'))
    )
    with op.batch_alter_table('session_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_invitation_forum_id'), ['forum_id'], unique=False)
    op.create_table('representation_target',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('by_category', sa.JSON(), nullable=False),
    sa.Column('by_region', sa.JSON(), nullable=False),
    sa.Column('updated_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_representation_target_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_representation_target'))
    )
    op.create_table('pool_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('preferred_language', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=False),
    sa.Column('joined_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_member')),
    sa.UniqueConstraint('email', name=op.f('uq_pool_member_email'))
    )
    op.create_table('pool_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_pool_invitation_forum_id_forum'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['staff_user.id'], name=op.f('fk_pool_invitation_invited_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['pool_member.id'], name=op.f('fk_pool_invitation_member_id_pool_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_invitation'))
    )
    with op.batch_alter_table('pool_invitation', schema=None) as batch_op:
        batch_op.create_index('ix_pool_invitation_member_at', ['member_id', 'invited_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pool_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_pool_invitation_member_at')

    op.drop_table('pool_invitation')
    op.drop_table('pool_member')
    op.drop_table('representation_target')
    with op.batch_alter_table('session_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_invitation_forum_id'))

    op.drop_table('session_invitation')
    op.drop_table('forum_access')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entry_participant_id'))
        batch_op.drop_index('ix_ledger_entry_consultation_status')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('accommodation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accommodation_participant_id'))

    op.drop_table('accommodation')
    op.drop_table('compensation_choice')
    op.drop_table('compensation_policy')
