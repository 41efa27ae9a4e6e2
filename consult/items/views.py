"""Staff pages of the modification items: the list by part of the proposal, a new item, an item's page
(support, quotes, comments, edit, merge, split, order, decision), and the workspace's "add to item".
Every form works without JavaScript; success redirects (PRG), a refused form answers 422 with what was
typed."""
from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..analysis.navigation import analysis_breadcrumbs, safe_back
from ..channels import channel_label
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..i18n import current_language, localized
from ..models import Topic
from ..permissions import permission_required
from ..tree import load_tree
from . import decisions, matching, services
from .blueprint import bp
from .forms import (
    ActionForm,
    AddCommentsForm,
    AddToItemForm,
    DecisionForm,
    ItemForm,
    MergeForm,
    MoveForm,
    SplitForm,
    SupportSuggestedForm,
)
from .kinds import item_kinds, kind_label
from .support import shown_as, support_of

BASE = "/staff/consultations/<slug>/items"


def topic_label(topic: Topic) -> str:
    return f"{topic.code} {localized(topic, 'title').text}".strip()


def _topics(consultation):
    return [(topic, topic_label(topic)) for topic in load_tree(consultation).reading_order]


def _crumbs(consultation, *more):
    return analysis_breadcrumbs(consultation, (_("Modification items"), url_for("items.index", slug=consultation.slug)),
                                *more)


def _refused(form, error) -> None:
    """The service's refusal next to its field when it names one, else at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _item_or_404(consultation, item_id):
    item = services.get_item(consultation, item_id)
    if item is None:
        abort(404)
    return item


@bp.app_template_global()
def item_choices(consultation) -> list[tuple[str, str]]:
    """The items offered by the workspace's "add to item": number, part of the proposal, statement."""
    return [(str(item.id), f"{_('Item %(number)d', number=item.id)} · {item.topic_code} · "
                           f"{localized(item, 'statement').text[:70]}")
            for item in services.item_choices_of(consultation)]


@bp.get(BASE + "/")
@permission_required("read_comments")
def index(slug):
    consultation = get_consultation(slug)
    items = services.items_of(consultation)
    lang = current_language()
    by_topic: dict[int, list] = {}
    for item in items:
        by_topic.setdefault(item.topic_id, []).append((item, support_of(item, lang, quotes=0)))
    sections = [(topic, label, by_topic[topic.id]) for topic, label in _topics(consultation) if topic.id in by_topic]
    crumbs = analysis_breadcrumbs(consultation, (_("Modification items"), None))
    return render_template("items/index.html", consultation=consultation, sections=sections, total=len(items),
                           channel_label=channel_label,
                           kind_label=kind_label, response_label=decisions.response_label, breadcrumbs=crumbs)


def _item_form(consultation, **kwargs):
    return ItemForm.for_consultation(consultation, _topics(consultation), item_kinds(consultation), **kwargs)


@bp.route(BASE + "/new", methods=["GET", "POST"])
@permission_required("build_items")
def new(slug):
    consultation = get_consultation(slug)
    if request.method == "GET":
        preset = {}
        if request.args.get("topic", "").isdigit():
            preset["topic_id"] = int(request.args["topic"])
        form = _item_form(consultation, data=preset)
        form.comments.process_formdata([request.args.get("comments", "")])
        if "topic_id" not in preset and form.comments.data:
            # Made from selected comments: the part of the proposal most of them are placed on.
            found = services.main_topic_of(consultation, form.comments.data)
            if found is not None:
                form.topic_id.data = found
    else:
        form = _item_form(consultation)
    status = 200
    if form.validate_on_submit():
        try:
            item = services.create_item(consultation, db.session.get(Topic, form.topic_id.data), form.kind.data,
                                        form.statement(), current_user.id, form.comments.data)
        except services.ItemError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Item created."), "success")
            return redirect_after_post(url_for("items.item", slug=slug, item_id=item.id))
    if form.is_submitted():
        status = 422
    return render_template("items/new.html", consultation=consultation, form=form,
                           breadcrumbs=_crumbs(consultation, (_("New item"), None))), status


def _item_page(consultation, item, status=200, **forms):
    lang = current_language()
    others = [other for other in services.items_of(consultation) if other.id != item.id]
    forms.setdefault("edit", _item_form(consultation, obj=item, topic_id=item.topic_id))
    forms.setdefault("add", AddCommentsForm())
    merge = forms.setdefault("merge", MergeForm())
    merge.into.choices = [(other.id, f"#{other.id} · {topic_label(other.topic)} · "
                                     f"{localized(other, 'statement').text[:80]}") for other in others]
    split = forms.setdefault("split", SplitForm.for_consultation(consultation, prefix="split"))
    # The comments ticked for a split that was refused stay ticked.
    ticked = {int(value) for value in (split.comment_ids.data or []) if str(value).isdigit()}
    forms.setdefault("decision", DecisionForm.for_consultation(consultation, obj=item.decision))
    return render_template(
        "items/item.html", consultation=consultation, item=item, support=support_of(item, lang),
        proposals=matching.comments_for_item(consultation, item), propose_form=SupportSuggestedForm(),
        here=url_for("items.item", slug=consultation.slug, item_id=item.id), forms=forms, action=ActionForm(),
        published=services.published_decision(item), ticked=ticked,
        move=MoveForm(), kind_label=kind_label, shown_as=shown_as,
        response_label=decisions.response_label, topic_label=topic_label, channel_label=channel_label,
        breadcrumbs=_crumbs(consultation, (_("Item %(number)d", number=item.id), None))), status


