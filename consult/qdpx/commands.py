"""`flask consult export-qdpx --consultation SLUG -o FILE` and `flask consult import-qdpx FILE --consultation
SLUG --coder EMAIL`: the REFI-QDA exchange from the command line."""
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Consultation, StaffUser
from .export import write
from .importer import QdpxError, import_codings


def _consultation(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(_("No consultation has the slug “%(slug)s”.", slug=slug))
    return consultation


@consult.command("export-qdpx",
                 help=cli_l("Write the consultation's analysis as a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, "
                            "QualCoder)."))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation's slug."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=cli_l("The .qdpx file to write."))
@click.option("--without-codings", is_flag=True,
              help=cli_l("Leave the codings out: the file a second coder codes in another tool."))
def export_qdpx(slug: str, output: Path, without_codings: bool):
    consultation = _consultation(slug)
    with output.open("wb") as target:
        write(consultation, target, with_codings=not without_codings)
    click.echo(_("Written: %(path)s", path=output))


@consult.command("import-qdpx",
                 help=cli_l("Import the codings another coder made in a REFI-QDA tool on a file exported from here, "
                            "as their blind second coding (the agreement page then compares them with the main "
                            "codes)."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation's slug."))
@click.option("--coder", "email", required=True, metavar="EMAIL",
              help=cli_l("The email of the staff account the codings are from."))
def import_qdpx(file: Path, slug: str, email: str):
    consultation = _consultation(slug)
    coder = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()))
    if coder is None:
        raise click.ClickException(_("No staff account has the email %(email)s.", email=email))
    try:
        done = import_codings(consultation, file.read_bytes(), coder, None)
    except QdpxError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(ngettext("%(num)d comment coded by the second coder.", "%(num)d comments coded by the second coder.",
                        done.comments))
    if done.skipped_comments:
        click.echo(ngettext("%(num)d comment left out: it is in another second coder's sample.",
                            "%(num)d comments left out: they are in another second coder's sample.",
                            len(done.skipped_comments)))
