"""The pool across consultations: organizers see its members and invite them; anyone leaves it in one
click from the link at the foot of our emails."""
from flask import current_app, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db, limiter
from ..htmx import redirect_after_post
from ..i18n import current_language, localized
from ..models import Forum
from ..participants import regions
from ..permissions import can, permission_required
from ..security import personal_pages
from . import pool, pool_matches
from .blueprint import bp
from .forms import LeavePoolForm, PoolInviteForm, PoolLanguagesForm
from .labels import POOL_LANGUAGE_LABELS
from .messages import over_cap_message

bp.after_request(personal_pages({"partners.pool_leave", "partners.pool_languages"}))


def _forum_choices(now) -> list[SelectChoice]:
    forums = db.session.scalars(select(Forum).where(Forum.starts_at > now, Forum.status == "scheduled")
                                .order_by(Forum.starts_at))
    return [SelectChoice(str(forum.id), f"{localized(forum.consultation, 'title').text} – "
                                        f"{localized(forum, 'title').text}") for forum in forums]


def _render(form, rows, status=200):
    return render_template("partners/pool.html", form=form, rows=rows,
                           cap=current_app.config["POOL_INVITATION_CAP"], languages=POOL_LANGUAGE_LABELS,
                           provinces=regions.province_choices(),
                           duplicates=pool_matches.pending_count() if can("match_pool_members") else 0,
                           region=request.args.get("region", ""), language=request.args.get("language", ""),
                           breadcrumbs=[(_("Staff area"), url_for("admin.dashboard")), (_("Pool of partners"), None)]
                           ), status


@bp.route("/staff/pool", methods=["GET", "POST"])
@permission_required("invite_from_pool")
def pool_index():
    rows = pool.members(g.now, request.args.get("region", ""), request.args.get("language", ""))
    form = PoolInviteForm()
    form.forum.choices = [SelectChoice("", _("Choose…")), *_forum_choices(g.now)]
    form.members.choices = [SelectChoice(str(row.member.id), row.member.name or row.member.email) for row in rows]
    if form.validate_on_submit():
        forum = db.session.get(Forum, int(form.forum.data))
        try:
            count = pool.invite(forum, [int(value) for value in form.members.data], current_user.id, g.now,
                                confirmed_over_cap=form.confirm_over_cap.data,
                                language=forum.language if forum.language in ("fr", "en") else current_language())
        except pool.PoolError as error:
            db.session.rollback()
            if error.code == "over_cap":
                form.confirm_over_cap.errors.append(over_cap_message(error.details["names"]))
            else:
                form.members.errors.append(_("Someone you chose has left the pool: they cannot be invited."))
            return _render(form, rows, 422)
        db.session.commit()
        flash(ngettext("%(num)d person invited.", "%(num)d people invited.", count), "success")
        return redirect_after_post(url_for("partners.pool_index"))
    return _render(form, rows, 422 if form.is_submitted() else 200)


@bp.route("/pool/leave/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def pool_leave(token):
    member = pool.member_from_token(token)
    form = LeavePoolForm()
    if form.validate_on_submit():
        pool.leave(member)
        db.session.commit()
        return redirect_after_post(url_for("partners.pool_leave", token=token))
    return _member_page(member, token, form)


def _member_page(member, token, form=None, languages_form=None, status=200):
    if languages_form is None:
        languages_form = PoolLanguagesForm(formdata=None, languages=list(member.languages or []))
    return render_template("partners/pool_leave.html", member=member, form=form or LeavePoolForm(formdata=None),
                           languages_form=languages_form, token=token), status


@bp.post("/pool/leave/<token>/languages")
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"])
def pool_languages(token):
    """A member says which languages they can take part in (the filter organizers invite by)."""
    member = pool.member_from_token(token)
    if member.left_at is not None:
        return redirect_after_post(url_for("partners.pool_leave", token=token))
    form = PoolLanguagesForm()
    if not form.validate_on_submit():
        return _member_page(member, token, languages_form=form, status=422)
    pool.set_languages(member, form.languages.data)
    db.session.commit()
    flash(_("Saved: the languages you can take part in."), "success")
    return redirect_after_post(url_for("partners.pool_leave", token=token))
