"""Transcript pages: organizers upload a session's transcript, check what was found and say who each
speaker is (preview, then keep); analysts read it with its timecodes and place turns on topics."""
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import uploads
from ..channels.transcripts import timecode
from ..consultations import get_consultation
from ..extensions import db
from ..form_fields import ConfirmForm
from ..forums.organizer_services import get_forum
from ..htmx import redirect_after_post, render_page_or_fragment
from ..lookups import get_owned_or_404
from ..models import Topic, TranscriptPassage
from ..permissions import permission_required
from ..submissions.notifications import file_size
from ..tree import topic_options
from . import services
from .blueprint import bp
from .commands import counts_line
from .forms import MoveForm, PlaceForm, UploadForm, mapping_form
from .parsing import TranscriptError, parse
from .queue import unplaced_in

FORUM = "/staff/consultations/<slug>/forums/<int:forum_id>/transcripts"
TEMPLATES = "transcripts/"


@bp.app_template_filter("timecode")
def timecode_filter(ms):
    return timecode(ms)


@bp.app_template_global("kept_transcripts")
def kept_transcripts_global(forum):
    """The session's kept transcripts, for the pages of a session (its notes list them)."""
    return services.kept_transcripts(forum)


def _forum(slug, forum_id):
    consultation = get_consultation(slug)
    return consultation, get_forum(consultation, forum_id)


def _new_upload_form(consultation, forum) -> UploadForm:
    form = UploadForm(consultation)
    if not form.is_submitted():
        form.retain_until.data = services.default_retention(forum)
    return form


def _upload_page(consultation, forum, form, status=200, notice=None):
    return render_template(TEMPLATES + "upload.html", consultation=consultation, forum=forum, form=form,
                           transcripts=services.kept_transcripts(forum), held=services.is_held(forum),
                           notice=notice), status


@bp.route(FORUM, methods=["GET", "POST"])
@permission_required("upload_transcripts")
def upload(slug, forum_id):
    consultation, forum = _forum(slug, forum_id)
    form = _new_upload_form(consultation, forum)
    if form.validate_on_submit():
        limit = current_app.config["TRANSCRIPT_MAX_BYTES"]
        data = uploads.read_limited(form.upload.stream, limit)
        if len(data) > limit:  # refused before anything is read into turns
            form.transcript.errors = [*form.transcript.errors, _(
                "The file is larger than %(size)s, the largest transcript accepted.",
                size=file_size(limit))]
            return _upload_page(consultation, forum, form, 422)
        try:
            parsed = parse(form.upload.filename, data)
            transcript = services.create_draft(forum, parsed, form.upload.filename, form.language.data,
                                               form.retain_until.data, current_user.id)
        except TranscriptError as error:
            db.session.rollback()
            form.transcript.errors = [*form.transcript.errors, str(error.message)]
            return _upload_page(consultation, forum, form, 422)
        db.session.commit()
        return redirect_after_post(url_for("transcripts.review", slug=slug, forum_id=forum.id,
                                           transcript_id=transcript.id))
    return _upload_page(consultation, forum, form, 422 if form.is_submitted() else 200)


def _draft(forum, transcript_id):
    transcript = services.get_transcript(forum, transcript_id)
    if transcript.status != "draft":
        abort(404)
    return transcript


@bp.route(FORUM + "/<int:transcript_id>/review", methods=["GET", "POST"])
@permission_required("upload_transcripts")
def review(slug, forum_id, transcript_id):
    """What the file holds, and who each speaker is: keeping it is the confirmation."""
    consultation, forum = _forum(slug, forum_id)
    transcript = services.get_transcript(forum, transcript_id)
    if transcript.status == "kept":  # back on the check page after keeping it
        return _upload_page(consultation, forum, _new_upload_form(consultation, forum),
                            notice=_("This transcript is already kept; it is listed below."))
    speakers = services.speakers_of(transcript)
    people = services.registrants(forum)
    form = mapping_form(speakers, people)
    if form.validate_on_submit():
        try:
            kept = services.keep(transcript, form.mapping(), current_user.id)
        except TranscriptError as error:
            db.session.rollback()
            transcript = _draft(forum, transcript_id)
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            message = ngettext("The transcript was kept: %(num)d turn.", "The transcript was kept: %(num)d turns.",
                               kept.turns)
            if kept.dropped:
                message += " " + ngettext(
                    "%(num)d turn was left out: its speaker did not consent to being recorded.",
                    "%(num)d turns were left out: their speakers did not consent to being recorded.", kept.dropped)
            flash(message, "success")
            return redirect_after_post(url_for("transcripts.upload", slug=slug, forum_id=forum.id))
    return render_template(TEMPLATES + "review.html", consultation=consultation, forum=forum, transcript=transcript,
                           speakers=speakers, form=form, people=people,
                           counts=counts_line(len(transcript.turns), len(speakers)),
                           ), 422 if form.is_submitted() else 200


