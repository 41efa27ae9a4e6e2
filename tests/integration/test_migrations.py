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


def test_evaluation_questions_and_answers_carried_over(app, tmp_path):
    """Questions of the first evaluation (scale/open) become the builder's kinds with the five-point options, and
    answers already given take random ids."""
    import json as json_module

    from flask_migrate import upgrade
    from sqlalchemy import text

    from consult import create_app

    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
                        "SECRET_KEY": "x", "TESTING": True})
    with other.app_context():
        upgrade(revision="0017")
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only the two tables matter here
            connection.execute(text("INSERT INTO evaluation_item (id, consultation_id, kind, position, label_fr, "
                                    "label_en, active) VALUES (1, 1, 'scale', 1, 'Clair', 'Clear', 1), "
                                    "(2, 1, 'open', 2, 'Quoi?', 'What?', 1)"))
            connection.execute(text("INSERT INTO evaluation_answer (id, forum_id, item_id, value, text) VALUES "
                                    "(1, 1, 1, '4', ''), (2, 1, 2, '', 'Bien')"))
            connection.commit()
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            items = connection.execute(text("SELECT id, kind, options, required FROM evaluation_item "
                                            "ORDER BY id")).all()
            ids = [row[0] for row in connection.execute(text("SELECT id FROM evaluation_answer"))]
        assert [(row[0], row[1]) for row in items] == [(1, "likert"), (2, "long_text")]
        options = json_module.loads(items[0][2]) if isinstance(items[0][2], str) else items[0][2]
        assert [option["value"] for option in options] == ["5", "4", "3", "2", "1"]
        assert not items[0][3]
        assert len(ids) == 2 and min(ids) > 2 ** 31
        db.engine.dispose()


def test_an_upgraded_database_keeps_the_analysis_lists_from_its_first_request(app, tmp_path):
    """A database from before the "lists" stamp gets one on upgrade: without it the analysis pages would
    read their filter lists again at every request until someone changed a code or the tree."""
    from flask_migrate import upgrade

    from consult import change_stamps, create_app

    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
                        "SECRET_KEY": "x", "TESTING": True})
    with other.app_context():
        upgrade(revision="0020")
        with db.engine.connect() as connection:
            assert change_stamps.read(connection, change_stamps.LISTS) is None
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            assert change_stamps.read(connection, change_stamps.LISTS) is not None
        db.engine.dispose()
