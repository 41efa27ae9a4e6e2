"""`flask --app wsgi consult suggest --consultation SLUG [--all]` computes orientation suggestions;
`flask --app wsgi consult evaluate-suggestions FILE.jsonl --consultation SLUG` measures them on
labelled passages against a plain TF-IDF baseline."""
import sys
import time
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..command_group import consult
from ..extensions import db
from ..models import Consultation
from . import corpus, service
from .documents import DEFAULT_DRAWS, DEFAULT_SEED


def _consultation_or_exit(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    return consultation


@consult.command("suggest")
@click.option("--consultation", "slug", required=True, help="The consultation (its slug).")
@click.option("--all", "everything", is_flag=True,
              help="Suggest again for every comment not yet placed, not only for those never suggested.")
def suggest_command(slug: str, everything: bool):
    """Suggest orientations and themes for the comments not yet placed."""
    consultation = _consultation_or_exit(slug)
    started = time.perf_counter()
    computed = service.compute(consultation, everything=everything)
    db.session.commit()
    if not computed.has_orientations:
        click.echo(_("%(slug)s has no orientation: there is nothing to suggest.", slug=slug), err=True)
        sys.exit(1)
    click.echo(ngettext("%(slug)s: suggestions computed for %(num)d comment in %(seconds).1f s.",
                        "%(slug)s: suggestions computed for %(num)d comments in %(seconds).1f s.",
                        computed.count, slug=slug, seconds=time.perf_counter() - started))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


@consult.command("evaluate-suggestions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, help="The consultation whose structure is used.")
@click.option("--draws", default=DEFAULT_DRAWS, show_default=True, type=click.IntRange(1, 100),
              help="Random draws of the labelled examples, averaged.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int)
@click.option("--examples", "examples_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Draw the labelled examples from this other file, and score every passage of FILE.")
def evaluate_command(path: Path, slug: str, draws: int, seed: int, examples_path: Path | None):
    """Measure the suggestions on labelled passages (JSON lines: text, orientation, optional theme)."""
    from . import evaluation  # loads scikit-learn: only when measuring

    consultation = _consultation_or_exit(slug)
    docs = corpus.structure(consultation)
    if not docs:
        click.echo(_("%(slug)s has no orientation: there is nothing to suggest.", slug=slug), err=True)
        sys.exit(1)
    try:
        passages = evaluation.read_labelled(path, docs)
        pool = evaluation.read_labelled(examples_path, docs) if examples_path else None
    except evaluation.LabelledFileError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    report = evaluation.evaluate(docs, passages, draws=draws, seed=seed, pool=pool)
    languages = ", ".join(f"{code} {count}" if code != "?"
                          else ngettext("%(num)d without a language", "%(num)d without a language", count)
                          for code, count in sorted(report.languages.items()))
    click.echo(_("%(passages)d passages (%(languages)s) on %(orientations)d orientations, %(themed)d with a theme; "
                 "examples drawn %(draws)d times (seed %(seed)d).", passages=report.passages,
                 languages=languages, orientations=report.orientations, themed=report.with_theme,
                 draws=report.draws, seed=report.seed))
    if examples_path:
        click.echo(_("Examples drawn from %(path)s; every passage of %(file)s is scored.",
                     path=examples_path, file=path))
    methods = {"suggestions": _("suggestions"), "baseline": _("TF-IDF baseline")}
    headers = [_("method"), _("examples per orientation"), _("passages scored"), _("orientation top-1"),
               _("orientation top-3"), _("theme top-1"), _("theme top-3")]
    rows = []
    for row in report.figures:
        shots = str(row.shots) if not row.subset else f"0 ({row.subset})"
        rows.append([methods[row.method], shots, str(row.passages), _percent(row.top1), _percent(row.top3),
                     _percent(row.theme_top1), _percent(row.theme_top3)])
    widths = [max(len(header), *(len(row[column]) for row in rows)) for column, header in enumerate(headers)]
    click.echo("  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
