"""The evaluation of the engagement as a section of the Word report draft, small groups kept back as on the page."""
from flask_babel import gettext as _
from flask_babel import ngettext

from ..i18n import current_language, localized
from ..requests import without_control_characters
from .results import SMALL_GROUP, Cell, EvaluationResults, Group


def add_evaluation_section(document, results: EvaluationResults, table) -> None:
    """Append the section; `table(document, header, rows)` is the report's table builder."""
    document.add_heading(_("Evaluation of the engagement"), level=1)
    document.add_paragraph(" ".join([
        _("%(clause)s;", clause=ngettext("%(num)s person was asked for an evaluation",
                                         "%(num)s people were asked for an evaluation", results.invited)),
        ngettext("%(num)s answered.", "%(num)s answered.", results.answered),
        _("A scale counts from 1 for its last option (strongly disagree) up to its first (5 for strongly agree); "
          "the figure is the average."),
    ]))
    if not results.has_answers:
        document.add_paragraph(_("No evaluation has been answered yet."))
        return
    header = [_("Group")] + [localized(item, "label").text for item in results.scale_items]
    dimensions = [(_("All sessions"), [results.overall]), (_("By session"), results.by_dimension["session"]),
                  (_("By track"), results.by_dimension["track"]),
                  (_("By category of participant"), results.by_dimension["category"])]
    for title, groups in dimensions:
        document.add_heading(title, level=2)
        table(document, header, [[group.label or _("All sessions")] + _cells(group, results) for group in groups])
    for item in results.open_items:
        document.add_heading(without_control_characters(localized(item, "label").text), level=2)
        texts = results.open_answers.get(item.id)
        if not texts:
            document.add_paragraph(_("fewer than %(num)s answers: not shown", num=SMALL_GROUP))
        for text in texts or []:
            document.add_paragraph(without_control_characters(text), style="List Bullet")


def _cells(group: Group, results: EvaluationResults) -> list[str]:
    if group.suppressed:
        return [_("fewer than %(num)s", num=SMALL_GROUP)] * len(results.scale_items)
    return [_cell(group.cells[item.id]) for item in results.scale_items]


def _cell(cell: Cell) -> str:
    if not cell.count:
        return "–"
    if cell.small:
        return _("fewer than %(num)s", num=SMALL_GROUP)
    if cell.withheld:
        return _("withheld so that a smaller group cannot be worked out")
    mean = f"{cell.mean:.1f}"
    if current_language() == "fr":
        mean = mean.replace(".", ",")
    return f"{mean} ({ngettext('%(num)s answer', '%(num)s answers', cell.count)})"
