"""The outbox and its delivery, against a real SMTP server on loopback."""
import os
import signal
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from consult.extensions import db
from consult.mail import delivery, outbox
from consult.mail.delivery import deliver_pending, retry_delay
from consult.mail.outbox import queue_message
from consult.models import OutboxMessage
from consult.models.base import utcnow
from tests.smtp_fixture import REFUSED_DOMAIN, free_port

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
PDF = b"%PDF-1.4 not really a pdf \x00\xff"


def _count():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _queue(to="ana@example.org", subject="Bonjour", **kwargs):
    kwargs.setdefault("language", "fr")
    message = queue_message(to, subject, "Le corps du message.", **kwargs)
    db.session.commit()
    return message


def test_a_queued_message_is_delivered_with_its_headers_and_attachments(app, ctx, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "Consultation <consult@consult.example.org>")
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "equipe@consult.example.org")
    message = _queue(subject="Votre place est confirmée : Forum", body_html="<p>Le corps du message.</p>",
                     attachments=[("invitation.ics", "text/calendar; method=REQUEST; charset=UTF-8", ICS),
                                  ("lecture.pdf", "application/pdf", PDF)],
                     object_type="registration", object_id=7)
    assert message.status == "pending" and message.attachments[0]["filename"] == "invitation.ics"

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == "Votre place est confirmée : Forum"
    assert received["To"] == "ana@example.org"
    assert received["From"] == "Consultation <consult@consult.example.org>"
    assert received["Reply-To"] == "equipe@consult.example.org"
    assert received["Content-Language"] == "fr"
    assert received["Message-ID"].endswith("@consult.example.org>") and received["Date"]
    assert received.get_body(("plain",)).get_content().strip() == "Le corps du message."
    assert "<p>Le corps du message.</p>" in received.get_body(("html",)).get_content()
    calendar, pdf = list(received.iter_attachments())
    assert calendar.get_filename() == "invitation.ics" and calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == ICS
    assert (pdf.get_filename(), pdf.get_content_type(), pdf.get_content()) == ("lecture.pdf", "application/pdf", PDF)

    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None and (row.object_type, row.object_id) == ("registration", "7")
    assert deliver_pending().total == 0, "a sent message is never sent again"
    assert len(smtp_server.messages) == 1


def test_a_dedupe_key_queues_the_message_once(ctx, smtp_server):
    assert _queue(dedupe_key="registration-1-confirmed") is not None
    assert _queue(dedupe_key="registration-1-confirmed") is None
    deliver_pending()
    assert _queue(dedupe_key="registration-1-confirmed") is None, "still refused once sent"
    assert _count() == 1 and len(smtp_server.messages) == 1


def test_a_lost_dedupe_race_leaves_the_rest_of_the_transaction_alone(ctx, monkeypatch):
    _queue(dedupe_key="reminder-9")
    earlier = queue_message("bob@example.org", "Other", "Body", language="en")
    # As if another process inserted the same key between our check and our insert.
    monkeypatch.setattr(outbox, "_already_queued", lambda key: False)
    assert queue_message("ana@example.org", "Again", "Body", language="fr", dedupe_key="reminder-9") is None
    db.session.commit()
    assert _count() == 2 and earlier.id is not None


def test_subjects_are_kept_on_one_line(ctx):
    message = _queue(subject="Forum\r\nBcc: everyone@example.org")
    assert message.subject == "Forum Bcc: everyone@example.org"


def test_smtp_down_keeps_the_message_then_delivers_it_when_back(app, ctx, smtp_server, monkeypatch):
    message = _queue()
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    before = utcnow()

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0) and report.connection_error
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error and row.next_attempt_at > before
    assert deliver_pending().total == 0, "not retried before its time"

    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_server.port)
    assert deliver_pending(now=row.next_attempt_at).sent == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert [m["Subject"] for m in smtp_server.messages] == ["Bonjour"]


