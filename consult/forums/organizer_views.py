"""Organizer pages for forums and interviews (roles organizer and admin; notes also analyst),
and the two public pre-reading pages whose links participants receive."""
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..channels.passage_views import passage_deleted, passage_saved
from ..consultations import get_consultation, get_public_consultation
from ..csv_safe import csv_lines
from ..extensions import db
from ..form_fields import ConfirmForm
from ..htmx import is_htmx, redirect_after_post, redirect_to_page, render_page_or_fragment
from ..i18n import localized
from ..partners import accommodations
from ..permissions import permission_required
from ..tree import topic_options
from . import organizer_services as services
from .blueprint import bp
from .organizer_forms import (
    CHOOSE_FILE_AGAIN,
    AttendanceForm,
    CancelForumForm,
    ForumForm,
    InterviewSlotsForm,
    NoteForm,
    WalkInForm,
    confirmed_message,
)
from .registration import RegistrationError
from .roster_export import roster_table
from .when import format_moment, local_parts, session_span, zone_name

BASE = "/staff/consultations/<slug>/forums"
FORUM = BASE + "/<int:forum_id>"
TEMPLATES = "forums/organizer/"
# The attendance buttons: present, absent, and "undo" (back to a confirmed seat).
ATTENDANCE_CHOICES = {"yes": True, "no": False, "clear": None}


def forum_span(forum) -> str:
    tz = forum.consultation.tz
    return session_span(forum.starts_at, forum.ends_at, tz)


def in_zone(moment, tz) -> str:
    return format_moment(moment, tz)


def time_zone_name(tz) -> str:
    return zone_name(tz)


def forum_breadcrumbs(consultation, forum=None, here=None) -> list[tuple[str, str | None]]:
    """Staff area › consultation › forums › forum › this page; links only where the user may go."""
    items = [(_("Staff area"), url_for("admin.dashboard")),
             (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug))]
    organizer = current_user.can("run_forums")
    if organizer:
        items.append((_("Forums and interviews"), url_for("forums.organizer_index", slug=consultation.slug)))
    if forum is not None:
        label = localized(forum, "title").text or _("Session")
        if organizer:
            items.append((label, url_for("forums.organizer_roster", slug=consultation.slug, forum_id=forum.id)))
        elif here:
            here = f"{here} · {label}"
        else:
            here = label
    if here:
        items.append((here, None))
    return items


def _error_message(error: RegistrationError) -> str:
    if error.code == "capacity_below_confirmed":
        return confirmed_message(error.details["confirmed"])
    if error.code == "forum_cancelled":
        return _("This session was cancelled: it can no longer be changed.")
    if error.code == "recording_without_consent":
        return ngettext("%(num)d person already registered did not agree to a recording. Ask them first, or "
                        "create a new recorded session.",
                        "%(num)d people already registered did not agree to a recording. Ask them first, or "
                        "create a new recorded session.", error.details["count"])
    if error.code == "attendance_not_open":
        return _("Attendance is taken once the session has started.")
    if error.code == "not_seated":
        return _("Only people with a seat can be marked present or absent.")
    return _("This change could not be made. Reload the page and try again.")


def _forum_values(form) -> dict:
    values = {name: form[name].data for name in (
        "kind", "track_id", "title_fr", "title_en", "description_fr", "description_en", "topic_ids",
        "duration_minutes", "capacity", "language", "meeting_link", "recorded", "recording_notice_fr",
        "recording_notice_en", "prereading_kind")}
    values["starts_at"] = form.starts_at
    return values


def _roster_url(forum, **anchor):
    return url_for("forums.organizer_roster", slug=forum.consultation.slug, forum_id=forum.id, **anchor)


# -- list, create, edit, cancel -------------------------------------------------------------

@bp.get(BASE + "/")
@permission_required("take_notes")  # analysts reach the sessions' notes from here
def organizer_index(slug):
    consultation = get_consultation(slug)
    track = services.parse_track_filter(request.args.get("track"), consultation)
    listing = services.list_forums(consultation, track, request.args.get("page", 1, type=int))
    return render_page_or_fragment(TEMPLATES + "index.html", TEMPLATES + "_forum_list.html",
                                   consultation=consultation, listing=listing, track=track)


