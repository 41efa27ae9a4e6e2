"""The reading side of the analysis workspace: the tree axis → orientation → theme with its counts,
one node's comments, and every comment of a consultation; all searched, filtered, sorted and paged
through the query string, for analysts, coordinators and administrators.

With htmx the filter form swaps only the results (counts and list); without JavaScript it is a
plain GET form. A filter value the consultation does not know answers 400 with the form refilled
and the message next to the filter.
"""
from flask import current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import change_stamps
from ..channels import channel_labels
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import is_htmx, render_page_or_fragment
from ..i18n import localized
from ..lookups import get_owned_or_404
from ..models import Topic
from ..permissions import permission_required
from . import queries, stamped
from .blueprint import bp
from .codebook import ensure_codebook
from .forms import FilterForm
from .navigation import analysis_breadcrumbs
from .rows import row_states
from .search import MAX_TERMS

BASE = "/staff/consultations/<slug>/analysis"
TEMPLATES = "analysis/"


def _page_number() -> tuple[int, str | None]:
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1, None
    if raw.isdigit() and 0 < len(raw) <= 6 and int(raw) >= 1:
        return int(raw), None
    return 1, _("The page number must be a whole number, 1 or more.")


def breadcrumbs(consultation, topic: Topic | None = None, here: str | None = None) -> list:
    items = analysis_breadcrumbs(consultation)
    if topic is not None:
        for node in [*topic.ancestors(), topic]:
            items.append((node_name(node), url_for("analysis.topic", slug=consultation.slug, topic_id=node.id)))
    if here:
        items.append((here, None))
    return items


def node_name(topic: Topic) -> str:
    title = localized(topic, "title").text
    if topic.kind in ("axis", "orientation"):
        return _("%(label)s: %(title)s", label=topic.consultation.vocabulary.label_text(topic), title=title)
    return _("Section %(code)s: %(title)s", code=topic.code, title=title)


def _page_url(form):
    args = form.as_args()

    def page_url(number: int, **key) -> str:
        return url_for(request.endpoint, **request.view_args, **args, page=number, **key)

    return page_url


def _keys() -> dict:
    """The key of the row a page follows or precedes (queries.list_comments), from its link."""
    return {"after": request.args.get("after"), "before": request.args.get("before")}


def _render(page: str, results: str, status: int = 200, **context):
    form = context["form"]
    context.update(results_template=results, channel_labels=channel_labels(), node_name=node_name,
                   page_url=_page_url(form), max_terms=MAX_TERMS)
    if status == 400 and is_htmx():
        # The refused value is in the form, outside the results: send the form too, in place of both.
        response = make_response(render_template(TEMPLATES + "_browse.html", **context), status)
        response.headers["HX-Retarget"] = "#analysis-browse"
        response.headers["HX-Reswap"] = "outerHTML"
        response.vary.add("HX-Request")
    else:
        response = render_page_or_fragment(TEMPLATES + page, TEMPLATES + results, status=status, **context)
    if is_htmx():
        # The address bar gets the filters that are set, not every empty field of the form.
        response.headers["HX-Push-Url"] = url_for(request.endpoint, **request.view_args, **form.as_args())
    return response


def _beyond_bound(consultation, filters, topic_ids=None) -> int | None:
    """For a search: the bound when more comments match than a search counts (then the page shows
    "more than" that, and no counts by channel and code); None when they are few enough to count."""
    if not filters.search.asked:
        return None
    number, more = queries.bounded_count(consultation, filters, current_app.config["SEARCH_COUNT_LIMIT"], topic_ids)
    return number if more else None


def _with_codebook(consultation):
    """Themes added to the structure since the last visit get their codes before anyone codes (looked
    for once per change of the codebook or the tree, not on every page)."""
    stamped.kept(("codebook complete", consultation.id), lambda: _complete(consultation), change_stamps.LISTS)
    return consultation


def _complete(consultation) -> bool:
    if ensure_codebook(consultation, current_user.id):
        db.session.commit()
        return False  # kept under the stamp this commit replaced: the next page looks again
    return True


@bp.get(BASE + "/")
@permission_required("read_comments")
def workspace(slug):
    consultation = _with_codebook(get_consultation(slug))
    form = FilterForm(consultation, request.args)
    context = dict(consultation=consultation, form=form, action=url_for("analysis.workspace", slug=slug),
                   breadcrumbs=breadcrumbs(consultation)[:-1] + [(_("Analysis"), None)], page_error=None)
    if not form.validate():
        return _render("workspace.html", "_tree.html", status=400, tree=None, **context)
    filters = form.filters()
    tree = queries.count_tree(consultation, filters)
    return _render("workspace.html", "_tree.html", tree=tree, filters=filters, **context)


@bp.get(BASE + "/topics/<int:topic_id>")
@permission_required("read_comments")
def topic(slug, topic_id):
    consultation = _with_codebook(get_consultation(slug))
    queries.topics_of(consultation)  # the whole tree at once: the topic and its parents come from it
    node_topic = get_owned_or_404(Topic, topic_id, consultation_id=consultation.id)
    form = FilterForm(consultation, request.args)
    page, page_error = _page_number()
    context = dict(consultation=consultation, form=form, topic=node_topic, page_error=page_error,
                   action=url_for("analysis.topic", slug=slug, topic_id=node_topic.id),
                   breadcrumbs=breadcrumbs(consultation, node_topic))
    if not form.validate() or page_error:
        return _render("topic.html", "_results.html", status=400, tree=None, node=None, listing=None, **context)
    filters = form.filters()
    topic_ids = queries.subtree_ids(node_topic)
    bound = _beyond_bound(consultation, filters, topic_ids)
    if bound is not None:
        listing = queries.list_comments(consultation, filters, bound, topic_ids=topic_ids, page=page, more=True,
                                        **_keys())
        return _render("topic.html", "_results.html", tree=None, node=None, listing=listing, filters=filters,
                       rows=row_states(listing.comments, current_user, listed=True), **context)
    tree = queries.count_tree(consultation, filters, root=node_topic)
    node = tree.roots[0]
    listing = queries.list_comments(consultation, filters, node.counts.total,
                                    topic_ids=[item.topic.id for item in node.walk()], page=page, **_keys())
    return _render("topic.html", "_results.html", tree=tree, node=node, listing=listing, filters=filters,
                   rows=row_states(listing.comments, current_user, listed=True), **context)


@bp.get(BASE + "/comments")
@permission_required("read_comments")
def comments(slug):
    consultation = get_consultation(slug)
    form = FilterForm(consultation, request.args, with_topic=True)
    page, page_error = _page_number()
    context = dict(consultation=consultation, form=form, topic=None, page_error=page_error,
                   action=url_for("analysis.comments", slug=slug),
                   breadcrumbs=breadcrumbs(consultation, here=_("All comments")))
    if not form.validate() or page_error:
        return _render("topic.html", "_results.html", status=400, tree=None, node=None, listing=None, **context)
    filters = form.filters()
    bound = _beyond_bound(consultation, filters)
    if bound is not None:
        listing = queries.list_comments(consultation, filters, bound, page=page, **_keys(), more=True)
        return _render("topic.html", "_results.html", tree=None, node=None, listing=listing, filters=filters,
                       rows=row_states(listing.comments, current_user, listed=True), **context)
    tree = queries.count_tree(consultation, filters, with_themes=False)
    listing = queries.list_comments(consultation, filters, tree.total.total, page=page, **_keys())
    return _render("topic.html", "_results.html", tree=tree, node=None, listing=listing, filters=filters,
                   rows=row_states(listing.comments, current_user, listed=True), **context)