def test_an_unreachable_server_touches_only_one_message_and_never_fails_any(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
    for number in range(3):
        _queue(subject=f"Message {number}")
    deliver_pending()
    deliver_pending(now=utcnow() + timedelta(hours=7))
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {row.status for row in rows} == {"pending"}, "an outage loses nothing"
    assert sum(row.attempts for row in rows) == 2, "one connection attempt per run, not one per message"


def test_a_refused_recipient_is_retried_with_backoff_then_failed(app, ctx, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    refused = _queue(to=f"nobody@{REFUSED_DOMAIN}")
    fine = _queue(to="ana@example.org", subject="Fine")
    now = utcnow()

    first = deliver_pending(now=now)

    assert (first.sent, first.retrying, first.failed) == (1, 1, 0), "the connection survives a refusal"
    db.session.expire_all()
    row = db.session.get(OutboxMessage, refused.id)
    assert (row.status, row.attempts) == ("pending", 1) and "550" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    deliver_pending(now=row.next_attempt_at)
    db.session.expire_all()
    row = db.session.get(OutboxMessage, refused.id)
    assert row.attempts == 2 and row.next_attempt_at - now == timedelta(minutes=3)
    last = deliver_pending(now=row.next_attempt_at)
    assert last.failed == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, refused.id).status == "failed"
    assert db.session.get(OutboxMessage, fine.id).status == "sent"
    assert deliver_pending(now=now + timedelta(days=2)).total == 0, "failed messages stay failed"


def test_retry_delays_double_and_stop_at_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(9) == timedelta(minutes=256)
    assert retry_delay(10) == retry_delay(40) == retry_delay(10_000) == timedelta(hours=6)


def test_a_claimed_message_is_not_due_for_another_worker(ctx, smtp_server):
    _queue()
    claimed = delivery._claim_next(utcnow())
    assert claimed is not None
    assert deliver_pending().total == 0 and smtp_server.messages == []
    # A worker that died holding it: the message comes back once the lease has run out.
    assert deliver_pending(now=utcnow() + delivery.CLAIM_LEASE + timedelta(seconds=1)).sent == 1


def test_two_workers_at_once_send_each_message_exactly_once(app, ctx, smtp_server):
    subjects = [f"Message {number}" for number in range(30)]
    for subject in subjects:
        queue_message("ana@example.org", subject, "Body", language="fr")
    db.session.commit()
    errors = []

    def worker():
        try:
            with app.app_context():
                deliver_pending()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(m["Subject"] for m in smtp_server.messages) == sorted(subjects)
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 30


def test_deliver_mail_command(app, runner, smtp_server, monkeypatch):
    with app.app_context():
        _queue()
    result = runner.invoke(args=["consult", "deliver-mail"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Mail: 1 sent, 0 to retry, 0 failed." in result.output
    assert len(smtp_server.messages) == 1

    with app.app_context():
        _queue(subject="Second")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    result = runner.invoke(args=["consult", "deliver-mail"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 1
    assert "Mail: 0 sent, 1 to retry, 0 failed." in result.output
    assert "SMTP server unreachable, messages kept for later" in result.output


def test_deliver_mail_loop_runs_until_sigterm(app, runner, smtp_server):
    with app.app_context():
        _queue()
    handler_before = signal.getsignal(signal.SIGTERM)

    def stop_once_delivered():
        deadline = time.monotonic() + 10
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # what systemd sends to stop the service

    stopper = threading.Thread(target=stop_once_delivered)
    stopper.start()
    result = runner.invoke(args=["consult", "deliver-mail", "--loop", "1"], env={"CONSULT_LANG": "en"})
    stopper.join()

    assert result.exit_code == 0, result.output
    assert "Mail: 1 sent, 0 to retry, 0 failed." in result.output
    assert len(smtp_server.messages) == 1
    assert signal.getsignal(signal.SIGTERM) is handler_before, "the previous handler is put back"


def test_deliver_mail_loop_needs_a_positive_interval(runner):
    result = runner.invoke(args=["consult", "deliver-mail", "--loop", "0"])
    assert result.exit_code == 2