def _forum_form(consultation, topics, forum=None, **data):
    return ForumForm(consultation, topics, forum=forum, now=g.now,
                     max_bytes=current_app.config["PREREADING_MAX_BYTES"], **data)


def _render_forum_form(consultation, form, topics, forum=None, status=200):
    return render_page_or_fragment(TEMPLATES + "forum_form.html", TEMPLATES + "_forum_form.html", status=status,
                                   consultation=consultation, form=form, forum=forum,
                                   depths={topic.id: depth for topic, depth in topics})


@bp.route(BASE + "/new", methods=["GET", "POST"])
@permission_required("run_forums")
def organizer_create(slug):
    consultation = get_consultation(slug)
    topics = topic_options(consultation)
    form = _forum_form(consultation, topics)
    if form.validate_on_submit():
        forum = services.create_forum(consultation, _forum_values(form), form.checked_file, current_user.id)
        db.session.commit()
        flash(_("The session was created."), "success")
        return redirect_after_post(url_for("forums.organizer_index", slug=slug, _anchor=f"forum-{forum.id}"))
    return _render_forum_form(consultation, form, topics, status=422 if form.is_submitted() else 200)


@bp.route(FORUM + "/edit", methods=["GET", "POST"])
@permission_required("run_forums")
def organizer_edit(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    if forum.is_cancelled:
        return render_template(TEMPLATES + "cancelled.html", consultation=consultation, forum=forum), (
            409 if request.method == "POST" else 200)
    topics = topic_options(consultation)
    day, clock = local_parts(forum.starts_at, consultation.tz)
    form = _forum_form(consultation, topics, forum=forum, obj=forum, start_date=day, start_time=clock,
                       topic_ids=[topic.id for topic in forum.topics])
    if form.validate_on_submit():
        try:
            update = services.update_forum(forum, _forum_values(form), form.checked_file, current_user.id)
        except RegistrationError as error:
            db.session.rollback()
            if error.code == "forum_cancelled":
                return render_template(TEMPLATES + "cancelled.html", consultation=consultation, forum=forum), 409
            field = form.recorded if error.code == "recording_without_consent" else form.capacity
            field.errors = [*field.errors, _error_message(error)]
            if form.has_upload:
                form.prereading_upload.errors = [*form.prereading_upload.errors, str(CHOOSE_FILE_AGAIN)]
            return _render_forum_form(consultation, form, topics, forum, status=422)
        db.session.commit()
        if update.changes:
            flash(_("The session was saved."), "success")
        else:
            flash(_("Nothing to save: the session was not changed."), "info")
        if update.promoted:
            flash(ngettext("%(num)d person moved from the waitlist to a seat and will be told by email.",
                           "%(num)d people moved from the waitlist to a seat and will be told by email.",
                           len(update.promoted)), "success")
        return redirect_after_post(url_for("forums.organizer_index", slug=slug, _anchor=f"forum-{forum.id}"))
    return _render_forum_form(consultation, form, topics, forum, status=422 if form.is_submitted() else 200)


@bp.route(BASE + "/interview-slots", methods=["GET", "POST"])
@permission_required("run_forums")
def organizer_slots(slug):
    consultation = get_consultation(slug)
    topics = topic_options(consultation)
    form = InterviewSlotsForm(consultation, topics, now=g.now)
    if request.method == "GET":
        form.title_fr.data, form.title_en.data = _default_interview_titles(consultation)
    if form.validate_on_submit():
        values = {name: form[name].data for name in (
            "track_id", "title_fr", "title_en", "topic_ids", "language", "meeting_link", "count",
            "slot_minutes", "gap_minutes", "prereading_kind")}
        values["starts_at"] = form.starts_at
        forums = services.create_interview_slots(consultation, values, current_user.id)
        db.session.commit()
        flash(ngettext("%(num)d interview slot was published.", "%(num)d interview slots were published.",
                       len(forums)), "success")
        return redirect_after_post(url_for("forums.organizer_index", slug=slug, _anchor=f"forum-{forums[0].id}"))
    return render_page_or_fragment(TEMPLATES + "slots.html", TEMPLATES + "_slots_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   form=form, depths={topic.id: depth for topic, depth in topics})


# Content, not interface: the suggested title is stored in both languages whatever the
# language of the page, so it is written here in both rather than translated.
INTERVIEW_TITLES = {"fr": "Entretien individuel", "en": "Individual interview"}


def _default_interview_titles(consultation) -> tuple[str, str]:
    """The suggested title in each language the consultation is held in."""
    offered = consultation.language_list or ["fr", "en"]
    return tuple(INTERVIEW_TITLES[lang] if lang in offered else "" for lang in ("fr", "en"))


@bp.route(FORUM + "/cancel", methods=["GET", "POST"])
@permission_required("run_forums")
def organizer_cancel(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    form = CancelForumForm()
    if forum.is_cancelled and form.is_submitted():
        flash(_("This session had already been cancelled."), "info")
        return redirect_after_post(_roster_url(forum))
    if not forum.is_cancelled and form.validate_on_submit():
        told = services.cancel_forum(forum, form.reason.data, current_user.id)
        db.session.commit()
        flash(ngettext("The session was cancelled; %(num)d person will be told by email.",
                       "The session was cancelled; %(num)d people will be told by email.", len(told)), "success")
        return redirect_after_post(url_for("forums.organizer_index", slug=slug, _anchor=f"forum-{forum.id}"))
    counts = services.registration_counts([forum.id])[forum.id]
    return render_template(TEMPLATES + "cancel.html", consultation=consultation, forum=forum, form=form,
                           counts=counts), 422 if form.is_submitted() else 200


# -- roster ---------------------------------------------------------------------------------

def _render_roster(consultation, forum, walk_in_form, status=200):
    roster = services.load_roster(forum)
    return render_page_or_fragment(TEMPLATES + "roster.html", TEMPLATES + "_walk_in_form.html", status=status,
                                   consultation=consultation, forum=forum, roster=roster,
                                   walk_in_form=walk_in_form, attendance_open=services.attendance_open(forum, g.now),
                                   accommodations=accommodations.for_forum(forum))


@bp.get(FORUM + "/roster")
@permission_required("run_forums")
def organizer_roster(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    return _render_roster(consultation, forum, WalkInForm(consultation))


@bp.get(FORUM + "/roster/print")
@permission_required("run_forums")
def organizer_roster_print(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    return render_template(TEMPLATES + "roster_print.html", consultation=consultation, forum=forum,
                           roster=services.load_roster(forum), accommodations=accommodations.for_forum(forum))


@bp.get(FORUM + "/roster.csv")
@permission_required("run_forums")
def organizer_roster_csv(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    header, rows = roster_table(forum, services.load_roster(forum))
    services.record_roster_export(forum, current_user.id, len(rows))
    db.session.commit()
    # The rows are built above, inside the request; writing them needs no context.
    response = Response(csv_lines(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="roster-{forum.id}.csv"'
    response.mimetype_params["charset"] = "utf-8"
    return response


@bp.post(FORUM + "/roster/<int:registration_id>/attendance")
@permission_required("run_forums")
def organizer_attendance(slug, forum_id, registration_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    registration = services.get_registration(forum, registration_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.mark_attendance(registration, ATTENDANCE_CHOICES[form.attended.data], current_user.id, g.now)
    except RegistrationError as error:
        db.session.rollback()
        flash(_error_message(error), "error")
        return redirect_to_page(_roster_url(forum, _anchor=f"registration-{registration_id}"))
    db.session.commit()
    if is_htmx():
        # The row, and the counters above the table swapped out of band: they change with it.
        response = make_response(render_template(TEMPLATES + "_roster_row.html", consultation=consultation,
                                                 forum=forum, registration=registration, attendance_open=True,
                                                 accommodations=accommodations.for_forum(forum))
                                 + render_template(TEMPLATES + "_roster_stats.html", forum=forum,
                                                   roster=services.load_roster(forum), out_of_band=True))
        response.vary.add("HX-Request")
        return response
    name = registration.participant.name or registration.participant.email
    if registration.status == "attended":
        flash(_("%(name)s was marked present.", name=name), "success")
    elif registration.status == "confirmed":
        flash(_("%(name)s is no longer marked present or absent.", name=name), "success")
    else:
        flash(_("%(name)s was marked absent.", name=name), "success")
    return redirect_after_post(_roster_url(forum, _anchor=f"registration-{registration.id}"))


@bp.post(FORUM + "/roster/walk-in")
@permission_required("run_forums")
def organizer_walk_in(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    form = WalkInForm(consultation)
    if form.validate_on_submit():
        try:
            registration = services.add_walk_in(forum, form.data, current_user.id, g.now)
        except RegistrationError as error:
            db.session.rollback()
            flash(_error_message(error), "error")
            return redirect_to_page(_roster_url(forum))
        db.session.commit()
        flash(_("%(name)s was added and marked present.", name=registration.participant.name), "success")
        return redirect_to_page(_roster_url(forum, _anchor=f"registration-{registration.id}"))
    return _render_roster(consultation, forum, form, status=422)


# -- notes ----------------------------------------------------------------------------------

def _render_notes(consultation, forum, form, status=200):
    return render_page_or_fragment(TEMPLATES + "notes.html", TEMPLATES + "_note_form.html", status=status,
                                   consultation=consultation, forum=forum, form=form,
                                   notes=services.list_notes(forum),
                                   form_action=url_for("forums.organizer_notes", slug=consultation.slug,
                                                       forum_id=forum.id))


@bp.route(FORUM + "/notes", methods=["GET", "POST"])
@permission_required("take_notes")
def organizer_notes(slug, forum_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    form = NoteForm(consultation, forum, topic_options(consultation))
    if form.validate_on_submit():
        note = services.create_note(forum, form.data, current_user.id)
        db.session.commit()
        flash(_("The note was saved."), "success")
        return redirect_to_page(url_for("forums.organizer_notes", slug=slug, forum_id=forum.id,
                                     _anchor=f"note-{note.id}"))
    return _render_notes(consultation, forum, form, status=422 if form.is_submitted() else 200)


@bp.route(FORUM + "/notes/<int:note_id>/edit", methods=["GET", "POST"])
@permission_required("take_notes")
def organizer_note_edit(slug, forum_id, note_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    note = services.get_note(forum, note_id)
    form = NoteForm(consultation, forum, topic_options(consultation), obj=note)
    if form.validate_on_submit():
        return passage_saved(services.update_note(note, form.data, current_user.id), _("The note was saved."),
                             _("Nothing to save: the note was not changed."),
                             url_for("forums.organizer_notes", slug=slug, forum_id=forum.id, _anchor=f"note-{note.id}"))
    return render_page_or_fragment(TEMPLATES + "note_edit.html", TEMPLATES + "_note_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   forum=forum, note=note, form=form,
                                   form_action=url_for("forums.organizer_note_edit", slug=slug, forum_id=forum.id,
                                                       note_id=note.id))


@bp.route(FORUM + "/notes/<int:note_id>/delete", methods=["GET", "POST"])
@permission_required("take_notes")
def organizer_note_delete(slug, forum_id, note_id):
    consultation = get_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    note = services.get_note(forum, note_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_note(note, current_user.id)
        return passage_deleted(_("The note was deleted."),
                               url_for("forums.organizer_notes", slug=slug, forum_id=forum.id))
    return render_template(TEMPLATES + "note_delete.html", consultation=consultation, forum=forum, note=note,
                           form=form), 422 if form.is_submitted() else 200


# -- public pre-reading ---------------------------------------------------------------------

def _readable_consultation(slug):
    """Public once the consultation is published; staff may preview a draft's pre-reading."""
    if current_user.is_authenticated:
        return get_consultation(slug)
    return get_public_consultation(slug)


@bp.get("/consultations/<slug>/forums/<int:forum_id>/dossier")
def dossier(slug, forum_id):
    consultation = _readable_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    return render_template(TEMPLATES + "dossier.html", consultation=consultation, forum=forum,
                           parts=services.dossier_parts(forum))


@bp.get("/consultations/<slug>/forums/<int:forum_id>/prereading")
def prereading(slug, forum_id):
    consultation = _readable_consultation(slug)
    forum = services.get_forum(consultation, forum_id)
    path = services.prereading_path(forum)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=forum.prereading_mimetype, as_attachment=True,
                         download_name=forum.prereading_filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
