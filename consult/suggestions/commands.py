"""`flask --app wsgi consult suggest --consultation SLUG [--all]` computes suggestions of where comments belong;
`flask --app wsgi consult evaluate-suggestions FILE.jsonl --consultation SLUG` measures them on
labelled passages against a plain TF-IDF baseline."""
import sys
import time
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..cli_numbers import decimal, percent
from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Consultation
from . import corpus, local_calibration, service
from .documents import DEFAULT_DRAWS, DEFAULT_SEED


def _consultation_or_exit(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    return consultation


@consult.command("suggest",
                 help=cli_l("Suggest the parts of the structure and themes for the comments not yet placed."))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation (its slug)."))
@click.option("--all", "everything", is_flag=True,
              help=cli_l("Suggest again for every comment not yet placed, not only for those never suggested."))
def suggest_command(slug: str, everything: bool):
    consultation = _consultation_or_exit(slug)
    started = time.perf_counter()
    computed = service.compute(consultation, everything=everything)
    db.session.commit()
    if not computed.has_orientations:
        click.echo(_("%(slug)s has no part of its proposal to place comments on: "
                     "there is nothing to suggest.", slug=slug), err=True)
        sys.exit(1)
    click.echo(ngettext("%(slug)s: suggestions computed for %(num)d comment in %(seconds)s s.",
                        "%(slug)s: suggestions computed for %(num)d comments in %(seconds)s s.",
                        computed.count, slug=slug, seconds=decimal(time.perf_counter() - started, 1)))


def _percent(value: float | None, spread: float | None = None) -> str:
    if value is None:
        return "—"
    return percent(value, spread=spread)


def _table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(header), *(len(row[column]) for row in rows)) if rows else len(header)
              for column, header in enumerate(headers)]
    click.echo("  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _placed(count: int) -> str:
    return ngettext("%(num)d placed", "%(num)d placed", count)


def _subset_name(subset: str) -> str:
    kind, _sep, value = subset.partition(":")
    if kind == "lang":
        return _("language %(code)s", code=value)
    return _("under %(code)s", code=value)


def _print_report(report, examples_path: Path | None, path: Path, vocabulary) -> None:
    # Comments are placed on the deepest level: the headers name it as the consultation does.
    level = vocabulary.leaf
    one = vocabulary.term(level).text
    per_level = _("examples per %(level)s", level=one)
    top1, top3 = _("%(level)s top-1", level=one), _("%(level)s top-3", level=one)
    languages = ", ".join(f"{code} {count}" if code != "?"
                          else ngettext("%(num)d without a language", "%(num)d without a language", count)
                          for code, count in sorted(report.languages.items()))
    click.echo(_("%(passages)s (%(languages)s) on %(places)s, %(themed)s; %(draws)s (seed %(seed)d).",
                 passages=ngettext("%(num)d passage", "%(num)d passages", report.passages),
                 languages=languages, places=vocabulary.count_text(level, report.orientations),
                 themed=ngettext("%(num)d with a theme", "%(num)d with a theme", report.with_theme),
                 draws=ngettext("examples drawn %(num)d time", "examples drawn %(num)d times", report.draws),
                 seed=report.seed))
    if examples_path:
        click.echo(_("Examples drawn from %(path)s; every passage of %(file)s is scored.",
                     path=examples_path, file=path))
    methods = {"suggestions": _("suggestions"), "baseline": _("TF-IDF baseline"), "live": _("live model")}
    headers = [_("method"), per_level, _("passages scored"), top1,
               top3, _("theme top-1"), _("theme top-3"), _("calibration error")]
    rows = []
    for row in report.figures:
        if row.subset and not row.subset.startswith("lang:"):
            continue
        shots = str(row.shots) if row.method != "live" else _placed(row.shots)
        if row.subset:
            shots += f" ({row.subset.partition(':')[2]})"
        rows.append([methods[row.method], shots, str(row.passages), _percent(row.top1, row.top1_sd),
                     _percent(row.top3, row.top3_sd), _percent(row.theme_top1, row.theme_top1_sd),
                     _percent(row.theme_top3), "—" if row.ece is None else decimal(row.ece, 3)])
    _table(headers, rows)
    click.echo(_("± is the standard deviation over the draws; the calibration error is the expected "
                 "calibration error of the first suggestion's likelihood."))
    click.echo("")
    click.echo(_("What the examples add, on the same passages scored (the structure alone, then with the "
                 "examples):"))
    _table([_("method"), per_level, top1, top3],
           [[methods[row.method], str(row.shots), f"{_percent(row.paired_top1)} → {_percent(row.top1)}",
             f"{_percent(row.paired_top3)} → {_percent(row.top3)}"]
            for row in report.figures if row.paired_top1 is not None])
    click.echo("")
    click.echo(_("Per part of the structure:"))
    rows = [[methods[row.method], str(row.shots) if row.method != "live" else _placed(row.shots),
             _subset_name(row.subset), str(row.passages), _percent(row.top1), _percent(row.top3),
             _percent(row.theme_top1)]
            for row in report.figures if row.subset.startswith("group:")]
    _table([_("method"), per_level, _("part of the structure"), _("passages scored"),
            top1, top3, _("theme top-1")], rows)
    click.echo("")
    click.echo(_("Places most often taken for another (without examples):"))
    if report.confusion:
        _table([_("right place"), _("suggested first"), _("passages")],
               [[right, wrong, str(count)] for right, wrong, count in report.confusion[:10]])
    else:
        click.echo(_("none"))
    for (method, shots), calibration in report.calibration.items():
        click.echo("")
        click.echo(ngettext("Reliability of the first suggestion (%(method)s, %(shots)s): %(num)d suggestion, "
                            "mean likelihood %(likelihood)s, right %(right)s, calibration error %(ece)s.",
                            "Reliability of the first suggestion (%(method)s, %(shots)s): %(num)d suggestions, "
                            "mean likelihood %(likelihood)s, right %(right)s, calibration error %(ece)s.",
                            calibration.count, method=methods[method],
                            shots=shots if method != "live" else _placed(shots),
                            likelihood=_percent(calibration.mean_likelihood),
                            right=_percent(calibration.accuracy), ece=decimal(calibration.ece, 3)))
        _table([_("likelihood shown"), _("suggestions"), _("mean likelihood"), _("right")],
               [[f"{decimal(100 * item.low)}–{percent(item.high, 0)}", str(item.count), _percent(item.likelihood),
                 _percent(item.accuracy)] for item in calibration.bins if item.count])
    if report.held_out is not None:
        click.echo("")
        click.echo(_("Calibration held out (without examples): temperature fitted on %(rest)d folds of %(folds)d, "
                     "likelihoods of the fold left out, over %(repeats)d cuts: calibration error %(ece)s ± "
                     "%(spread)s (%(low)s–%(high)s).", rest=report.held_out.folds - 1,
                     folds=report.held_out.folds, repeats=report.held_out.repeats,
                     ece=decimal(report.held_out.ece, 3), spread=decimal(report.held_out.spread, 3),
                     low=decimal(report.held_out.low, 3), high=decimal(report.held_out.high, 3)))
    if report.local_fit is not None:
        fit = report.local_fit
        click.echo("")
        click.echo(ngettext("The live model's likelihoods are fitted to this consultation from %(num)d first "
                            "suggestion placed since (%(right)d right): log-odds × %(scale)s %(sign)s %(shift)s.",
                            "The live model's likelihoods are fitted to this consultation from %(num)d first "
                            "suggestions placed since (%(right)d right): log-odds × %(scale)s %(sign)s %(shift)s.",
                            fit.decisions, right=fit.right, scale=decimal(fit.scale, 2),
                            sign="−" if fit.shift < 0 else "+", shift=decimal(abs(fit.shift), 2)))
    if report.chance_ece is not None:
        click.echo(_("A perfectly calibrated model showing the same likelihoods on as many passages would have a "
                     "calibration error of %(ece)s ± %(spread)s: a smaller difference cannot be read.",
                     ece=decimal(report.chance_ece[0], 3), spread=decimal(report.chance_ece[1], 3)))


@consult.command("evaluate-suggestions",
                 help=cli_l("Measure the suggestions on labelled passages (JSON lines: text, node: the code of the "
                            "part of the tree it belongs to, optional theme)."))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation whose structure is used."))
@click.option("--draws", default=DEFAULT_DRAWS, show_default=True, type=click.IntRange(1, 100),
              help=cli_l("Random draws of the labelled examples, averaged."))
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int,
              help=cli_l("Seed of the random draws: the same seed gives the same figures."))
@click.option("--examples", "examples_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=cli_l("Draw the labelled examples from this other file, and score every passage of FILE."))
@click.option("--with-placed", "with_placed", is_flag=True,
              help=cli_l("Also measure the live model, built from the comments already placed in the consultation."))
def evaluate_command(path: Path, slug: str, draws: int, seed: int, examples_path: Path | None, with_placed: bool):
    from . import evaluation  # loads scikit-learn: only when measuring

    consultation = _consultation_or_exit(slug)
    docs = corpus.structure(consultation)
    if not docs:
        click.echo(_("%(slug)s has no part of its proposal to place comments on: "
                     "there is nothing to suggest.", slug=slug), err=True)
        sys.exit(1)
    try:
        passages = evaluation.read_labelled(path, docs)
        pool = evaluation.read_labelled(examples_path, docs) if examples_path else None
    except evaluation.LabelledFileError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    placed = corpus.examples(consultation, {doc.key for doc in docs}) if with_placed else None
    local_fit = local_calibration.fit_for(consultation) if with_placed else None
    report = evaluation.evaluate(docs, passages, draws=draws, seed=seed, pool=pool, placed=placed,
                                 local_fit=local_fit)
    _print_report(report, examples_path, path, consultation.vocabulary)
