"""`flask consult import-mail DIRECTORY`: .eml files (a mailbox export) become written submissions."""
import sys
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Consultation
from . import intake


@consult.command("import-mail",
                 help=cli_l("Turn .eml files (a mailbox export) into written submissions; a message already imported "
                            "is skipped."))
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--consultation", "slug", metavar="SLUG",
              help=cli_l("The consultation the messages are submissions to (needed when there are several)."))
@click.option("--send-receipts", is_flag=True, help=cli_l("Email each sender a receipt with the reference number."))
def import_mail(directory: Path, slug: str | None, send_receipts: bool):
    consultations = db.session.scalars(
        select(Consultation).where(Consultation.slug == slug) if slug else select(Consultation)).all()
    if len(consultations) != 1:
        click.echo(_("No consultation “%(slug)s”.", slug=slug) if slug else
                   _("Name the consultation with --consultation SLUG."), err=True)
        sys.exit(2)
    consultation = consultations[0]
    counts = {"imported": 0, "duplicate": 0, "empty": 0, "failed": 0}
    for path in intake.eml_files(directory):
        name = str(path.relative_to(directory))
        try:
            result = intake.import_file(consultation, path, send_receipt=send_receipts)
            db.session.commit()
        except intake.BrokenMessage as error:
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: %(reason)s; nothing was imported from it.", file=name,
                         reason=error.reason), err=True)
            continue
        except SQLAlchemyError as error:
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: the database refused it (%(error)s); nothing was imported from it.",
                         file=name, error=type(error).__name__), err=True)
            continue
        except (ValueError, LookupError, UnicodeError) as error:
            # Malformed headers the email package refuses (a line break in an address...).
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: %(reason)s; nothing was imported from it.", file=name,
                         reason=str(error)), err=True)
            continue
        counts[result.outcome] += 1
        if result.outcome == "imported":
            click.echo(_("%(reference)s imported from %(file)s (%(sender)s, %(documents)s, %(links)s)",
                         reference=result.submission.reference, file=name, sender=result.sender,
                         documents=ngettext("%(num)d document", "%(num)d documents",
                                            len(result.submission.attachments)),
                         links=ngettext("%(num)d link", "%(num)d links", len(result.submission.links))))
        elif result.outcome == "duplicate":
            click.echo(_("Already imported: %(file)s (%(reference)s)", file=name,
                         reference=result.submission.reference))
        else:
            click.echo(_("Skipped %(file)s: no text and no document in it.", file=name))
        for line in result.refused:
            click.echo(f"  {line}")
    click.echo(_("Imported: %(imported)d. Already imported: %(duplicate)d. Empty: %(empty)d. Failed: %(failed)d.",
                 **counts))
    if counts["failed"]:
        sys.exit(1)
