"""Proposed items for a coded comment, and proposed comments on an item's page: reviewed by an analyst,
who adds the support with a click (a plain form, PRG). Nothing is ever added on its own."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..analysis.coding import get_comment
from ..analysis.navigation import analysis_breadcrumbs, safe_back
from ..channels import channel_label
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..permissions import permission_required
from . import matching, services
from .blueprint import bp
from .forms import SupportSuggestedForm
from .kinds import kind_label
from .views import BASE, topic_label


@bp.get(BASE + "/for-comment/<int:comment_id>")
@permission_required("read_comments")
def for_comment(slug, comment_id):
    consultation = get_consultation(slug)
    comment = get_comment(consultation, comment_id)
    if comment is None:
        abort(404)
    here = url_for("items.for_comment", slug=slug, comment_id=comment_id)
    crumbs = analysis_breadcrumbs(consultation, (_("Modification items"), url_for("items.index", slug=slug)),
                                  (_("Items comment %(number)d could support", number=comment_id), None))
    return render_template("items/for_comment.html", consultation=consultation, comment=comment,
                           coded=matching.is_coded(comment), has_items=bool(services.item_choices_of(consultation)),
                           candidates=matching.items_for_comment(consultation, comment), here=here,
                           form=SupportSuggestedForm(), kind_label=kind_label, topic_label=topic_label,
                           channel_label=channel_label, breadcrumbs=crumbs)


@bp.post(BASE + "/<int:item_id>/support-suggested")
@permission_required("build_items")
def support_suggested(slug, item_id):
    consultation = get_consultation(slug)
    item = services.get_item(consultation, item_id)
    if item is None:
        abort(404)
    form = SupportSuggestedForm()
    back = safe_back(form.next.data, consultation, "items.index")
    if not form.validate_on_submit():
        flash(_("The form was incomplete: reload the page and try again."), "error")
        return redirect_after_post(back)
    try:
        added = matching.support_from_proposal(item, form.comment_id.data, current_user.id)
    except services.ItemError as error:
        flash(str(error), "error")
        return redirect_after_post(back)
    db.session.commit()
    if added:
        flash(_("Comment %(comment)d now supports item %(item)d.", comment=form.comment_id.data, item=item.id),
              "success")
    else:
        flash(_("Comment %(comment)d already supported item %(item)d.", comment=form.comment_id.data, item=item.id),
              "info")
    return redirect_after_post(back)
