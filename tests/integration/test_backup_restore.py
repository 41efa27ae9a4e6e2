"""`consult backup FILE` and `consult restore FILE`: back up, change the data, restore, find the original.
On SQLite through the online backup API; on PostgreSQL (CI) through pg_dump and pg_restore."""
import shutil

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import AuditEvent, Participant
from tests.factories import consultation_of
from tests.privacy_data import person

EN = {"CONSULT_LANG": "en"}


@pytest.fixture
def needs_tools(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.fail("pg_dump and pg_restore are needed on PATH to test PostgreSQL backups")


def _names():
    return sorted(db.session.scalars(select(Participant.name)))


def test_backup_change_restore_finds_the_original_data(app, runner, demo, tmp_path, needs_tools):
    with app.app_context():
        person(consultation_of(demo), "ana@example.org", "Ana")
        db.session.commit()
    target = tmp_path / "consult.backup"
    saved = runner.invoke(args=["consult", "backup", str(target)], env=EN)
    assert saved.exit_code == 0, saved.output
    assert "Database saved to" in saved.output and target.stat().st_size > 0
    assert oct(target.stat().st_mode & 0o777) == "0o600", "a backup holds personal data: owner only"

    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.email == "ana@example.org"))
        ana.name = "Changed after the backup"
        person(consultation_of(demo), "late@example.org", "Late")
        db.session.commit()
        assert _names() == ["Changed after the backup", "Late"]
        db.session.remove()

    refused = runner.invoke(args=["consult", "restore", str(target)], input="n\n", env=EN)
    assert refused.exit_code != 0
    with app.app_context():
        assert _names() == ["Changed after the backup", "Late"], "nothing restored without confirmation"
        db.session.remove()

    restored = runner.invoke(args=["consult", "restore", str(target), "--yes"], env=EN)
    assert restored.exit_code == 0, restored.output
    assert "Database restored from" in restored.output
    with app.app_context():
        assert _names() == ["Ana"]
        assert consultation_of(demo) is not None
        # The restored database is a working one: writes go through.
        person(consultation_of(demo), "after@example.org", "After")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def test_erasures_made_after_a_backup_are_made_again_after_restoring_it(app, runner, demo, tmp_path, needs_tools):
    with app.app_context():
        ana_id = person(consultation_of(demo), "ana@example.org", "Ana").id
        db.session.commit()
    target = tmp_path / "consult.backup"
    assert runner.invoke(args=["consult", "backup", str(target)], env=EN).exit_code == 0
    erased = runner.invoke(args=["consult", "erase", str(ana_id), "--yes"], env=EN)
    assert erased.exit_code == 0 and "participants erased: 1" in erased.output
    with app.app_context():
        [event_id] = db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "participant.erased"))
        db.session.remove()
    assert runner.invoke(args=["consult", "restore", str(target), "--yes"], env=EN).exit_code == 0
    with app.app_context():
        assert db.session.get(Participant, ana_id).name == "Ana", "the restore brought her back"
        db.session.remove()
    again = runner.invoke(args=["consult", "erase", event_id, "--yes"], env=EN)
    assert again.exit_code == 0 and "participants erased: 1" in again.output
    with app.app_context():
        assert db.session.get(Participant, ana_id).erased_at is not None
    twice = runner.invoke(args=["consult", "erase", event_id, "999", "--yes"], env=EN)
    assert "unknown or already erased" in twice.output and "participants erased: 0" in twice.output


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, demo, tmp_path, needs_tools):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = runner.invoke(args=["consult", "restore", str(bogus), "--yes"], env=EN)
    assert result.exit_code == 1
    with app.app_context():
        assert consultation_of(demo) is not None, "the database is untouched"
    missing = runner.invoke(args=["consult", "restore", str(tmp_path / "none.backup"), "--yes"], env=EN)
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_a_backup_never_overwrites_the_database_or_writes_nowhere(app, runner, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    result = runner.invoke(args=["consult", "backup", str(tmp_path / "no" / "such" / "dir.backup")], env=EN)
    assert result.exit_code == 1 and "does not exist" in result.output
    if url.startswith("sqlite:///"):
        itself = runner.invoke(args=["consult", "backup", url.removeprefix("sqlite:///")], env=EN)
        assert itself.exit_code == 1 and "cannot overwrite the database itself" in itself.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
