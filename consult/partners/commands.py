"""`flask consult export-ledger --consultation SLUG -o FILE`: the finance CSV, as the staff page gives it."""
import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..cli_text import cli_l
from ..command_group import consult
from ..csv_safe import csv_lines
from ..extensions import db
from ..models import Consultation
from . import ledger_export


@consult.command("export-ledger",
                 help=cli_l("Write the approved compensation amounts (by pseudonym, no email, no bank data) to a CSV "
                            "file."))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation's slug."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help=cli_l("The CSV file to write."))
@click.option("--with-names", "reason", metavar="REASON", default="",
              help=cli_l("Add the participants' names; the reason is recorded in the audit trail."))
def export_ledger_command(slug: str, output: str, reason: str):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(_("No consultation has the slug %(slug)s.", slug=slug))
    header, rows = ledger_export.export(consultation, actor_id=None, identified=bool(reason.strip()),
                                        reason=reason.strip(), via="cli")
    db.session.commit()
    with open(output, "w", encoding="utf-8", newline="") as handle:
        for line in csv_lines(header, rows):
            handle.write(line)
    click.echo(ngettext("Wrote %(num)d row to %(file)s.", "Wrote %(num)d rows to %(file)s.", len(rows), file=output))
