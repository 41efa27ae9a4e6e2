"""The benchmark warns when the shell's DATABASE_URL names PostgreSQL but the run, given no server of
its own, is on SQLite (what `scripts/with-postgres.sh python -m bench` does)."""
from bench.server import database_note

POSTGRES = "postgresql+psycopg://consult@127.0.0.1:5432/consult_test"


def test_a_postgresql_database_url_without_a_benchmark_server_is_said():
    note = database_note(None, {"DATABASE_URL": POSTGRES})
    assert note and "SQLite" in note and "BENCH_DATABASE_URL" in note


def test_nothing_is_said_when_the_run_has_its_server_or_the_shell_names_none():
    assert database_note(POSTGRES, {"DATABASE_URL": POSTGRES}) is None
    assert database_note(None, {}) is None
    assert database_note(None, {"DATABASE_URL": "sqlite:///instance/consult.db"}) is None
