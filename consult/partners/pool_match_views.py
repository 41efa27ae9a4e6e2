"""Staff decide whether a participant of another consultation with a pool member's address is that person."""
from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..htmx import redirect_after_post
from ..permissions import permission_required
from . import pool_matches
from .blueprint import bp
from .forms import MatchDecisionForm

# The consents a participant's record holds, as staff read them.
PURPOSES = {
    "processing": _l("their information used for that consultation"),
    "recording": _l("recording of the sessions"),
    "quotation": _l("quotation without their name"),
    "contact": _l("contact about future consultations"),
}


def _render(form=None, failed_id=None, status=200):
    return render_template("partners/pool_matches.html", matches=pool_matches.proposed(),
                           form=form or MatchDecisionForm(formdata=None), failed_id=failed_id,
                           purposes=PURPOSES,
                           breadcrumbs=[(_("Staff area"), url_for("admin.dashboard")),
                                        (_("Pool of partners"), url_for("partners.pool_index")),
                                        (_("Possible duplicates"), None)]), status


@bp.get("/staff/pool/matches")
@permission_required("match_pool_members")
def pool_matches_index():
    return _render()


@bp.post("/staff/pool/matches/<int:record_id>")
@permission_required("match_pool_members")
def pool_match_decide(record_id):
    form = MatchDecisionForm()
    if not form.validate_on_submit():
        return _render(form, record_id, 422)
    try:
        record = pool_matches.get_proposed(record_id)
        if form.decision.data == "merge":
            pool_matches.merge(record, current_user.id)
        else:
            pool_matches.keep_apart(record, current_user.id)
    except pool_matches.MatchError as error:
        db.session.rollback()
        flash(_match_error(error.code), "error")
        return redirect_after_post(url_for("partners.pool_matches_index"))
    db.session.commit()
    flash(_("Merged: one person in the pool.") if form.decision.data == "merge"
          else _("Kept apart: the pool member is unchanged."), "success")
    return redirect_after_post(url_for("partners.pool_matches_index"))


def _match_error(code: str) -> str:
    return {
        "no_consent": _("This participant no longer agrees to be contacted about future consultations: their "
                        "record cannot join the pool. Keep it apart."),
        "already_decided": _("This match was already decided."),
        "left": _("This person has left the pool: there is nothing to merge."),
    }.get(code, _("This match no longer exists."))
