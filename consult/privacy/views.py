"""Public "my data" pages: ask for one's link, then, behind it, see everything held, download it,
correct the profile, change a consent, and ask for erasure (with a confirmation step)."""
import tempfile

from flask import Response, abort, current_app, flash, g, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..consultations import get_public_consultation
from ..extensions import db, limiter
from ..htmx import redirect_after_post, render_page_or_fragment
from ..mail.rendering import shown as shown_email
from ..outcome.contribution import contributions
from ..participants import regions
from ..questionnaires.copies import answer_text
from ..security import personal_pages
from ..submissions.services import attachment_path
from ..tokens import LinkError
from . import services
from .blueprint import bp
from .download import turns_text, write_archive
from .forms import ConsentForm, EraseForm, ProfileForm, RequestLinkForm

PERSONAL_ENDPOINTS = {"privacy.my_data", "privacy.download", "privacy.attachment", "privacy.profile",
                      "privacy.consent", "privacy.erase", "privacy.my_turns"}
# Kept in memory up to this size, then spooled to a temporary file.
ARCHIVE_MEMORY = 8 * 1024 * 1024

PURPOSES = {
    "processing": _l("Use of your information and contributions for this consultation"),
    "recording": _l("Recording of the sessions you attend"),
    "quotation": _l("Quoting your comments in the report, without your name"),
    "contact": _l("Contacting you about future consultations"),
}


def _link_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


bp.after_request(personal_pages(PERSONAL_ENDPOINTS))


@bp.errorhandler(LinkError)
def _bad_link(error):
    status = 410 if error.reason == "expired" else 404
    return render_template("privacy/link_error.html", reason=error.reason), status


# -- asking for the link ----------------------------------------------------------------------

@bp.route("/consultations/<slug>/my-data", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def request_link(slug):
    consultation = get_public_consultation(slug)
    form = RequestLinkForm()
    if form.validate_on_submit():
        services.request_link(consultation, form.email.data, g.now)
        db.session.commit()
        # The same answer for every address: the link goes to the address, never to this browser.
        return redirect_after_post(url_for("privacy.check_email", slug=slug))
    return render_page_or_fragment("privacy/request.html", "privacy/_request_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation, form=form)


@bp.get("/consultations/<slug>/my-data/check-your-email")
def check_email(slug):
    return render_template("privacy/check_email.html", consultation=get_public_consultation(slug))


@bp.get("/consultations/<slug>/my-data/deleted")
def erased(slug):
    return render_template("privacy/erased.html", consultation=get_public_consultation(slug))


# -- behind the link --------------------------------------------------------------------------

def _page(token, participant, status=200, **extra):
    held = services.holdings(participant)
    forms = {purpose: ConsentForm(granted="no" if participant.current_consent(purpose) else "yes")
             for purpose in services.CHANGEABLE_PURPOSES}
    # A recorded email waiting to be sent has no subject on its row yet: the one it will have.
    subjects = {message.id: shown_email(message).subject for message in held.emails}
    return render_template("privacy/my_data.html", token=token, held=held, participant=participant,
                           email_subjects=subjects,
                           consultation=held.consultation, consent_forms=forms, purposes=PURPOSES,
                           contributions=contributions(held.consultation, held.comments), **extra), status


@bp.get("/my-data/<token>")
def my_data(token):
    participant = services.participant_from_token(token)
    return _page(token, participant)


@bp.get("/my-data/<token>/download")
def download(token):
    participant = services.participant_from_token(token)
    held = services.holdings(participant)
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY)
    write_archive(held, archive, g.now)
    archive.seek(0)
    name = f"{held.consultation.slug}-my-data-{g.now:%Y-%m-%d}.zip"
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/my-data/<token>/transcripts.txt")
def my_turns(token):
    """The person's own turns in recorded sessions, as plain text: session, timecodes, words."""
    participant = services.participant_from_token(token)
    held = services.holdings(participant)
    response = Response(turns_text(held.turns), mimetype="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{held.consultation.slug}-my-turns.txt"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/my-data/<token>/documents/<int:attachment_id>")
def attachment(token, attachment_id):
    participant = services.participant_from_token(token)
    item = services.attachment_of(participant, attachment_id)
    path = attachment_path(item) if item is not None else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype=item.mimetype, as_attachment=True, download_name=item.filename, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/my-data/<token>/profile", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def profile(token):
    participant = services.participant_from_token(token)
    consultation = services.consultation_of(participant)
    form = ProfileForm.for_participant(consultation, participant)
    if form.validate_on_submit():
        changed = services.correct_profile(participant, form.profile())
        db.session.commit()
        flash(_("Your profile is corrected.") if changed else _("Nothing to change: your profile was already so."),
              "success" if changed else "info")
        return redirect_after_post(url_for("privacy.my_data", token=token, _anchor="profile"))
    return render_page_or_fragment("privacy/profile.html", "privacy/_profile_form.html",
                                   status=422 if form.is_submitted() else 200, token=token, form=form,
                                   participant=participant, consultation=consultation,
                                   country_names=regions.country_names())


@bp.post("/my-data/<token>/consents/<purpose>")
@limiter.limit(_link_limit)
def consent(token, purpose):
    participant = services.participant_from_token(token)
    if purpose not in services.CHANGEABLE_PURPOSES:
        abort(404)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Please try again."), "error")
        return redirect_after_post(url_for("privacy.my_data", token=token, _anchor="consents"))
    if services.change_consent(participant, purpose, form.decision):
        db.session.commit()
    label = PURPOSES[purpose]
    if form.decision:
        flash(_("Consent given: %(purpose)s.", purpose=label), "success")
    else:
        flash(_("Consent withdrawn: %(purpose)s.", purpose=label), "success")
    return redirect_after_post(url_for("privacy.my_data", token=token, _anchor="consents"))


@bp.route("/my-data/<token>/delete", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def erase(token):
    try:
        participant = services.participant_from_token(token)
    except LinkError:
        # A second click on the confirmation button: the first one erased the data.
        slug = services.erased_through(token)
        if slug is None:
            raise
        return redirect_after_post(url_for("privacy.erased", slug=slug))
    held = services.holdings(participant)
    form = EraseForm()
    if form.validate_on_submit():
        slug = held.consultation.slug
        services.erase(participant, reason="request", now=g.now,
                       withdraw_processing=bool(form.withdraw_processing.data))
        db.session.commit()
        return redirect_after_post(url_for("privacy.erased", slug=slug))
    return render_template("privacy/erase.html", token=token, held=held, participant=participant,
                           consultation=held.consultation, form=form), 422 if form.is_submitted() else 200


# -- template helpers -------------------------------------------------------------------------

def privacy_answers(response) -> list:
    return services.ordered_answers(response)


def privacy_answer_text(answer) -> str:
    return answer_text(answer.question, answer)
