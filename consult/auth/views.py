import math
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter, login_manager
from . import services
from .blueprint import bp
from .forms import ChangePasswordForm, LoginForm
from .sessions import start_session

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
login_manager.user_loader(services.load_user)


@bp.after_app_request
def _no_remember_cookie_unasked(response):
    """Strong session protection marks any session without a sign-in for "clear the remember-me cookie"; a visitor
    who never had that cookie must not be sent an empty one (this hook runs before Flask-Login's)."""
    if session.get("_remember") == "clear" and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") \
            not in request.cookies:
        session.pop("_remember")
    return response


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would make the login page a phishing tool."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("admin.dashboard")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        attempt = services.sign_in(form.email.data, form.password.data, request.remote_addr or "", g.now)
        user = attempt.user
        db.session.commit()  # a failure is counted whatever happens next
        if attempt.locked_until is not None:
            minutes = max(1, math.ceil((attempt.locked_until - g.now).total_seconds() / 60))
            form.form_errors.append(ngettext(
                "Too many failed sign-ins for this account or from this network. Try again in %(num)d minute.",
                "Too many failed sign-ins for this account or from this network. Try again in %(num)d minutes.",
                minutes))
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            start_session(user)
            flash(_("You are signed in."), "success")
            return redirect(_safe_next(form.next.data), code=303)
        form.form_errors.append(_("The email address or the password is incorrect."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.home"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.change_password(current_user, form.current_password.data, form.new_password.data):
            db.session.commit()
            login_user(current_user)  # the cookie must carry the new session token
            flash(_("Your password has been changed. Other browsers signed in to your account are signed out."),
                  "success")
            return redirect(url_for("admin.dashboard"), code=303)
        form.current_password.errors.append(_("The current password is incorrect."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
