"""Limits that hold across workers and hosts: failed sign-ins counted in the database, and a rate-limit
storage that goes down slows nothing to a 500."""
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from consult.extensions import db, limiter
from consult.models import SignInFailure
from consult.models.base import utcnow
from tests.conftest import STAFF_PASSWORD, csrf_token_from
from tests.smtp_fixture import free_port

ROOT = Path(__file__).resolve().parents[2]


def try_password(client, password, email="staff@example.org"):
    page = client.get("/staff/login?lang=en")
    return client.post("/staff/login?lang=en", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": email, "password": password})


def test_wrong_passwords_are_counted_once_for_all_workers(app, make_staff):
    make_staff()
    workers = [app.test_client(), app.test_client()]
    # Each worker's rate limiter counts alone (forgotten here before every request); the database does not.
    for attempt in range(10):
        limiter.reset()
        response = try_password(workers[attempt % 2], "wrong password")
        assert response.status_code in (422, 429)
    limiter.reset()
    locked = try_password(workers[0], STAFF_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account or from this network." in locked.get_data(as_text=True)
    limiter.reset()
    assert try_password(workers[1], STAFF_PASSWORD).status_code == 429  # the other worker knows too

    # Another account, even from the same network, is not locked by these.
    make_staff("other@example.org")
    limiter.reset()
    assert try_password(app.test_client(), STAFF_PASSWORD, email="other@example.org").status_code == 303

    # The lockout expires.
    with app.app_context():
        db.session.execute(update(SignInFailure).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    limiter.reset()
    assert try_password(workers[0], STAFF_PASSWORD).status_code == 303


def test_too_many_failures_from_one_address_lock_it_for_every_account(app, make_staff, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", 3)
    make_staff()
    client = app.test_client()
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        limiter.reset()
        try_password(client, "guess", email=email)
    limiter.reset()
    assert try_password(client, STAFF_PASSWORD).status_code == 429


def test_failures_within_the_limit_are_forgiven_by_a_good_sign_in(app, make_staff):
    make_staff()
    client = app.test_client()
    for _ in range(9):
        limiter.reset()
        assert try_password(client, "wrong password").status_code == 422
    limiter.reset()
    assert try_password(client, STAFF_PASSWORD).status_code == 303
    with app.app_context():
        assert db.session.query(SignInFailure).filter_by(scope="account").count() == 0


REDIS_DOWN = r"""
import json, os, sys
os.environ["CONSULT_ENV"] = "testing"
from consult import create_app
from consult.extensions import db
app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "RATELIMIT_STORAGE_URI": sys.argv[2], "WTF_CSRF_ENABLED": False, "SERVER_NAME": None,
                  "LOGIN_RATE_LIMIT": "3 per minute"})
from flask_migrate import upgrade
with app.app_context():
    upgrade(revision="heads")
    from consult.auth.services import create_or_update_staff
    create_or_update_staff("staff@example.org", ["admin"], "correct horse battery staple")
    db.session.commit()
client = app.test_client()
statuses = [client.post("/staff/login", data={"email": "staff@example.org", "password": "nope"}).status_code
            for _ in range(4)]
health = client.get("/healthz")
print(json.dumps({"statuses": statuses, "health": health.get_json(), "health_status": health.status_code}))
"""


def test_a_rate_limit_storage_that_is_down_turns_nothing_into_a_500(tmp_path):
    closed_port = free_port()  # nothing listens there: Redis is "down"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN, f"sqlite:///{tmp_path / 'down.db'}", f"redis://127.0.0.1:{closed_port}/0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # Wrong passwords get their answer, and the limit still holds, counted in memory meanwhile.
    assert outcome["statuses"] == [422, 422, 422, 429]
    assert outcome["health_status"] == 200
    assert outcome["health"]["status"] == "degraded"
    assert outcome["health"]["rate_limit_storage"] == {"kind": "redis", "reachable": False,
                                                       "counting": "per-worker memory"}


def test_health_reports_the_rate_limit_storage(client):
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["rate_limit_storage"] == {"kind": "memory", "reachable": True, "counting": "per-worker memory"}
