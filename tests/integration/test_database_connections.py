"""A pooled PostgreSQL connection lost while it sat unused (the server restarted, or something between
closed it) is found out before a request uses it; one in steady use is trusted without a round trip."""
import time

import pytest
from sqlalchemy import create_engine, exc, text

from consult import create_app
from consult.extensions import db


@pytest.fixture
def own_pool(app):
    """An application with a connection pool of its own on the suite's database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("postgresql"):
        pytest.skip("a SQLite file has no server to lose a connection to")

    def make(idle_seconds: float):
        made = create_app({"CONSULT_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret",
                           "SQLALCHEMY_DATABASE_URI": uri, "DATABASE_PING_AFTER_IDLE_SECONDS": idle_seconds})
        made_apps.append(made)
        return made

    made_apps = []
    yield make
    for made in made_apps:
        with made.app_context():
            db.engine.dispose()


def _pooled_connection_closed_by_the_server(app) -> None:
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()  # back to the pool
    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with killer.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    finally:
        killer.dispose()


def test_a_connection_lost_while_unused_is_replaced_before_use(own_pool):
    app = own_pool(idle_seconds=0.05)
    _pooled_connection_closed_by_the_server(app)
    time.sleep(0.1)
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_in_steady_use_is_not_pinged(own_pool):
    app = own_pool(idle_seconds=3600)
    _pooled_connection_closed_by_the_server(app)
    with app.app_context(), pytest.raises(exc.OperationalError):
        db.session.execute(text("SELECT 1"))


def test_a_ping_leaves_no_transaction_open(own_pool):
    """Work that needs the connection outside a transaction (autocommit) can follow a ping."""
    app = own_pool(idle_seconds=0)
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
