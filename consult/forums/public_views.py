"""Public pages: upcoming forums, sign-up, and the personal page behind each registration's link."""
from babel.dates import get_timezone_name
from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..consultations import get_public_consultation
from ..dates import regional_locale
from ..extensions import db, limiter
from ..htmx import redirect_after_post, render_page_or_fragment
from ..i18n import localized
from ..participants import regions
from ..partners import access
from ..security import personal_pages
from ..tokens import LinkError
from . import known_signup, public_services, registration
from .blueprint import bp
from .forms import CancelForm, SignupForm, SwitchForm
from .ics import forum_invitation
from .when import session_span

# Pages reached through a personal link: never cached, never indexed.
PERSONAL_ENDPOINTS = {"forums.registered", "forums.confirm_signup", "forums.manage", "forums.cancel", "forums.switch",
                      "forums.ics"}


def _signup_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


def forum_when(forum):
    """"Thursday, June 10, 2027, 1:30 p.m. – 3:00 p.m.", in the consultation's time zone."""
    return session_span(forum.starts_at, forum.ends_at, forum.consultation.tz, "full")


def forum_zone(forum):
    """"Eastern Time": the consultation's zone, by its everyday name."""
    return get_timezone_name(forum.consultation.tz, "long", locale=regional_locale(), zone_variant="generic")


def _title(forum) -> str:
    return localized(forum, "title").text


SPOKEN = {"fr": _l("in French"), "en": _l("in English")}


def _switch_choices(forums) -> list[tuple[str, str]]:
    """Each session with what sets it apart from the others: when, in which language, in which track."""
    choices = []
    for forum in forums:
        label = _("%(title)s, %(when)s", title=_title(forum), when=forum_when(forum))
        language = str(SPOKEN.get(forum.language, _l("in French and English")))
        if forum.track is not None:
            label = _("%(session)s (%(language)s, %(track)s)", session=label, language=language,
                      track=localized(forum.track, "name").text)
        else:
            label = _("%(session)s (%(language)s)", session=label, language=language)
        if forum.seats_left == 0:
            label = _("%(session)s (full: waitlist)", session=label)
        choices.append((str(forum.id), label))
    return choices


REFUSALS = {
    "one_interview": _l("You already have an interview slot. Cancel it or move it from your personal link "
                        "before booking another one."),
    "already_registered_there": _l("You are already registered for that session."),
    "recording_consent_needed": _l("That session is recorded, and you have not agreed to the recording. "
                                   "To attend it, sign up with its form, where you can give that consent."),
    "forum_cancelled": _l("That session has been cancelled."),
    "other": _l("This change could not be made. Please try again."),
}


def _refusal(error) -> str:
    if error.code == "not_invited":
        contact = access.contact_address()
        if not contact:
            return _("This session is by invitation only, and this address is not on its list. If you think it "
                     "should be, ask the organizers who invited you which address they used.")
        return _("This session is by invitation only, and this address is not on its list. If you think it "
                 "should be, write to %(contact)s.", contact=contact)
    return str(REFUSALS.get(error.code, REFUSALS["other"]))


bp.after_request(personal_pages(PERSONAL_ENDPOINTS))


@bp.errorhandler(LinkError)
def _bad_link(error):
    # Expired links were genuine; anything else (forged, revoked, unknown) gets one message.
    status = 410 if error.reason == "expired" else 404
    return render_template("forums/link_error.html", reason=error.reason), status


@bp.errorhandler(public_services.ForumUnavailable)
def _unavailable(error):
    return render_template("forums/unavailable.html", forum=error.forum, reason=error.reason,
                           consultation=error.forum.consultation), 410


@bp.get("/consultations/<slug>/forums/")
def index(slug):
    consultation = get_public_consultation(slug)
    return render_template("forums/index.html", consultation=consultation,
                           groups=public_services.forums_by_track(consultation, g.now),
                           signups_open=public_services.signups_open(consultation, g.now))


