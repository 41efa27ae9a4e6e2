"""Faults: the mail server down or dropping the line, the database busy with concurrent writers, and a
worker killed in the middle of a submit. Nothing is lost, nothing is half-written, nobody gets a 500."""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import AnswerVersion, Forum, OutboxMessage, Registration, Response, Submission, SubmissionCounter
from consult.models.base import utcnow
from tests.conftest import csrf_token_from, submit_form
from tests.factories import consultation_of
from tests.privacy_data import ALICE, alice_takes_part
from tests.smtp_fixture import free_port

ROOT = Path(__file__).resolve().parents[2]
SLUG = "politique-premiere-ligne-2025"


# -- the mail server ------------------------------------------------------------------------------

def test_a_request_never_waits_for_the_mail_server(app, client, demo, uploads_dir, monkeypatch):
    with app.app_context():
        alice_takes_part(demo)

    def unreachable(*_args, **_kwargs):
        raise AssertionError("no request may talk to the mail server")

    monkeypatch.setattr("smtplib.SMTP.__init__", unreachable)
    started = time.monotonic()
    response = submit_form(client, f"/consultations/{SLUG}/my-data", {"email": ALICE})
    assert response.status_code == 303 and time.monotonic() - started < 2
    with app.app_context():
        queued = db.session.scalar(select(OutboxMessage).where(OutboxMessage.object_type == "participant"))
        assert queued.status == "pending" and queued.to_address == ALICE


class HangUp(threading.Thread):
    """An SMTP server that greets, then drops the line when asked to take a message."""

    def __init__(self):
        super().__init__(daemon=True)
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(5)
        self.connections = 0

    def run(self):
        try:
            while True:
                connection, _address = self.listener.accept()
                self.connections += 1
                with connection:
                    connection.sendall(b"220 mail.example.org ESMTP\r\n")
                    reader = connection.makefile("rb")
                    for line in reader:
                        if line.upper().startswith((b"EHLO", b"HELO")):
                            connection.sendall(b"250 mail.example.org\r\n")
                        else:
                            connection.shutdown(socket.SHUT_RDWR)  # MAIL FROM: hang up mid-transaction
                            break
                    reader.close()
        except OSError:
            return

    def stop(self):
        self.listener.close()


def test_a_server_that_hangs_up_mid_message_loses_nothing(app, ctx, smtp_server, monkeypatch):
    from consult.mail.outbox import queue_message

    message = queue_message("ana@example.org", "Votre lien", "Corps", language="fr")
    db.session.commit()
    hang_up = HangUp()
    hang_up.start()
    monkeypatch.setitem(app.config, "SMTP_PORT", hang_up.port)
    try:
        report = deliver_pending()
    finally:
        hang_up.stop()
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0) and hang_up.connections == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == "pending" and "Disconnected" in row.last_error
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_server.port)
    assert deliver_pending(now=utcnow() + timedelta(minutes=2)).sent == 1
    assert [received["Subject"] for received in smtp_server.messages] == ["Votre lien"]


# -- a busy database ------------------------------------------------------------------------------

class WriteLock:
    """Holds the database's write lock from another connection, as a long transaction elsewhere would."""

    def __init__(self, app):
        self.app = app
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.dialect = "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def __enter__(self):
        if self.dialect == "sqlite":
            self.connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            with self.app.app_context():
                self.connection = db.engine.connect()
                self.transaction = self.connection.begin()
                # Conflicts with the row locks every sign-up takes on these tables.
                self.connection.execute(text("LOCK TABLE registration, forum IN SHARE ROW EXCLUSIVE MODE"))
        return self

    def __exit__(self, *_exc):
        if self.dialect == "sqlite":
            self.connection.execute("COMMIT")
        else:
            self.transaction.commit()
        self.connection.close()


