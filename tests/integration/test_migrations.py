"""The migrations build the schema from zero, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from consult.database import include_object
from consult.extensions import db


def test_migrations_and_models_agree(app, ctx):
    # The session fixture built this database with `flask db upgrade` from an empty one.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "render_as_batch": True,
                                                               "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], differences


def test_every_model_table_exists(app, ctx):
    tables = set(inspect(db.engine).get_table_names())
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_downgrade_and_upgrade_again(app, tmp_path):
    """A fresh database goes up, all the way down and up again."""
    from flask_migrate import downgrade, upgrade

    from consult import create_app

    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                        "SECRET_KEY": "x", "TESTING": True})
    with other.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert "topic" in inspect(db.engine).get_table_names()
        db.engine.dispose()
