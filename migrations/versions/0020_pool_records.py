"""pool: the languages a member can take part in, and each consultation's record behind a member
(a later one with the same address waits for staff to confirm the match)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:50:00

"""
import sqlalchemy as sa
from alembic import op

import consult.models.base

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pool_member') as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))
    op.create_table('pool_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('proposed_at', consult.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', consult.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('linked','proposed','apart')", name=op.f('ck_pool_record_status')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_member.id'], name=op.f('fk_pool_record_member_id_pool_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_pool_record_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_pool_record_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_record')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_pool_record_participant_id'))
    )
    with op.batch_alter_table('pool_record') as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_record_member_id'), ['member_id'], unique=False)
    # Members so far: their preferred language is the one they can take part in, and every participant
    # with their address was merged without asking, so those records count as linked.
    bind = op.get_bind()
    member = sa.table('pool_member', sa.column('id'), sa.column('email'), sa.column('preferred_language'),
                      sa.column('languages', sa.JSON()))
    participant = sa.table('participant', sa.column('id'), sa.column('email'))
    record = sa.table('pool_record', sa.column('member_id'), sa.column('participant_id'), sa.column('status'),
                      sa.column('languages', sa.JSON()), sa.column('proposed_at'))
    now = sa.func.current_timestamp()
    for member_id, email, language in bind.execute(sa.select(member.c.id, member.c.email,
                                                             member.c.preferred_language)).all():
        bind.execute(member.update().where(member.c.id == member_id).values(languages=[language or 'fr']))
        for (participant_id,) in bind.execute(sa.select(participant.c.id).where(participant.c.email == email)):
            bind.execute(record.insert().values(member_id=member_id, participant_id=participant_id, status='linked',
                                                languages=[], proposed_at=now))
    with op.batch_alter_table('pool_member') as batch_op:
        batch_op.alter_column('languages', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('pool_record') as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_record_member_id'))
    op.drop_table('pool_record')
    with op.batch_alter_table('pool_member') as batch_op:
        batch_op.drop_column('languages')