def test_concurrent_writers_wait_for_the_lock_and_none_gets_an_error(app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "1000 per minute")
    with app.app_context():
        consultation = consultation_of(demo)
        forum = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", capacity=20,
                      starts_at=utcnow() + timedelta(days=10))
        db.session.add(forum)
        db.session.commit()
        forum_id = forum.id
    url = f"/consultations/{SLUG}/forums/{forum_id}/signup"
    people, per_thread = 8, 3
    clients = [app.test_client() for _ in range(people)]
    tokens = [csrf_token_from(client.get(url).get_data(as_text=True)) for client in clients]
    results, errors = [], []
    start = threading.Barrier(people + 1)

    def sign_up(number):
        try:
            start.wait()
            for turn in range(per_thread):
                response = clients[number].post(url, data={
                    "csrf_token": tokens[number], "name": f"P{number}", "email": f"p{number}-{turn}@example.org",
                    "region": "QC", "preferred_language": "fr", "consent_processing": "y",
                    "category": _category(app, demo)})
                results.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below with the statuses
            errors.append(repr(error))

    threads = [threading.Thread(target=sign_up, args=(number,)) for number in range(people)]
    for thread in threads:
        thread.start()
    with WriteLock(app):
        start.wait()
        time.sleep(1.5)  # every writer is now waiting for the lock
        assert results == [], "nobody wrote while the lock was held"
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(set(results)) == [303], results
    assert len(results) == people * per_thread
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        confirmed = db.session.scalar(select(func.count()).select_from(Registration)
                                      .where(Registration.forum_id == forum_id, Registration.status == "confirmed"))
        waitlisted = db.session.scalar(select(func.count()).select_from(Registration)
                                       .where(Registration.forum_id == forum_id, Registration.status == "waitlisted"))
        assert (forum.seats_taken, confirmed, waitlisted) == (20, 20, 4), "no seat lost or given twice"


def _category(app, slug) -> str:
    with app.app_context():
        categories = consultation_of(slug).categories
        return str(categories[0].id) if categories else ""


# -- a worker killed during a submit --------------------------------------------------------------

CHILD = """
import os, re, signal, sys
os.environ["CONSULT_ENV"] = "testing"
sys.path.insert(0, {root!r})
from sqlalchemy import event
from consult import create_app
from consult.extensions import db

app = create_app({{"TESTING": True, "SECRET_KEY": {secret!r}, "SQLALCHEMY_DATABASE_URI": {database!r},
                   "RATELIMIT_ENABLED": False, "UPLOAD_FOLDER": {uploads!r}, "PERSONAL_LINK_COOKIES": False}})
client = app.test_client()
page = client.get({page!r})
assert page.status_code == 200, page.status_code
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
with app.app_context():
    engine = db.engine

@event.listens_for(engine, "commit")
def die(connection):
    # Every statement of the request has run; the transaction is about to be committed.
    os.kill(os.getpid(), signal.SIGKILL)

data = {{"csrf_token": token, **{data!r}}}
response = client.post({action!r}, data=data, content_type="multipart/form-data")
print("not killed:", response.status_code)
sys.exit(3)
"""


def run_and_kill(app, uploads_dir, page, action, data) -> subprocess.CompletedProcess:
    script = CHILD.format(root=str(ROOT), secret=app.config["SECRET_KEY"],
                          database=app.config["SQLALCHEMY_DATABASE_URI"], uploads=str(uploads_dir),
                          page=page, action=action, data=data)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection of ours holds a lock the child would wait for
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "CONSULT_ENV": "testing"}, cwd=ROOT)
    assert child.returncode == -signal.SIGKILL, (child.returncode, child.stdout, child.stderr[-3000:])
    return child


def test_a_worker_killed_during_a_questionnaire_submit_leaves_it_untouched(app, client, demo, uploads_dir):
    with app.test_request_context():
        taking = alice_takes_part(demo)
        from consult.questionnaires.notifications import response_token

        token = response_token(db.session.get(Response, taking.response_id))
    run_and_kill(app, uploads_dir, f"/questionnaire/{token}/review", f"/questionnaire/{token}/submit",
                 {"version": "0"})
    with app.app_context():
        response = db.session.get(Response, taking.response_id)
        assert (response.status, response.version, response.submitted_at) == ("draft", 0, None)
        assert db.session.scalar(select(func.count()).select_from(AnswerVersion)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.object_type == "questionnaire_response")) == 0
    # The person submits again: it all goes through, once.
    page = client.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    again = client.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(page), "version": "0"})
    assert again.status_code == 303
    with app.app_context():
        response = db.session.get(Response, taking.response_id)
        assert (response.status, response.version) == ("submitted", 1)
        assert db.session.scalar(select(func.count()).select_from(AnswerVersion)) == 1


def test_a_worker_killed_during_a_written_submission_leaves_no_trace_in_the_database(app, demo, uploads_dir):
    with app.app_context():
        counter_before = db.session.scalar(select(func.count()).select_from(SubmissionCounter))
    run_and_kill(app, uploads_dir, f"/consultations/{SLUG}/submissions/new", f"/consultations/{SLUG}/submissions/new",
                 {"name": "Eve", "email": "eve@example.org", "language": "fr", "general_text": "Mon avis complet.",
                  "consent_processing": "y", "action": "send"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
        assert db.session.scalar(select(func.count()).select_from(SubmissionCounter)) == counter_before
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert not re.search("eve@", str(db.session.execute(text("SELECT email FROM participant")).all()))
