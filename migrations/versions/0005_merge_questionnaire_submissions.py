"""merge the questionnaire and submissions branches

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-23 15:50:00

"""

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = ('0003', '0004')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