@bp.get(BASE + "/<int:item_id>")
@permission_required("read_comments")
def item(slug, item_id):
    consultation = get_consultation(slug)
    return _item_page(consultation, _item_or_404(consultation, item_id))


def _done(slug, item_id, message, anchor=""):
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for("items.item", slug=slug, item_id=item_id) + anchor)


@bp.post(BASE + "/<int:item_id>/edit")
@permission_required("build_items")
def edit(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = _item_form(consultation)
    if form.validate_on_submit():
        try:
            services.update_item(item, db.session.get(Topic, form.topic_id.data), form.kind.data, form.statement(),
                                 current_user.id)
        except services.ItemError as error:
            _refused(form, error)
        else:
            return _done(slug, item.id, _("Item saved."))
    return _item_page(consultation, item, 422, edit=form)


@bp.post(BASE + "/<int:item_id>/comments")
@permission_required("build_items")
def add_comments(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = AddCommentsForm()
    if form.validate_on_submit():
        try:
            added = services.add_support(item, form.comments.data, current_user.id)
        except services.ItemError as error:
            form.comments.errors = [str(error)]
        else:
            message = (ngettext("%(num)d comment added.", "%(num)d comments added.", added) if added else
                       _("The chosen comments already support item %(item)d: nothing was added.", item=item.id))
            return _done(slug, item.id, message, "#supporting-comments")
    return _item_page(consultation, item, 422, add=form)


@bp.post(BASE + "/<int:item_id>/comments/<int:comment_id>/remove")
@permission_required("build_items")
def remove_comment(slug, item_id, comment_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    if not ActionForm().validate_on_submit():
        return _item_page(consultation, item, 422)
    try:
        services.check_published(item, current_user.can("decide_items"))
    except services.ItemError as error:
        flash(str(error), "error")
        return _item_page(consultation, item, 422)
    services.remove_support(item, comment_id, current_user.id)
    return _done(slug, item.id, _("Comment %(number)d taken out of the item.", number=comment_id),
                 "#supporting-comments")


@bp.post(BASE + "/<int:item_id>/move")
@permission_required("build_items")
def move(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        services.move(item, 1 if form.direction.data == "down" else -1, current_user.id)
        db.session.commit()
    target = safe_back(request.form.get("next"), consultation, "items.index")
    return redirect_after_post(target + f"#item-{item.id}" if "#" not in target else target)


@bp.post(BASE + "/<int:item_id>/merge")
@permission_required("build_items")
def merge(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = MergeForm()
    others = services.item_choices_of(consultation)
    form.into.choices = [(other.id, str(other.id)) for other in others if other.id != item.id]
    if form.validate_on_submit():
        try:
            services.check_published(item, current_user.can("decide_items"))
            into = services.merge(item, services.get_item(consultation, form.into.data), current_user.id)
        except services.ItemError as error:
            form.into.errors = [str(error)]
        else:
            return _done(slug, into.id, _("Item %(number)d merged into this one.", number=item.id))
    return _item_page(consultation, item, 422, merge=form)


@bp.post(BASE + "/<int:item_id>/split")
@permission_required("build_items")
def split(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = SplitForm.for_consultation(consultation, prefix="split")
    if form.validate_on_submit():
        try:
            services.check_published(item, current_user.can("decide_items"))
            new_item = services.split(item, form.comment_ids.data, form.statement(), current_user.id)
        except services.ItemError as error:
            form.form_errors.append(str(error))
        else:
            return _done(slug, new_item.id, _("New item made from item %(number)d.", number=item.id))
    return _item_page(consultation, item, 422, split=form)


@bp.post(BASE + "/<int:item_id>/decision")
@permission_required("decide_items")
def decide(slug, item_id):
    consultation = get_consultation(slug)
    item = _item_or_404(consultation, item_id)
    form = DecisionForm.for_consultation(consultation)
    if form.validate_on_submit():
        try:
            decisions.record_decision(item, form.values(), current_user.id, g.now)
        except services.ItemError as error:
            form.form_errors.append(str(error))
        else:
            return _done(slug, item.id, _("Decision recorded."), "#decision")
    return _item_page(consultation, item, 422, decision=form)


@bp.post("/staff/consultations/<slug>/analysis/add-to-item")
@permission_required("build_items")
def add_to_item(slug):
    """The workspace's selection goes to an item, or to the form of a new one."""
    consultation = get_consultation(slug)
    form = AddToItemForm()
    form.item.choices = [("", "")] + [(str(item.id), str(item.id)) for item in services.item_choices_of(consultation)]
    back = safe_back(form.next.data, consultation)
    if not form.validate_on_submit() or not form.comment_ids.data:
        flash(_("Select at least one comment, then choose the item.") if form.comment_ids.data == []
              else _("The selection could not be read: choose the comments and the item again."), "error")
        return redirect_after_post(back)
    if not form.item.data:
        return redirect_after_post(url_for("items.new", slug=slug,
                                           comments=",".join(str(number) for number in form.comment_ids.data)))
    item = _item_or_404(consultation, int(form.item.data))
    try:
        added = services.add_support(item, form.comment_ids.data, current_user.id)
    except services.ItemError as error:
        flash(str(error), "error")
        return redirect_after_post(back)
    db.session.commit()
    if added:
        flash(ngettext("%(num)d comment added to item %(item)d.", "%(num)d comments added to item %(item)d.", added,
                       item=item.id), "success")
    else:
        flash(_("The chosen comments already support item %(item)d: nothing was added.", item=item.id), "success")
    return redirect_after_post(back)
