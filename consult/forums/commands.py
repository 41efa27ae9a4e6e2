"""`flask consult send-reminders [--now ISO]`: the pre-reading and reminder emails that are due."""
from datetime import datetime, timezone

import click
from flask_babel import gettext as _

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from .reminders import send_reminders


def _moment(_ctx, _param, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(_("not an ISO 8601 date and time: %(value)s", value=value)) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@consult.command("send-reminders",
                 help=cli_l("Queue the pre-reading (7 days before) and reminder (24 hours before) emails that are "
                            "due."))
@click.option("--now", callback=_moment, metavar="ISO",
              help=cli_l("Act as if it were this moment (ISO 8601; UTC unless it has an offset)."))
def send_reminders_command(now: datetime | None):
    report = send_reminders(now)
    db.session.commit()
    labels = {"prereading": _("pre-reading"), "reminder": _("reminder")}
    for item in report.queued:
        registration = item.registration
        line = _("%(kind)s: registration %(registration)s, forum %(forum)s",
                 kind=labels[item.kind], registration=registration.id, forum=registration.forum_id)
        click.echo(line if item.new else _("%(line)s (already queued)", line=line))
    click.echo(_("Pre-reading emails queued: %(prereadings)s. Reminders queued: %(reminders)s.",
                 prereadings=report.count("prereading"), reminders=report.count("reminder")))
