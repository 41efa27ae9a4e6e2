"""The less frequent actions of a comment row (other codes, orientation, stance, hide, flag), asked
for when they are opened. A page of the workspace lists 25 rows; writing out each row's lists of
orientations and codes would make it several times heavier than what a person reads on it. With
htmx the actions come as a fragment into the row's "More actions"; without JavaScript the link
there opens the comment alone with all its actions, and each action comes back to the list."""
from flask import abort, make_response, render_template, request
from flask_login import current_user

from ..consultations import get_consultation
from ..htmx import is_htmx
from ..permissions import permission_required
from . import coding
from .blueprint import bp
from .navigation import safe_back
from .rows import row_states

BASE = "/staff/consultations/<slug>/analysis"
TEMPLATES = "analysis/"


@bp.get(BASE + "/comments/<int:comment_id>/actions")
@permission_required("code_comments")
def comment_actions(slug, comment_id):
    consultation = get_consultation(slug)
    comment = coding.get_comment(consultation, comment_id)
    if comment is None:
        abort(404)
    row = row_states([comment], current_user)[comment.id]
    row.back = safe_back(request.args.get("next"), consultation)
    if not row.can_code:
        abort(404)
    if is_htmx():
        page = render_template(TEMPLATES + "_comment_actions.html", comment=comment, row=row)
    else:
        row.open_actions = True
        page = render_template(TEMPLATES + "comment.html", consultation=consultation, comment=comment, row=row)
    response = make_response(page)
    response.vary.add("HX-Request")
    return response
