"""Staff accounts pages (administrators) and the set-password pages reached from an emailed link."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth.forms import SetPasswordForm
from ..auth.sessions import start_session
from ..extensions import db, limiter
from ..permissions import permission_required
from ..tokens import LinkError
from . import staff_accounts
from .blueprint import bp, links_bp
from .staff_forms import ROLE_LABELS, InviteForm, LinkForm, RolesForm


def _consultations():
    return list(staff_accounts.consultation_names().values())


def _account_or_404(user_id: int):
    user = staff_accounts.get_staff(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/accounts/")
@permission_required("manage_staff")
def staff_index():
    return render_template("admin/staff_index.html", accounts=staff_accounts.all_staff(),
                           consultations=staff_accounts.consultation_names(), role_labels=ROLE_LABELS,
                           no_password=staff_accounts.NO_PASSWORD)


@bp.route("/accounts/invite", methods=["GET", "POST"])
@permission_required("manage_staff")
def staff_invite():
    form = InviteForm(_consultations())
    if not form.is_submitted():
        form.language.data = str(get_locale() or "fr")[:2]
    if form.validate_on_submit():
        try:
            user = staff_accounts.invite(form.email.data, form.name.data or "", form.grants(), form.language.data,
                                         current_user)
        except staff_accounts.AlreadyStaff as known:
            db.session.rollback()
            form.email.errors.append(_("%(email)s already has a staff account: change its roles from its page.",
                                       email=known.user.email))
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s. The link works for %(days)d days.", email=user.email,
                    days=staff_accounts.INVITE_MAX_AGE // 86400), "success")
            return redirect(url_for("admin.staff_account", user_id=user.id), code=303)
    return render_template("admin/staff_invite.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_staff")
def staff_account(user_id):
    user = _account_or_404(user_id)
    grants = staff_accounts.grants_of(user)
    form = RolesForm(_consultations(), data={
        "site_roles": [grant.role for grant in grants if grant.consultation_id is None],
        "scoped_roles": [f"{grant.role}:{grant.consultation_id}" for grant in grants if grant.consultation_id]})
    if form.validate_on_submit():
        try:
            changed = staff_accounts.set_grants(user, form.grants(), current_user)
        except staff_accounts.OwnAccount:
            db.session.rollback()
            form.site_roles.errors.append(_("You cannot take the administrator role away from your own account."))
        else:
            db.session.commit()
            flash(_("Roles saved; the account is signed out everywhere.") if changed else _("Nothing changed."),
                  "success" if changed else "info")
            return redirect(url_for("admin.staff_account", user_id=user.id), code=303)
    return render_template("admin/staff_account.html", account=user, form=form, link_form=LinkForm(),
                           no_password=staff_accounts.NO_PASSWORD), 422 if form.is_submitted() else 200


def _account_action(user_id, action):
    user = _account_or_404(user_id)
    if not LinkForm().validate_on_submit():
        abort(400)
    try:
        message = action(user)
    except staff_accounts.OwnAccount:
        db.session.rollback()
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.staff_account", user_id=user.id), code=303)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.staff_account", user_id=user.id), code=303)


@bp.post("/accounts/<int:user_id>/deactivate")
@permission_required("manage_staff")
def staff_deactivate(user_id):
    def action(user):
        staff_accounts.set_active(user, False, current_user)
        return _("%(email)s is deactivated and signed out; nothing they did is removed.", email=user.email)
    return _account_action(user_id, action)


@bp.post("/accounts/<int:user_id>/reactivate")
@permission_required("manage_staff")
def staff_reactivate(user_id):
    def action(user):
        staff_accounts.set_active(user, True, current_user)
        return _("%(email)s can sign in again.", email=user.email)
    return _account_action(user_id, action)


@bp.post("/accounts/<int:user_id>/reset")
@permission_required("manage_staff")
def staff_send_reset(user_id):
    def action(user):
        staff_accounts.send_reset(user, str(get_locale() or "fr")[:2], current_user)
        return _("A link to choose a password was sent to %(email)s.", email=user.email)
    return _account_action(user_id, action)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _set_password_page(purpose: str, token: str):
    try:
        user = staff_accounts.read_link(purpose, token)
    except LinkError as error:
        return render_template("admin/staff_link_error.html", reason=error.reason), \
            410 if error.reason == "expired" else 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        staff_accounts.set_password(user, form.new_password.data, purpose)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        start_session(user)
        flash(_("Your password is set and you are signed in."), "success")
        return redirect(url_for("admin.dashboard"), code=303)
    return render_template("admin/staff_set_password.html", form=form, account=user,
                           invite=purpose == staff_accounts.INVITE_PURPOSE), 422 if form.is_submitted() else 200


@links_bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def accept_invitation(token):
    return _set_password_page(staff_accounts.INVITE_PURPOSE, token)


@links_bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token):
    return _set_password_page(staff_accounts.RESET_PURPOSE, token)