@bp.route(FORUM + "/<int:transcript_id>/delete", methods=["GET", "POST"])
@permission_required("upload_transcripts")
def delete(slug, forum_id, transcript_id):
    """A kept transcript is deleted from a page that says what goes with it (the comments of its placed
    passages and their codes); a draft being reviewed is discarded at once (nothing was placed yet)."""
    consultation, forum = _forum(slug, forum_id)
    transcript = services.get_transcript(forum, transcript_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        services.discard(transcript, current_user.id)
        db.session.commit()
        flash(_("The transcript was deleted, with its placed passages."), "success")
        return redirect_after_post(url_for("transcripts.upload", slug=slug, forum_id=forum.id))
    if request.method == "POST":
        return redirect_after_post(url_for("transcripts.upload", slug=slug, forum_id=forum.id))
    return render_template(TEMPLATES + "delete.html", consultation=consultation, forum=forum, transcript=transcript,
                           placed=len(transcript.passages), form=form)


# -- reading and placing --------------------------------------------------------------------

def _kept(consultation, transcript_id):
    from ..models import Forum, Transcript

    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None or transcript.status != "kept":
        abort(404)
    forum = db.session.get(Forum, transcript.forum_id)
    if forum.consultation_id != consultation.id:
        abort(404)
    return transcript


def _places(consultation):
    """The topics a passage can go on, in reading order: as in the analysis, not a top-level node
    whose level holds others (the comments go on those)."""
    return [(topic, depth) for topic, depth in topic_options(consultation) if topic.kind != "axis"]


def _read_page(consultation, transcript, form, status=200, move_form=None, moving=None):
    topics = _places(consultation)
    placed = {}
    for passage in transcript.passages:
        for position in range(passage.first_position, passage.last_position + 1):
            placed[position] = passage
    return render_page_or_fragment(
        TEMPLATES + "read.html", TEMPLATES + "_read.html", status=status, consultation=consultation,
        forum=transcript.forum, transcript=transcript, form=form, placed=placed, topics=topics,
        checked=set(form.turns.data or []), move_form=move_form or MoveForm(topics, formdata=None),
        moving=moving, waiting=unplaced_in(transcript))


@bp.route("/staff/consultations/<slug>/transcripts/<int:transcript_id>", methods=["GET", "POST"])
@permission_required("place_transcripts")
def read(slug, transcript_id):
    consultation = get_consultation(slug)
    transcript = _kept(consultation, transcript_id)
    form = PlaceForm(transcript, _places(consultation))
    if form.validate_on_submit():
        topic = get_owned_or_404(Topic, form.topic_id.data, consultation_id=consultation.id) \
            if form.topic_id.data else None
        positions = form.turns.data
        try:
            passage = services.place(transcript, min(positions), max(positions), topic, current_user.id)
        except TranscriptError as error:
            db.session.rollback()
            transcript = _kept(consultation, transcript_id)
            form.turns.errors = [*form.turns.errors, str(error.message)]
            return _read_page(consultation, transcript, form, 422)
        db.session.commit()
        flash(_("The passage was placed: it is now a comment."), "success")
        return redirect_after_post(url_for("transcripts.read", slug=slug, transcript_id=transcript.id,
                                           _anchor=f"turn-{passage.first_position}"))
    return _read_page(consultation, transcript, form, 422 if form.is_submitted() else 200)


@bp.route("/staff/consultations/<slug>/transcripts/<int:transcript_id>/passages/<int:passage_id>/remove",
          methods=["POST"])
@permission_required("place_transcripts")
def unplace(slug, transcript_id, passage_id):
    consultation = get_consultation(slug)
    transcript = _kept(consultation, transcript_id)
    passage = get_owned_or_404(TranscriptPassage, passage_id, transcript_id=transcript.id)
    first = passage.first_position
    if ConfirmForm().validate_on_submit():
        services.unplace(passage, current_user.id)
        db.session.commit()
        flash(_("The placement was undone: its turns wait to be placed again, and its comment was removed "
                "with its codes."), "success")
    return redirect_after_post(url_for("transcripts.read", slug=slug, transcript_id=transcript.id,
                                       _anchor=f"turn-{first}"))


@bp.route("/staff/consultations/<slug>/transcripts/<int:transcript_id>/passages/<int:passage_id>/move",
          methods=["POST"])
@permission_required("place_transcripts")
def move(slug, transcript_id, passage_id):
    """Put a placed passage on another topic; its comment follows with its codes."""
    consultation = get_consultation(slug)
    transcript = _kept(consultation, transcript_id)
    passage = get_owned_or_404(TranscriptPassage, passage_id, transcript_id=transcript.id)
    topics = _places(consultation)
    form = MoveForm(topics)
    if not form.validate_on_submit():
        return _read_page(consultation, transcript, PlaceForm(transcript, topics, formdata=None), 422,
                          move_form=form, moving=passage.id)
    topic = get_owned_or_404(Topic, form.topic_id.data, consultation_id=consultation.id)
    if services.move(passage, topic, current_user.id):
        db.session.commit()
        flash(_("The passage was moved to %(code)s, with its comment and its codes.", code=topic.code), "success")
    else:
        flash(_("The passage already is on %(code)s.", code=topic.code), "info")
    return redirect_after_post(url_for("transcripts.read", slug=slug, transcript_id=transcript.id,
                                       _anchor=f"turn-{passage.first_position}"))
