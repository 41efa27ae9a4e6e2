"""Send the outbox over SMTP, one committed message at a time, with retries and backoff.

Several workers may run at once (a systemd service on two hosts, a timer overlapping a
manual run): a message is claimed by one atomic UPDATE that moves its next_attempt_at past
a lease, so no other worker sees it as due while it is being sent. A worker that dies
mid-send leaves the message to be retried once the lease has run out.
"""
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from flask import current_app
from sqlalchemy import and_, select, update

from ..extensions import db
from ..models import Invitation, OutboxMessage
from ..models.base import utcnow
from .outbox import SUBJECT_MAX, one_line
from .rendering import MessageGone, Rendered, render

# Longer than one message can take (connect, TLS, send: each bounded by SMTP_TIMEOUT).
CLAIM_LEASE = timedelta(minutes=15)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
ERROR_MAX = 2000  # characters of the last error kept on the row
SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Set when the SMTP server could not be reached; the run stops, messages stay pending.
    connection_error: str = ""

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


class _ConnectionFailed(Exception):
    """The server could not be reached or refused our login: no message is at fault."""


def deliver_pending(limit: int = 100, now: datetime | None = None, *,
                    should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send up to `limit` due pending messages. Commits after each one.

    `should_stop` is asked before each message (a worker told to stop finishes the one in hand).
    """
    now = now or utcnow()
    _security_mode()  # a configuration mistake should stop us before any message is claimed
    report = DeliveryReport()
    smtp = None
    try:
        for _ in range(limit):
            if should_stop():
                break
            message = _claim_next(now)
            if message is None:
                break
            if smtp is None:
                try:
                    smtp = _connect()
                except _ConnectionFailed as error:
                    _record_connection_failure(message, str(error), now)
                    report.retrying += 1
                    report.connection_error = str(error)
                    break
            smtp = _send_one(smtp, message, now, report)
    finally:
        _quit(smtp)
    return report


def retry_delay(attempts: int) -> timedelta:
    """1 min after the first failure, then 2, 4, 8... never more than 6 hours."""
    doublings = min(max(attempts - 1, 0), 20)  # bounded: a long outage keeps counting attempts
    return min(FIRST_RETRY * 2**doublings, LONGEST_RETRY)


def build_email(message: OutboxMessage, rendered: Rendered | None = None) -> EmailMessage:
    """The email to send; `rendered`: what the message says, when already rendered (rendering.render)."""
    rendered = rendered or render(message)
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = one_line(rendered.subject)[:SUBJECT_MAX]
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    if config.get("MAIL_REPLY_TO"):
        email["Reply-To"] = config["MAIL_REPLY_TO"]
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = _message_id(message)
    # RFC 3834: tells auto-responders (out-of-office) not to answer a robot.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(rendered.body_text)
    if rendered.body_html:
        email.add_alternative(rendered.body_html, subtype="html")
    for filename, mimetype, content in rendered.attachments:
        maintype, subtype, params = _split_mimetype(mimetype)
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename, params=params)
    # Last: set_content() and add_attachment() move or drop the Content-* headers set before.
    email["Content-Language"] = message.language
    return email


def _due(now: datetime):
    return and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Take the oldest due message for this worker alone, and commit the claim."""
    candidate = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_attempt_at,
                                                                    OutboxMessage.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        # Skip rows another worker is claiming instead of queueing behind its lock.
        candidate = candidate.with_for_update(skip_locked=True)
    # One statement, so the claim is atomic on SQLite too; the outer condition is re-checked
    # after any wait, so two workers can never both claim the same row.
    claimed_id = db.session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == candidate.scalar_subquery(), _due(now))
        .values(next_attempt_at=max(now, utcnow()) + CLAIM_LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(OutboxMessage, claimed_id) if claimed_id is not None else None


def _security_mode() -> str:
    security = current_app.config["SMTP_SECURITY"].strip().lower()
    if security not in SECURITY_MODES:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
    return security


def _connect() -> smtplib.SMTP:
    config = current_app.config
    security = _security_mode()
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    try:
        if security == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        except BaseException:
            _quit(smtp)
            raise
    except (OSError, smtplib.SMTPException) as error:
        raise _ConnectionFailed(f"{host}:{port}: {_describe(error)}") from error
    return smtp


def _send(smtp: smtplib.SMTP, email: EmailMessage) -> None:
    """smtplib.send_message() writes with the compat32 generator, which turns a body line starting with "From "
    into ">From " (mbox quoting): a receipt quoting "From my experience as a nurse..." must arrive as written."""
    sender = getaddresses([email["Sender"] or email["From"]])[0][1]
    recipients = [address for _, address in getaddresses(email.get_all("To", []) + email.get_all("Cc", []))]
    international = not (sender + "".join(recipients)).isascii()
    data = email.as_bytes(policy=policy.SMTPUTF8 if international else policy.SMTP)  # never mangles "From "
    smtp.sendmail(sender, recipients, data, mail_options=["SMTPUTF8", "BODY=8BITMIME"] if international else [])


def _send_one(smtp: smtplib.SMTP, message: OutboxMessage, now: datetime, report: DeliveryReport):
    """Send and record the outcome; returns the connection, or None when it is no longer usable."""
    try:
        rendered = render(message)
    except MessageGone as error:
        # Its registration was deleted or its person erased: never to be sent, nothing to retry.
        _record_gone(message, str(error), report)
        return smtp
    except Exception as error:  # noqa: BLE001 - one message that cannot be written must not stop the others
        db.session.rollback()
        current_app.logger.exception("outbox message %s could not be rendered", message.id)
        _record_failure(message, _describe(error), now, report)
        return smtp
    try:
        email = build_email(message, rendered)
    except (ValueError, TypeError) as error:
        # An address or header that cannot be written: no use sending, the connection is fine.
        _record_failure(message, _describe(error), now, report)
        return smtp
    try:
        _send(smtp, email)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        # The server answered and stays usable (smtplib reset the transaction).
        _record_failure(message, _describe(error), now, report)
        return smtp
    except (OSError, smtplib.SMTPException) as error:
        # Disconnected or timed out mid-message: reconnect for the next one.
        _record_failure(message, _describe(error), now, report)
        _quit(smtp)
        return None
    message.status = "sent"
    message.sent_at = utcnow()
    if message.kind:
        # What was sent, kept as for a message queued whole (the person's data download shows it).
        message.subject, message.body_text = one_line(rendered.subject)[:SUBJECT_MAX], rendered.body_text
    message.attempts += 1
    message.last_error = ""
    if message.object_type == "questionnaire_invitation" and message.object_id.isdigit():
        # An invitation counts as sent once its email is delivered, not when it was queued.
        db.session.execute(update(Invitation).where(Invitation.id == int(message.object_id),
                                                    Invitation.sent_at.is_(None)).values(sent_at=message.sent_at))
    db.session.commit()  # at once: a crash later in the run must not send this one again
    report.sent += 1
    return smtp


def _record_failure(message: OutboxMessage, error: str, now: datetime, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error[:ERROR_MAX]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        report.failed += 1
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        report.retrying += 1
    db.session.commit()


def _record_gone(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    message.attempts += 1
    message.status = "failed"
    message.last_error = error[:ERROR_MAX]
    report.failed += 1
    db.session.commit()


def _record_connection_failure(message: OutboxMessage, error: str, now: datetime) -> None:
    # An unreachable server is not the message's fault: it is retried with backoff but never
    # marked failed, so an outage of any length loses nothing.
    message.attempts += 1
    message.last_error = error[:ERROR_MAX]
    message.next_attempt_at = now + retry_delay(message.attempts)
    db.session.commit()


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _message_id(message: OutboxMessage) -> str:
    # The same for every attempt, so a receiver can drop a copy resent after a crash.
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<consult.{message.id}.{int(message.created_at.timestamp())}@{domain}>"


def _split_mimetype(mimetype: str) -> tuple[str, str, dict]:
    kind, *parameters = [part.strip() for part in mimetype.split(";")]
    maintype, _, subtype = kind.partition("/")
    params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
    return maintype or "application", subtype or "octet-stream", params


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"
