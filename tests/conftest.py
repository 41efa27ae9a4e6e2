"""Fixtures: one app and schema per test session (built by the real migrations), a clean
database for every test, and helpers to post forms the way a browser does."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

os.environ.setdefault("CONSULT_ENV", "testing")

from consult import create_app, page_cache  # noqa: E402
from consult.analysis.queries import forget_counts  # noqa: E402
from consult.extensions import db, limiter  # noqa: E402
from tests.demo_snapshot import DemoSnapshots, worker_folder  # noqa: E402
from tests.smtp_fixture import smtp_server  # noqa: E402,F401

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.db'}"
    return _worker_database(url) if _database_per_worker() else url


def _database_per_worker() -> bool:
    return bool(os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get("DATABASE_URL", "").startswith("postgres")


def _worker_name() -> str:
    from sqlalchemy.engine import make_url

    return f"{make_url(os.environ['DATABASE_URL']).database}_{os.environ['PYTEST_XDIST_WORKER']}"


def _admin(url: str, *statements: str) -> None:
    """Statements run on the server's `postgres` database, outside a transaction."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(url).set(drivername="postgresql+psycopg", database="postgres")
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker has a database of its own on the same server, made afresh and
    dropped at the end."""
    from sqlalchemy.engine import make_url

    name = _worker_name()
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _reset_postgres_schema(app):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("consult")
    app = create_app({
        "CONSULT_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir),
        "SERVER_NAME": None,
        # Most tests open personal pages by their token directly; tests/integration/test_walkthrough_links.py
        # and the browser suite check the exchange for a cookie.
        "PERSONAL_LINK_COOKIES": False,
    })
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _reset_postgres_schema(app)
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
    yield app
    if _database_per_worker():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{_worker_name()}" WITH (FORCE)')


def _table_names():
    return [table.name for table in reversed(db.metadata.sorted_tables)]


def _tables_with_rows(connection) -> list[str]:
    """The tables that hold a row, children first, found by one query: most tests write to a few."""
    names = _table_names()
    query = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in names)
    used = {row[0] for row in connection.execute(text(query))}
    return [name for name in names if name in used]


# The id sequences a test moved (set back so that ids start at 1 again, as in a new database).
# (CASE: the function fails on anything but a sequence, whatever order the planner tests the conditions in.)
MOVED_SEQUENCES = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = current_schema() AND "
                   "CASE WHEN c.relkind = 'S' THEN pg_sequence_last_value(c.oid) IS NOT NULL ELSE false END")


def _empty_postgres(connection) -> None:
    """Deletes the rows of the tables that hold any and restarts the sequences that moved: what TRUNCATE ...
    RESTART IDENTITY did, at a twentieth of its cost (TRUNCATE makes new files for each table it names and
    each table referring to them)."""
    dirty = _tables_with_rows(connection)
    try:
        with connection.begin_nested():
            for name in dirty:
                connection.execute(text(f"DELETE FROM {name}"))
            # Deleting comments takes them off the tally, whichever was emptied first.
            connection.execute(text("DELETE FROM comment_tally"))
    except IntegrityError:  # rows that refer to each other across tables: left to TRUNCATE
        connection.execute(text("TRUNCATE " + ", ".join(dirty) + " CASCADE"))
    for (sequence,) in connection.execute(text(MOVED_SEQUENCES)).all():
        connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(autouse=True)
def clean_database(app):
    """Every test starts from an empty database and fresh rate-limit counters."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                _empty_postgres(connection)
            else:
                for name in _tables_with_rows(connection):
                    connection.execute(text(f"DELETE FROM {name}"))
                # Deleting comments takes them off the tally, whichever was emptied first.
                connection.execute(text("DELETE FROM comment_tally"))
        limiter.reset()
        page_cache.forget(app)
        forget_counts(app)


# Tests that load the demo with its activity run in the same test process, which loads it only once.
SEEDED_DEMO = pytest.mark.xdist_group("seeded_demo")


@pytest.fixture(scope="session")
def demo_snapshots(app, tmp_path_factory):
    snapshots = DemoSnapshots(app, worker_folder(tmp_path_factory), _admin)
    yield snapshots
    snapshots.drop()


@pytest.fixture
def seed_demo(demo_snapshots, runner):
    """`flask consult seed-demo ARGS` in English (or `lang`) on the empty database: run once per test process
    for the same arguments, then copied from its result with what it printed (tests/demo_snapshot.py)."""

    def seed(*args: str, lang: str = "en"):
        return demo_snapshots.seed(runner, args, {"CONSULT_LANG": lang})

    return seed


@pytest.fixture
def uploads_in_tmp(app, tmp_path, monkeypatch):
    """Uploaded files go to a directory of the test's own."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def submit_form(client, page_url: str, data: dict, action: str | None = None, **kwargs):
    """GET the page, take its CSRF token, POST the form: what a browser does."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data}
    return client.post(action or page_url, data=payload, **kwargs)


# -- factories ---------------------------------------------------------------------------

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_staff(app):
    from consult.auth.services import create_or_update_staff

    def make(email="staff@example.org", roles=("admin",), password=STAFF_PASSWORD):
        with app.app_context():
            user, _ = create_or_update_staff(email, list(roles), password)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(client, make_staff):
    def do_login(roles=("admin",), email=None):
        email = email or f"{'-'.join(roles) or 'none'}@example.org"
        make_staff(email, roles)
        response = submit_form(client, "/staff/login", {"email": email, "password": STAFF_PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return do_login


@pytest.fixture
def demo(app):
    """The shipped demo consultation, open today."""
    from datetime import datetime, timezone

    from consult.cli import demo_document
    from consult.structure.importer import import_structure

    with app.app_context():
        consultation = import_structure(demo_document(datetime.now(timezone.utc)), source="demo").consultation
        db.session.commit()
        return consultation.slug


def minimal_document(**overrides) -> dict:
    document = {
        "format": "consult-structure/1",
        "slug": "mini",
        "languages": ["fr", "en"],
        "status": "open",
        "title": {"fr": "Mini consultation", "en": "Mini consultation EN"},
        "topics": [
            {"code": "1", "kind": "axis", "title": {"fr": "Axe un", "en": "Axis one"},
             "children": [
                 {"code": "1.1", "kind": "orientation", "title": {"fr": "Orientation un", "en": "Orientation one"},
                  "themes": [{"code": "1.1.T1", "name": {"fr": "Thème", "en": "Theme"}}],
                  "change_targets": [{"code": "1.1.C1", "text": {"fr": "Cible", "en": "Target"}}]},
             ]},
        ],
    }
    document.update(overrides)
    return document


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@pytest.fixture
def uploads_dir(app, monkeypatch, tmp_path):
    """Uploaded documents go to a folder of the test's own."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def world(app, demo, uploads_dir):
    """The demo consultation with something in every kind of record (tests/privacy_data.py)."""
    from tests.privacy_data import everything_of

    with app.test_request_context():
        return everything_of(demo)
