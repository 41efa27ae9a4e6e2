"""Public pages: the submission form, the draft behind its personal link, the receipt."""
from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..consultations import get_public_consultation
from ..extensions import db, limiter
from ..htmx import redirect_after_post, render_page_or_fragment
from ..security import personal_pages
from ..tokens import LinkError
from ..tree import topic_options
from . import services, staff_services
from .blueprint import bp
from .forms import megabytes, submission_form

TEMPLATES = "submissions/"
# Pages reached through a personal link, or showing what someone just sent: never cached or indexed.
PERSONAL_ENDPOINTS = {"submissions.draft", "submissions.receipt", "submissions.new"}
# Submissions sent from this browser, so that their receipt page opens again here and nowhere else.
SESSION_KEY = "submissions_sent"
SESSION_KEEP = 10




def _limit():
    return current_app.config["SUBMISSION_RATE_LIMIT"]


bp.after_request(personal_pages(PERSONAL_ENDPOINTS))


@bp.errorhandler(LinkError)
def _bad_link(error):
    status = 410 if error.reason == "expired" else 404
    return render_template(TEMPLATES + "link_error.html", reason=error.reason), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    # The body was refused before it was read: nothing typed can be shown again, so say how to
    # get it back (the browser's Back button) and what the limits are.
    config = current_app.config
    return render_template(TEMPLATES + "too_large.html", back=request.path,
                           max_files=config["SUBMISSION_MAX_FILES"],
                           file_size=megabytes(config["SUBMISSION_MAX_FILE_BYTES"]),
                           total_size=megabytes(config["MAX_CONTENT_LENGTH"])), 413


def _remember(submission) -> None:
    sent = [item for item in session.get(SESSION_KEY, []) if item != submission.id]
    session[SESSION_KEY] = [*sent, submission.id][-SESSION_KEEP:]


def _closed(consultation, submission=None):
    return render_template(TEMPLATES + "closed.html", consultation=consultation, submission=submission), 410


def _render_form(consultation, form, *, submission=None, token=None, status=200):
    return render_page_or_fragment(TEMPLATES + "page.html", TEMPLATES + "_fragment.html", status=status,
                                   consultation=consultation, form=form, submission=submission, token=token)


def _max_links() -> int:
    return current_app.config["SUBMISSION_MAX_LINKS"]


@bp.route("/consultations/<slug>/submissions/new", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def new(slug):
    consultation = get_public_consultation(slug)
    if not services.submissions_open(consultation, g.now):
        return _closed(consultation)
    form = submission_form(consultation, topic_options(consultation), max_links=_max_links())
    form.sending = request.form.get("action") != "draft"
    if form.validate_on_submit():
        try:
            started = services.start(consultation, form.email.data, form.profile(), form.consents, form.content(),
                                     send=form.sending)
        except services.SubmissionRefused:
            db.session.rollback()
            form.form_errors.append(_("Your submission could not be saved. Check it and send it again."))
            return _render_form(consultation, form, status=422)
        db.session.commit()
        if not form.sending:
            # The same page whether the address is known or not: the link goes only to that address.
            return redirect_after_post(url_for("submissions.check_email", slug=slug))
        _remember(started.submission)
        return redirect_after_post(url_for("submissions.receipt", slug=slug, submission_id=started.submission.id))
    return _render_form(consultation, form, status=422 if form.is_submitted() else 200)


@bp.get("/consultations/<slug>/submissions/check-your-email")
def check_email(slug):
    consultation = get_public_consultation(slug)
    return render_template(TEMPLATES + "check_email.html", consultation=consultation)


def _initial(submission) -> dict:
    values = {"general_text": submission.general_text, "language": submission.language}
    values.update({f"text_{item.topic_id}": item.text for item in submission.texts})
    for number, link in enumerate(submission.links):
        values[f"link_url_{number}"], values[f"link_title_{number}"] = link.url, link.title
    consents = services.participant_consents(submission.participant)
    values.update({f"consent_{purpose}": granted for purpose, granted in consents.items()})
    return values


@bp.route("/consultations/<slug>/submissions/draft/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def draft(slug, token):
    submission = services.from_token(token, slug)
    consultation = submission.consultation
    if not submission.is_draft:
        return render_template(TEMPLATES + "receipt.html", consultation=consultation, submission=submission)
    if not services.submissions_open(consultation, g.now):
        return _closed(consultation, submission)
    initial = {} if request.method == "POST" else _initial(submission)
    form = submission_form(consultation, topic_options(consultation), max_links=_max_links(),
                           participant=submission.participant, **initial)
    remove = request.form.get("remove_attachment", "")
    form.sending = request.form.get("action") == "send" and not remove
    form.draft = submission
    form.remove_ids = {int(remove)} if remove.isdigit() else set()
    if form.validate_on_submit():
        content = form.content()
        try:
            if form.sending:
                services.send_draft(submission, content, form.consents)
            else:
                granted = {purpose: True for purpose, given in form.consents.items() if given}
                services.save_draft(submission, content, granted)
        except services.SubmissionRefused:
            db.session.rollback()
            # Sent meanwhile from another tab: its receipt is what this link now shows.
            return redirect_after_post(url_for("submissions.draft", slug=slug, token=token))
        db.session.commit()
        if form.sending:
            _remember(submission)
            return redirect_after_post(url_for("submissions.receipt", slug=slug, submission_id=submission.id))
        flash(_("The document was removed from your draft.") if remove else _("Your draft is saved."), "success")
        return redirect_after_post(url_for("submissions.draft", slug=slug, token=token, _anchor="submission-form"
                                           if remove else None))
    return _render_form(consultation, form, submission=submission, token=token,
                        status=422 if form.is_submitted() else 200)


@bp.get("/consultations/<slug>/submissions/<int:submission_id>/receipt")
def receipt(slug, submission_id):
    consultation = get_public_consultation(slug)
    if submission_id not in session.get(SESSION_KEY, []):
        # Only the browser that sent it sees it here; the receipt email reaches the writer anywhere.
        return redirect(url_for("submissions.new", slug=slug))
    submission = staff_services.get_submission(consultation, submission_id)
    return render_template(TEMPLATES + "receipt.html", consultation=consultation, submission=submission)