@bp.route("/consultations/<slug>/forums/<int:forum_id>/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup(slug, forum_id):
    consultation = get_public_consultation(slug)
    forum = public_services.forum_for_signup(consultation, forum_id, g.now)
    form = SignupForm.for_forum(consultation, forum)
    if form.validate_on_submit():
        profile = form.profile()
        try:
            public_services.sign_up(consultation, forum, public_services.Signup(
                email=form.email.data, profile=profile, consents=form.consents,
                compensation=form.compensation_choice, accommodation=form.accommodation,
                pool_languages=form.contact_languages))
        except registration.RegistrationError as error:
            db.session.rollback()
            form.form_errors.append(_refusal(error))
            return render_page_or_fragment("forums/signup.html", "forums/_signup_form.html", status=422,
                                           consultation=consultation, forum=forum, form=form,
                                           country_names=regions.country_names())
        db.session.commit()
        # The same answer for a new address and a known one: the page must not tell whoever typed the
        # address whether that person is registered. The details and the personal link go by email.
        return redirect_after_post(url_for("forums.check_email", slug=slug, forum_id=forum_id))
    if not form.is_submitted() and request.args.get("invitation"):
        form.email.data = access.invited_email(request.args["invitation"]) or form.email.data
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("forums/signup.html", "forums/_signup_form.html", status=status,
                                   consultation=consultation, forum=forum, form=form,
                                   country_names=regions.country_names())


@bp.get("/consultations/<slug>/forums/<int:forum_id>/check-your-email")
def check_email(slug, forum_id):
    consultation = get_public_consultation(slug)
    forum = public_services.forum_for_signup(consultation, forum_id, g.now)
    return render_template("forums/check_email.html", consultation=consultation, forum=forum)


@bp.route("/consultations/<slug>/forums/<int:forum_id>/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def confirm_signup(slug, forum_id, token):
    """The emailed link of a sign-up made with a known address: a button (mail scanners open links, only a
    person presses buttons), then the registration."""
    consultation = get_public_consultation(slug)
    forum = public_services.forum_for_signup(consultation, forum_id, g.now)
    participant, consents = known_signup.read(token, forum)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            outcome = known_signup.confirm(forum, participant, consents)
            public_services.apply_confirmed_answers(participant, outcome, consents, known_signup.answers(token))
        except registration.RegistrationError as error:
            db.session.rollback()
            form.form_errors.append(REFUSALS.get(error.code, REFUSALS["other"]))
        else:
            db.session.commit()
            if not outcome.created:
                flash(REFUSALS["already_registered_there"], "info")
            return redirect_after_post(url_for("forums.manage",
                                               token=public_services.registration_token(outcome.registration)))
    status = 422 if form.is_submitted() else 200
    return render_template("forums/confirm_signup.html", consultation=consultation, forum=forum, form=form,
                           participant=participant, token=token), status


@bp.get("/consultations/<slug>/forums/<int:forum_id>/registered/<token>")
def registered(slug, forum_id, token):
    item = public_services.registration_from_token(token)
    if item.forum_id != forum_id or item.forum.consultation.slug != slug:
        raise LinkError("invalid")
    return render_template("forums/registered.html", registration=item, forum=item.forum,
                           consultation=item.forum.consultation, token=token,
                           position=registration.waitlist_position(item))


@bp.get("/registrations/<token>/invitation.ics")
def ics(token):
    item = public_services.registration_from_token(token)
    if item.status != "confirmed" or item.forum.is_cancelled:
        abort(404)
    body = forum_invitation(item.forum, item, item.participant.preferred_language)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="forum-{item.forum_id}.ics"'
    return response


def _render_manage(item, token, switch_form=None, status=200):
    options = public_services.switch_options(item, g.now)
    can_change = public_services.can_change(item, g.now)
    if switch_form is None:
        switch_form = SwitchForm.for_options(_switch_choices(options))
    return render_template("forums/manage.html", registration=item, forum=item.forum,
                           consultation=item.forum.consultation, token=token, can_change=can_change,
                           position=registration.waitlist_position(item), switch_form=switch_form,
                           has_options=bool(options)), status


@bp.get("/registrations/<token>")
def manage(token):
    item = public_services.registration_from_token(token)
    return _render_manage(item, token)


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def cancel(token):
    item = public_services.registration_from_token(token)
    form = CancelForm()
    if form.validate_on_submit():
        if item.status == "cancelled" or public_services.can_change(item, g.now):
            public_services.cancel(item)  # a second cancellation changes nothing and sends nothing
            db.session.commit()
            flash(_("Your registration is cancelled."), "success")
        else:
            flash(_("This registration can no longer be changed."), "error")
        return redirect_after_post(url_for("forums.manage", token=token))
    if not public_services.can_change(item, g.now):
        return redirect(url_for("forums.manage", token=token))
    return render_template("forums/cancel.html", registration=item, forum=item.forum,
                           consultation=item.forum.consultation, token=token, form=form)


@bp.post("/registrations/<token>/switch")
@limiter.limit(_signup_limit, methods=["POST"])
def switch(token):
    item = public_services.registration_from_token(token)
    if not public_services.can_change(item, g.now):
        flash(_("This registration can no longer be changed."), "error")
        return redirect_after_post(url_for("forums.manage", token=token))
    options = public_services.switch_options(item, g.now)
    form = SwitchForm.for_options(_switch_choices(options))
    if not form.validate_on_submit():
        return _render_manage(item, token, switch_form=form, status=422)
    target = next(forum for forum in options if forum.id == form.target_id)
    try:
        outcome = public_services.switch(item, target)
    except registration.RegistrationError as error:
        db.session.rollback()
        flash(REFUSALS.get(error.code, REFUSALS["other"]), "error")
        return redirect_after_post(url_for("forums.manage", token=token))
    if outcome is None:
        db.session.rollback()
        flash(_("This registration can no longer be changed."), "error")
        return redirect_after_post(url_for("forums.manage", token=token))
    db.session.commit()
    moved = outcome.registration
    if moved.status == "confirmed":
        flash(_("Done: you now have a seat at %(title)s.", title=_title(target)), "success")
    else:
        flash(_("Done: you are now on the waitlist of %(title)s.", title=_title(target)), "success")
    return redirect_after_post(url_for("forums.manage", token=public_services.registration_token(moved)))
