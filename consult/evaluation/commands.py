"""`flask consult send-evaluations [--now ISO]`: the evaluation requests due after the sessions held."""
from datetime import datetime

import click
from flask_babel import ngettext

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..forums.commands import _moment
from .sending import send_evaluations


@consult.command("send-evaluations",
                 help=cli_l("Queue the evaluation requests due: to those present at a session, a set delay after it "
                            "ends, once."))
@click.option("--now", callback=_moment, metavar="ISO",
              help=cli_l("Act as if it were this moment (ISO 8601; UTC unless it has an offset)."))
def send_evaluations_command(now: datetime | None):
    report = send_evaluations(now)
    db.session.commit()
    click.echo(ngettext("Evaluation requests queued: %(num)s.", "Evaluation requests queued: %(num)s.",
                        len(report.invitations)))
