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


@consult.command("suggest")
@click.option("--consultation", "slug", required=True, help="The consultation (its slug).")
@click.option("--all", "everything", is_flag=True,
              help="Suggest again for every comment not yet placed, not only for those never suggested.")
def suggest_command(slug: str, everything: bool):
    """Suggest the parts of the structure and themes for the comments not yet placed."""
    consultation = _consultation_or_exit(slug)
    started = time.perf_counter()
    computed = service.compute(consultation, everything=everything)
    db.session.commit()
    if not computed.has_orientations:
        click.echo(_("%(slug)s has no part of its proposal to place comments on: "
                     "there is nothing to suggest.", slug=slug), err=True)
        sys.exit(1)
    click.echo(ngettext("%(slug)s: suggestions computed for %(num)d comment in %(seconds).1f s.",
                        "%(slug)s: suggestions computed for %(num)d comments in %(seconds).1f s.",
                        computed.count, slug=slug, seconds=time.perf_counter() - started))


def _percent(value: float | None, spread: float | None = None) -> str:
    if value is None:
        return "—"
    if spread:
        return f"{100 * value:.1f} ± {100 * spread:.1f} %"
    return f"{100 * value:.1f} %"


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
    click.echo(_("%(passages)d passages (%(languages)s) on %(places)s, %(themed)d with a theme; "
                 "examples drawn %(draws)d times (seed %(seed)d).", passages=report.passages,
                 languages=languages, places=vocabulary.count_text(level, report.orientations),
                 themed=report.with_theme,
                 draws=report.draws, seed=report.seed))
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
                     _percent(row.theme_top3), "—" if row.ece is None else f"{row.ece:.3f}"])
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
                            "mean likelihood %(likelihood)s, right %(right)s, calibration error %(ece).3f.",
                            "Reliability of the first suggestion (%(method)s, %(shots)s): %(num)d suggestions, "
                            "mean likelihood %(likelihood)s, right %(right)s, calibration error %(ece).3f.",
                            calibration.count, method=methods[method],
                            shots=shots if method != "live" else _placed(shots),
                            likelihood=_percent(calibration.mean_likelihood),
                            right=_percent(calibration.accuracy), ece=calibration.ece))
        _table([_("likelihood shown"), _("suggestions"), _("mean likelihood"), _("right")],
               [[f"{100 * item.low:.0f}–{100 * item.high:.0f} %", str(item.count), _percent(item.likelihood),
                 _percent(item.accuracy)] for item in calibration.bins if item.count])
    if report.held_out is not None:
        click.echo("")
        click.echo(_("Calibration held out (without examples): temperature fitted on %(rest)d folds of %(folds)d, "
                     "likelihoods of the fold left out, over %(repeats)d cuts: calibration error %(ece).3f ± "
                     "%(spread).3f (%(low).3f–%(high).3f).", rest=report.held_out.folds - 1,
                     folds=report.held_out.folds, repeats=report.held_out.repeats, ece=report.held_out.ece,
                     spread=report.held_out.spread, low=report.held_out.low, high=report.held_out.high))
    if report.local_fit is not None:
        fit = report.local_fit
        click.echo("")
        click.echo(ngettext("The live model's likelihoods are fitted to this consultation from %(num)d first "
                            "suggestion placed since (%(right)d right): log-odds × %(scale).2f %(sign)s %(shift).2f.",
                            "The live model's likelihoods are fitted to this consultation from %(num)d first "
                            "suggestions placed since (%(right)d right): log-odds × %(scale).2f %(sign)s %(shift).2f.",
                            fit.decisions, right=fit.right, scale=fit.scale, sign="−" if fit.shift < 0 else "+",
                            shift=abs(fit.shift)))
    if report.chance_ece is not None:
        click.echo(_("A perfectly calibrated model showing the same likelihoods on as many passages would have a "
                     "calibration error of %(ece).3f ± %(spread).3f: a smaller difference cannot be read.",
                     ece=report.chance_ece[0], spread=report.chance_ece[1]))


@consult.command("evaluate-suggestions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, help="The consultation whose structure is used.")
@click.option("--draws", default=DEFAULT_DRAWS, show_default=True, type=click.IntRange(1, 100),
              help="Random draws of the labelled examples, averaged.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int)
@click.option("--examples", "examples_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Draw the labelled examples from this other file, and score every passage of FILE.")
@click.option("--with-placed", "with_placed", is_flag=True,
              help="Also measure the live model, built from the comments already placed in the consultation.")
def evaluate_command(path: Path, slug: str, draws: int, seed: int, examples_path: Path | None, with_placed: bool):
    """Measure the suggestions on labelled passages (JSON lines: text, orientation, optional theme)."""
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
