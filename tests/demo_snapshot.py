"""`flask consult seed-demo` run once per test process for each set of arguments: the first test that asks runs
the command on the empty database, which is then kept aside (SQLite: a copy of the file; PostgreSQL: a database
made from it as a template); every later test that asks gets a copy of it and the output the command printed. The
command takes seconds (the demo with its activity: hundreds of records), a copy a fraction of that."""
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from consult.extensions import db


@dataclass(frozen=True)
class Seeded:
    """What the command answered, as click's runner gives it."""
    exit_code: int
    output: str


def _dispose(app) -> None:
    """Every connection closed: the database can be copied, dropped or replaced."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _sqlite_path(app) -> Path:
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """The backup API copies a database in WAL mode whole (a file copy could miss what the log still holds)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


class DemoSnapshots:
    def __init__(self, app, folder: Path, admin):
        self.app, self.folder, self.admin = app, folder, admin
        self.kept: dict[tuple, tuple[str, Seeded]] = {}
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.postgres = self.url.startswith("postgresql")

    def _database_is_empty(self) -> bool:
        with self.app.app_context():
            tables = [table.name for table in db.metadata.sorted_tables]
            query = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {name} LIMIT 1) AS t{i}"
                                       for i, name in enumerate(tables))
            with db.engine.connect() as connection:
                found = connection.execute(text(query)).first()
            db.session.remove()
        return found is None

    def seed(self, runner, args: tuple[str, ...], env: dict[str, str]) -> Seeded:
        key = (args, tuple(sorted(env.items())))
        if key in self.kept:
            name, seeded = self.kept[key]
            self._restore(name)
            return seeded
        # Only what the command makes on an empty database can stand for it in later tests.
        empty = self._database_is_empty()
        result = runner.invoke(args=["consult", "seed-demo", *args], env=env)
        seeded = Seeded(result.exit_code, result.output)
        if empty and result.exit_code == 0:
            self.kept[key] = (self._keep(len(self.kept)), seeded)
        return seeded

    def _keep(self, number: int) -> str:
        _dispose(self.app)
        if self.postgres:
            database = make_url(self.url).database
            name = f"{database}_demo{number}"
            # A template may have no one connected (a connection some test left checked out included).
            self.admin(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
                       f'CREATE DATABASE "{name}" TEMPLATE "{database}"')
            return name
        path = self.folder / f"demo{number}.db"
        _sqlite_copy(_sqlite_path(self.app), path)
        return str(path)

    def _restore(self, name: str) -> None:
        _dispose(self.app)
        if self.postgres:
            database = make_url(self.url).database
            self.admin(self.url, f'DROP DATABASE "{database}" WITH (FORCE)',
                       f'CREATE DATABASE "{database}" TEMPLATE "{name}"')
        else:
            _sqlite_copy(Path(name), _sqlite_path(self.app))

    def drop(self) -> None:
        if self.postgres:
            for name, _ in self.kept.values():
                self.admin(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            for name, _ in self.kept.values():
                Path(name).unlink(missing_ok=True)
        self.kept.clear()


def worker_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp(f"demo-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
