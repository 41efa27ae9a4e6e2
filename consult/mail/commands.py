"""`flask consult deliver-mail [--loop SECONDS]`: the outbox sent over SMTP, once or as a service."""
import signal
import sys
import threading

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from .delivery import deliver_pending


def _echo_delivery(report) -> None:
    click.echo(_("Mail: %(sent)s, %(retrying)s, %(failed)s.",
                 sent=ngettext("%(num)d sent", "%(num)d sent", report.sent),
                 retrying=ngettext("%(num)d to retry", "%(num)d to retry", report.retrying),
                 failed=ngettext("%(num)d failed", "%(num)d failed", report.failed)))
    if report.connection_error:
        click.echo(_("SMTP server unreachable, messages kept for later: %(error)s", error=report.connection_error),
                   err=True)


def _deliver_until_stopped(interval: int, limit: int) -> None:
    stop = threading.Event()
    # systemd stops a service with SIGTERM: finish the message in hand, then leave.
    previous = {signum: signal.signal(signum, lambda *_args: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            report = _delivery_round(limit, stop)
            # A full round means more may be waiting: go on at once.
            if report is None or report.total < limit or report.connection_error:
                stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _delivery_round(limit: int, stop: threading.Event):
    try:
        report = deliver_pending(limit, should_stop=stop.is_set)
    except SQLAlchemyError as error:
        # The database may be restarting: try again next round rather than exit.
        db.session.rollback()
        click.echo(_("Database unavailable: %(error)s", error=error), err=True)
        return None
    finally:
        db.session.remove()  # hand the connection back between rounds
    if report.total:
        _echo_delivery(report)
    return report


@consult.command("deliver-mail",
                 help=cli_l("Send the emails waiting in the outbox over SMTP, with retries."))
@click.option("--loop", "interval", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help=cli_l("Keep running, looking for due messages every SECONDS (for a systemd service)."))
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help=cli_l("Most messages sent per round."))
def deliver_mail(interval: int | None, limit: int):
    if interval is not None:
        _deliver_until_stopped(interval, limit)
        return
    report = deliver_pending(limit)
    _echo_delivery(report)
    if report.connection_error:
        sys.exit(1)
