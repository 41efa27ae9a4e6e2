"""Turns not yet placed, with their suggested places (analysts), and the consultation's transcripts at a
glance: held sessions with and without a transcript (organizers and analysts)."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..analysis import coding
from ..analysis.navigation import analysis_breadcrumbs
from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..i18n import localized
from ..permissions import permission_required
from ..suggestions import service as suggestions
from . import overview, queue
from .blueprint import bp
from .forms import QueuePlaceForm
from .parsing import TranscriptError

BASE = "/staff/consultations/<slug>/transcripts"


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) <= 6 else 1


def _queue_page(consultation, page: int, status: int = 200, error: str = "", failed=None, form=None):
    listing = queue.listing(consultation, page)
    return render_template(
        "transcripts/unplaced.html", consultation=consultation, listing=listing, error=error, failed=failed,
        form=form, topics=suggestions.placeable_topics(consultation), confidence_floor=suggestions.CONFIDENCE_FLOOR,
        breadcrumbs=analysis_breadcrumbs(consultation, (_("Turns not yet placed"), None))), status


@bp.get(BASE + "/unplaced")
@permission_required("place_transcripts")
def unplaced(slug):
    return _queue_page(get_consultation(slug), _page_number())


@bp.post(BASE + "/unplaced")
@permission_required("place_transcripts")
def place_unplaced(slug):
    """A suggestion accepted, or another place chosen, for one waiting turn."""
    consultation = get_consultation(slug)
    form = QueuePlaceForm()
    page = form.page.data or 1
    if not form.validate_on_submit():
        if form.transcript_id.errors or form.position.errors or form.csrf_token.errors:
            abort(400)
        return _queue_page(consultation, page, 422, _("Choose where the turn goes."),
                           (form.transcript_id.data, form.position.data), form)
    turn = queue.waiting_turn(consultation, form.transcript_id.data, form.position.data)
    if turn is None:
        flash(_("This turn is no longer waiting: someone placed it meanwhile, or its transcript was deleted."),
              "info")
        return redirect_after_post(url_for("transcripts.unplaced", slug=slug, page=page))
    try:
        placed = queue.place_turn(turn, form.topic_id.data, form.theme_id.data, form.rank.data, current_user.id)
    except (coding.InvalidChoice, TranscriptError) as error:
        db.session.rollback()
        message = str(getattr(error, "message", error))
        return _queue_page(consultation, page, 422, message, (form.transcript_id.data, form.position.data), form)
    db.session.commit()
    if placed.code is not None:
        flash(_("Turn %(number)d is placed on %(place)s and coded “%(code)s”.", number=turn.position,
                place=placed.topic.code, code=localized(placed.code, "label").text or placed.code.key), "success")
    else:
        flash(_("Turn %(number)d is placed on %(place)s.", number=turn.position, place=placed.topic.code), "success")
    return redirect_after_post(url_for("transcripts.unplaced", slug=slug, page=page))


@bp.get(BASE + "/")
@permission_required("follow_transcripts")
def overview_page(slug):
    consultation = get_consultation(slug)
    breadcrumbs = [(_("Staff area"), url_for("admin.dashboard")),
                   (localized(consultation, "title"), url_for("admin.structure", slug=slug)), (_("Transcripts"), None)]
    return render_template("transcripts/overview.html", consultation=consultation, breadcrumbs=breadcrumbs,
                           sessions=overview.held_sessions(consultation),
                           waiting=queue.unplaced_counts([consultation.id]).get(consultation.id, 0))
