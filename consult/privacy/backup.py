"""Backups of the database and their restoration.

SQLite: the online backup API of sqlite3 copies a consistent snapshot while the site keeps running,
and copies it back the same way (other connections see the restored data at their next transaction).
PostgreSQL: pg_dump in its custom format, pg_restore in one transaction (all or nothing). The
uploaded documents live on disk, not in the database: docs/backup.md says how to save them too.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.engine import URL


class BackupError(RuntimeError):
    """What went wrong, in words fit for the command line."""


def dialect(url: URL) -> str:
    return url.get_backend_name()


# -- SQLite -----------------------------------------------------------------------------------

def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(_("An in-memory SQLite database cannot be backed up."))
    return Path(url.database).resolve()


def _check_sqlite_backup(path: Path) -> None:
    """A file restore would accept: an SQLite database, intact, made by this application."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(_("%(path)s is damaged (its integrity check failed).", path=path))
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(_("%(path)s is not an SQLite database: %(error)s", path=path, error=error)) from error
    if "alembic_version" not in tables or "consultation" not in tables:
        raise BackupError(_("%(path)s is not a backup of this application's database.", path=path))


def _copy_sqlite(source: Path, target: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


def backup_sqlite(url: URL, target: Path) -> None:
    database = _sqlite_file(url)
    target = target.resolve()
    if target == database:
        raise BackupError(_("The backup cannot overwrite the database itself."))
    # Written beside the target, then renamed: a backup interrupted halfway never looks complete.
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        _copy_sqlite(database, Path(partial))
        _check_sqlite_backup(Path(partial))
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def restore_sqlite(url: URL, source: Path) -> None:
    database = _sqlite_file(url)
    _check_sqlite_backup(source)
    origin = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    destination = sqlite3.connect(database, timeout=30)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


# -- PostgreSQL -------------------------------------------------------------------------------

def _libpq(url: URL) -> tuple[str, dict]:
    """The URL pg_dump understands, and the environment carrying the password (never on the
    command line, where other users of the machine could read it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("%(tool)s is needed for a PostgreSQL database (apt-get install postgresql-client).",
                            tool=name))
    return path


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s", tool=Path(command[0]).name,
                             error=result.stderr.strip() or result.returncode))


def backup_postgresql(url: URL, target: Path) -> None:
    address, env = _libpq(url)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.resolve().parent)
    os.close(handle)
    try:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              f"--dbname={address}"], env)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def restore_postgresql(url: URL, source: Path) -> None:
    address, env = _libpq(url)
    # One transaction: a restore that fails halfway leaves the database as it was.
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={address}", str(source)], env)


# -- either -----------------------------------------------------------------------------------

def backup(url: URL, target: Path) -> None:
    if not target.resolve().parent.is_dir():
        raise BackupError(_("The folder of %(path)s does not exist.", path=target))
    if dialect(url) == "sqlite":
        backup_sqlite(url, target)
    elif dialect(url) == "postgresql":
        backup_postgresql(url, target)
    else:
        raise BackupError(_("Backups of %(dialect)s databases are not supported.", dialect=dialect(url)))


def restore(url: URL, source: Path) -> None:
    if not source.is_file():
        raise BackupError(_("%(path)s does not exist.", path=source))
    if dialect(url) == "sqlite":
        restore_sqlite(url, source)
    elif dialect(url) == "postgresql":
        restore_postgresql(url, source)
    else:
        raise BackupError(_("Restoring %(dialect)s databases is not supported.", dialect=dialect(url)))
