"""`flask --app wsgi consult derive-comments [--consultation SLUG]`: create or bring up to date the
comment of every questionnaire answer, submission excerpt and forum note (a backfill; running it
again changes nothing)."""
import sys

import click
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Consultation
from .derivation import derive_all


@consult.command("derive-comments",
                 help=cli_l("Derive the analysis comments from answers, excerpts and notes."))
@click.option("--consultation", "slug", default=None, metavar="SLUG",
              help=cli_l("Only this consultation (its slug)."))
def derive_comments_command(slug: str | None):
    query = select(Consultation).order_by(Consultation.id)
    if slug:
        query = query.where(Consultation.slug == slug)
    consultations = db.session.scalars(query).all()
    if slug and not consultations:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    for consultation in consultations:
        counts = derive_all(consultation)
        db.session.commit()
        click.echo(_("%(slug)s: comments created %(created)s, updated %(updated)s, removed %(deleted)s, "
                     "unchanged %(unchanged)s.", slug=consultation.slug,
                     **{name: format_decimal(number) for name, number in counts.items()}))
