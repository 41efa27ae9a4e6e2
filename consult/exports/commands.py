"""`flask --app wsgi consult export-comments`: the same exports as the page, written to a file (or
standard output), audited with no staff account as the actor."""
import sys
from pathlib import Path

import click
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..i18n import LANGUAGES, current_language
from ..models import Consultation
from . import rows, services, writers


@consult.command("export-comments",
                 help=cli_l("Export a consultation's comments (pseudonymous unless --identified) as CSV, XLSX or "
                            "JSON."))
@click.option("--consultation", "slug", required=True, metavar="SLUG", help=cli_l("The consultation's slug."))
@click.option("--format", "fmt", type=click.Choice(services.FORMATS), default="csv", show_default=True,
              help=cli_l("Format of the file."))
@click.option("--node", metavar="CODE",
              help=cli_l("Only this top-level part of the tree (its code, such as 4); the whole consultation if "
                         "omitted."))
@click.option("--axis", "old_node", metavar="CODE", hidden=True)  # the option's first name, still accepted
@click.option("--delimiter", type=click.Choice(tuple(services.DELIMITERS)),
              help=cli_l("CSV only; semicolon when the command speaks French (CONSULT_LANG), comma otherwise."))
@click.option("--lang", type=click.Choice(LANGUAGES), help=cli_l("Language of the column names and labels."))
@click.option("--hidden", "include_hidden", is_flag=True, help=cli_l("Include the comments analysts have hidden."))
@click.option("--identified", is_flag=True,
              help=cli_l("Add names, email addresses and organizations (needs --reason)."))
@click.option("--reason", default="", metavar="REASON",
              help=cli_l("Why an identified export is needed; kept in the audit log."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=cli_l("File to write; standard output when omitted (not for XLSX)."))
def export_comments(slug: str, fmt: str, node: str | None, old_node: str | None, delimiter: str | None,
                    lang: str | None, include_hidden: bool, identified: bool, reason: str, output: Path | None):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(2)
    if identified and not reason.strip():
        click.echo(_("An identified export needs --reason: it is kept in the audit log."), err=True)
        sys.exit(2)
    if output is None and fmt == "xlsx":
        click.echo(_("An XLSX file needs -o FILE."), err=True)
        sys.exit(2)
    try:
        options = services.make_options(consultation, fmt, axis=node or old_node, delimiter=delimiter, lang=lang,
                                        include_hidden=include_hidden, identified=identified, reason=reason,
                                        interface_lang=current_language())
    except services.ExportError as error:
        click.echo(error.message, err=True)
        sys.exit(2)
    reader = rows.RowReader(options)
    services.record_export(options, reader.count, actor_label="cli")
    db.session.commit()
    if output is None:
        written = writers.write(options, sys.stdout.buffer, reader)
        sys.stdout.flush()
    else:
        with output.open("wb") as out:
            written = writers.write(options, out, reader)
    if output is not None:
        click.echo(ngettext("%(count)s comment written to %(path)s", "%(count)s comments written to %(path)s",
                            written, count=format_decimal(written), path=output), err=True)
