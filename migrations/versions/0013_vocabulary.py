"""a consultation's level names, prompts and codebook preset; where a comment's language came from

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# The reference consultation's choices, frozen here as they were when this revision was written.
LEVELS = [{"singular": {"fr": "axe", "en": "axis"}, "plural": {"fr": "axes", "en": "axes"}},
          {"singular": {"fr": "orientation", "en": "orientation"},
           "plural": {"fr": "orientations", "en": "orientations"}}]
PROMPTS = [{"key": "liked", "label": {"fr": "Ce que vous appréciez", "en": "What you like"}},
           {"key": "disliked", "label": {"fr": "Ce que vous n'appréciez pas", "en": "What you dislike"}},
           {"key": "unclear", "label": {"fr": "Ce qui est peu clair", "en": "What is unclear"}},
           {"key": "adjust", "label": {"fr": "Ce qui devrait être ajusté", "en": "What should be adjusted"}},
           {"key": "missing", "label": {"fr": "Ce qui manque", "en": "What is missing"}}]
CODEBOOK = {
    "groups": {"clarify": {"fr": "À préciser ou à modifier", "en": "To clarify or change"},
               "strengthen": {"fr": "Manquant ou à bonifier", "en": "Missing or to strengthen"}},
    "codes": [
        {"key": "PRECISER", "label": {"fr": "Préciser", "en": "Clarify"}, "group": "clarify", "shortcut": "1",
         "description": {"fr": "Rendre plus clair ou plus explicite ce qui est déjà proposé.",
                         "en": "Make what is already proposed clearer or more explicit."}},
        {"key": "MODIFIER", "label": {"fr": "Modifier", "en": "Change"}, "group": "clarify", "shortcut": "2",
         "description": {"fr": "Changer une partie de ce qui est proposé.", "en": "Change part of what is proposed."}},
        {"key": "INCLURE", "label": {"fr": "Inclure", "en": "Include"}, "group": "strengthen", "shortcut": "3",
         "description": {"fr": "Ajouter un élément absent de la proposition.",
                         "en": "Add something the proposal leaves out."}},
        {"key": "BONIFIER", "label": {"fr": "Bonifier", "en": "Strengthen"}, "group": "strengthen", "shortcut": "4",
         "description": {"fr": "Renforcer ou élargir un élément déjà proposé.",
                         "en": "Strengthen or widen something already proposed."}},
    ],
}


def upgrade():
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.add_column(sa.Column('levels', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('prompts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('codebook', sa.JSON(), nullable=True))
    consultation = sa.table('consultation', sa.column('levels', sa.JSON()), sa.column('prompts', sa.JSON()),
                            sa.column('codebook', sa.JSON()))
    op.execute(consultation.update().values(levels=LEVELS, prompts=PROMPTS, codebook=CODEBOOK))
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.alter_column('levels', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('prompts', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('codebook', existing_type=sa.JSON(), nullable=False)
    # "person" (what they chose), "detected" (from the text) or "analyst" (corrected by hand). A plain
    # ADD COLUMN: rebuilding the comment table on SQLite would break the tally's triggers on it.
    op.add_column('comment', sa.Column('language_source', sa.String(length=10), nullable=False,
                                       server_default='person'))


def downgrade():
    op.execute("ALTER TABLE comment DROP COLUMN language_source")
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.drop_column('codebook')
        batch_op.drop_column('prompts')
        batch_op.drop_column('levels')


