"""the analysis lists' change stamp, so that a database upgraded from an earlier version keeps the
filter lists from its first request (a new database writes it with its first code or topic)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 06:50:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    present = connection.execute(sa.text("SELECT 1 FROM change_stamp WHERE scope = 'lists'")).first()
    if present is None:
        connection.execute(sa.text("INSERT INTO change_stamp (scope, stamp) VALUES ('lists', :stamp)"),
                           {"stamp": secrets.randbelow(2**62) + 1})


def downgrade():
    op.execute("DELETE FROM change_stamp WHERE scope = 'lists'")
