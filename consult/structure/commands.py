"""`flask consult import FILE` and `flask consult export SLUG`: a consultation's structure in and out."""
import sys
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from .exporter import export_json
from .importer import import_structure, load_file
from .validation import StructureError


def import_or_exit(document: dict, source: str, prune: bool = False):
    try:
        report = import_structure(document, source=source, prune=prune)
    except StructureError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(_("%(where)s: %(problem)s", where=error.source, problem=problem), err=True)
        click.echo(_("Nothing was imported."), err=True)
        sys.exit(1)
    db.session.commit()
    return report


def echo_report(report):
    counts = report.counts
    verb = _("Created") if report.created else _("Updated")
    vocab = report.consultation.vocabulary
    levels = [vocab.count_text(0, counts["axis"])]
    if vocab.depth > 1:
        levels.append(vocab.count_text(1, counts["orientation"]))
    click.echo(_("%(verb)s consultation “%(slug)s”: %(sections)s, %(levels)s, %(themes)s, %(targets)s.",
                 verb=verb, slug=report.consultation.slug, levels=", ".join(levels),
                 sections=ngettext("%(num)d section", "%(num)d sections", counts["section"]),
                 themes=ngettext("%(num)d theme", "%(num)d themes", counts["themes"]),
                 targets=ngettext("%(num)d change target", "%(num)d change targets", counts["change_targets"])))
    for label in report.kept_absent:
        click.echo(_("Kept (not in the file; use --prune to remove): %(label)s", label=label))
    for label in report.pruned:
        click.echo(_("Removed: %(label)s", label=label))


@consult.command("import",
                 help=cli_l("Create or update a consultation from a structure file (JSON)."))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--prune", is_flag=True,
              help=cli_l("Remove topics, themes, change targets and tracks absent from the file."))
def import_command(path: Path, prune: bool):
    try:
        document = load_file(path)
    except StructureError as error:
        for problem in error.problems:
            click.echo(_("%(where)s: %(problem)s", where=error.source, problem=problem), err=True)
        click.echo(_("Nothing was imported."), err=True)
        sys.exit(1)
    echo_report(import_or_exit(document, str(path), prune))


@consult.command("export",
                 help=cli_l("Write a consultation's structure in the import format."))
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=cli_l("File to write; standard output when omitted."))
def export_command(slug: str, output: Path | None):
    text = export_json(slug)
    if text is None:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Written to %(path)s", path=output), err=True)
    else:
        click.echo(text, nl=False)
