"""Public pages of the questionnaire: start (identify, or ask for one's link), and the pages behind
each person's personal link: overview, profile (asked once), answering pages with autosave, review,
submission and receipt."""
from functools import cached_property

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..consultations import get_public_consultation
from ..extensions import db, limiter
from ..forums.when import format_clock
from ..htmx import redirect_after_post, render_page_or_fragment
from ..participants import regions
from ..security import personal_pages
from ..tokens import LinkError
from . import copies, notifications, responding, saving
from .blueprint import bp
from .forms import AnswerPageForm, LostLinkForm, ProfileForm, SendLinkForm, StartForm, SubmitForm, answer_error_message
from .responding import QuestionnaireUnavailable

PERSONAL_ENDPOINTS = {"questionnaires.overview", "questionnaires.profile", "questionnaires.page",
                      "questionnaires.autosave", "questionnaires.send_link", "questionnaires.review",
                      "questionnaires.submit", "questionnaires.receipt"}
# Responses started from this browser, so a replayed start form finds its link again.
SESSION_KEY = "questionnaire_starts"
SESSION_KEEP = 10
UNAVAILABLE_STATUS = {"upcoming": 403, "closed": 410, "invitation": 403, "draft": 404}


def _start_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _save_limit():
    return current_app.config["QUESTIONNAIRE_SAVE_RATE_LIMIT"]


bp.after_request(personal_pages(PERSONAL_ENDPOINTS))


@bp.errorhandler(LinkError)
def _bad_link(error):
    status = 410 if error.reason == "expired" else 404
    return render_template("questionnaires/link_error.html", reason=error.reason), status


@bp.errorhandler(QuestionnaireUnavailable)
def _unavailable(error):
    questionnaire = error.questionnaire
    return render_template("questionnaires/unavailable.html", questionnaire=questionnaire,
                           consultation=questionnaire.consultation, reason=error.reason,
                           lost_form=LostLinkForm()), UNAVAILABLE_STATUS.get(error.reason, 403)


def _remember(response) -> None:
    kept = session.get(SESSION_KEY, [])
    if kept and kept[-1] == response.id:
        return  # already the latest: left untouched, the session cookie is not signed and sent again
    known = [item for item in kept if item != response.id]
    session[SESSION_KEY] = [*known, response.id][-SESSION_KEEP:]


def _started_here(response) -> bool:
    return response.id in session.get(SESSION_KEY, [])


# -- starting -------------------------------------------------------------------------------

def _render_start(consultation, questionnaire, form, lost_form, status=200):
    return render_page_or_fragment("questionnaires/start.html", "questionnaires/_start_form.html", status=status,
                                   consultation=consultation, questionnaire=questionnaire, form=form,
                                   lost_form=lost_form, state=questionnaire.state(g.now),
                                   has_notice=responding.has_privacy_notice(consultation),
                                   country_names=regions.country_names())


@bp.route("/consultations/<slug>/questionnaire/", methods=["GET", "POST"])
@limiter.limit(_start_limit, methods=["POST"])
def start(slug):
    consultation = get_public_consultation(slug)
    questionnaire = responding.public_questionnaire(consultation)
    form = StartForm.for_consultation(consultation)
    can_start = (questionnaire.state(g.now) == "open" and questionnaire.access == "open"
                 and responding.has_privacy_notice(consultation))
    if request.method == "POST" and not can_start:
        responding.require_open(questionnaire, g.now)
        raise QuestionnaireUnavailable(questionnaire, "invitation" if questionnaire.access != "open" else "no_notice")
    if form.validate_on_submit():
        profile = form.profile()
        result = responding.start(questionnaire, responding.Start(email=form.email.data, profile=profile,
                                                              consents=form.consents), g.now)
        db.session.commit()
        if not _started_here(result.response):
            # The link goes to the address typed, never to the browser: same answer for everyone.
            return redirect_after_post(url_for("questionnaires.check_email", slug=slug))
        return redirect_after_post(url_for("questionnaires.overview",
                                           token=notifications.response_token(result.response)))
    return _render_start(consultation, questionnaire, form, LostLinkForm(),
                         status=422 if form.is_submitted() else 200)


@bp.post("/consultations/<slug>/questionnaire/my-link")
@limiter.limit(_start_limit)
def lost_link(slug):
    consultation = get_public_consultation(slug)
    questionnaire = responding.public_questionnaire(consultation)
    lost_form = LostLinkForm()
    if lost_form.validate_on_submit():
        responding.send_my_link(questionnaire, lost_form.email.data, g.now)
        db.session.commit()
        return redirect_after_post(url_for("questionnaires.check_email", slug=slug))
    if questionnaire.state(g.now) == "upcoming":
        responding.require_open(questionnaire, g.now)  # a closed one still sends links: answers stay readable
    if questionnaire.access != "open" and questionnaire.state(g.now) != "closed":
        return render_template("questionnaires/unavailable.html", questionnaire=questionnaire,
                               consultation=consultation, reason="invitation", lost_form=lost_form), 422
    return _render_start(consultation, questionnaire, StartForm.for_consultation(consultation), lost_form,
                         status=422)


@bp.get("/consultations/<slug>/questionnaire/check-your-email")
def check_email(slug):
    consultation = get_public_consultation(slug)
    questionnaire = responding.public_questionnaire(consultation)
    return render_template("questionnaires/check_email.html", consultation=consultation, questionnaire=questionnaire)


# -- behind the personal link ---------------------------------------------------------------

class _Context:
    """What every personal page needs, loaded once from the token (the pages and answers when first
    used: the autosave needs neither)."""

    def __init__(self, token: str):
        self.token = token
        self.response = responding.response_from_token(token)
        # Holding the link proves the address: this browser may come back through the start form.
        _remember(self.response)
        self.questionnaire = self.response.questionnaire
        self.consultation = self.questionnaire.consultation
        self.state = self.questionnaire.state(g.now)
        if self.state in ("draft", "upcoming"):
            raise QuestionnaireUnavailable(self.questionnaire, self.state)
        self.readonly = self.state != "open"

    @cached_property
    def pages(self):
        return responding.answer_pages(self.questionnaire)

    @cached_property
    def answers(self):
        return responding.answers_of(self.response)

    @property
    def progress(self):
        return responding.progress(self.pages, self.answers)

    def template_values(self, **extra) -> dict:
        return {"token": self.token, "response": self.response, "questionnaire": self.questionnaire,
                "consultation": self.consultation, "pages": self.pages, "answers": self.answers,
                "readonly": self.readonly, "state": self.state, "progress": self.progress,
                "changed": saving.changed_since_submission(self.response), **extra}


def _profile_first(context: _Context):
    if not context.readonly and responding.needs_profile(context.response.participant):
        return redirect(url_for("questionnaires.profile", token=context.token))
    return None


@bp.get("/questionnaire/<token>/")
def overview(token):
    context = _Context(token)
    detour = _profile_first(context)
    if detour:
        return detour
    return render_template("questionnaires/overview.html", **context.template_values())


@bp.route("/questionnaire/<token>/about-you", methods=["GET", "POST"])
@limiter.limit(_start_limit, methods=["POST"])
def profile(token):
    context = _Context(token)
    if context.readonly:
        return redirect(url_for("questionnaires.overview", token=token))
    participant = context.response.participant
    form = ProfileForm.for_participant(context.consultation, participant)
    if form.validate_on_submit():
        responding.complete_profile(context.response, form.profile(), form.consents)
        db.session.commit()
        return redirect_after_post(url_for("questionnaires.overview", token=token))
    return render_page_or_fragment("questionnaires/profile.html", "questionnaires/_profile_form.html",
                                   status=422 if form.is_submitted() else 200, form=form,
                                   country_names=regions.country_names(),
                                   has_notice=responding.has_privacy_notice(context.consultation),
                                   **context.template_values())


def _page_or_404(context: _Context, number: int):
    if not 1 <= number <= len(context.pages):
        abort(404)
    return context.pages[number - 1]


def _render_page(context: _Context, number: int, form, values=None, errors=None, status=200, message=""):
    page = _page_or_404(context, number)
    return render_template("questionnaires/page.html", page=page, number=number, form=form,
                           groups=responding.groups_of(page), values=values or {}, errors=errors or {},
                           message=message, **context.template_values()), status


def _error_messages(questions, result) -> dict[int, str]:
    by_id = {question.id: question for question in questions}
    return {question_id: answer_error_message(by_id[question_id], error)
            for question_id, error in result.errors.items()}


def _next_location(context: _Context, number: int, go: str) -> str:
    if go == "next" and number < len(context.pages):
        return url_for("questionnaires.page", token=context.token, number=number + 1)
    if go == "previous" and number > 1:
        return url_for("questionnaires.page", token=context.token, number=number - 1)
    if go in ("next", "review"):
        return url_for("questionnaires.review", token=context.token)
    if go == "contents":
        return url_for("questionnaires.overview", token=context.token)
    return url_for("questionnaires.page", token=context.token, number=number)


@bp.route("/questionnaire/<token>/pages/<int:number>", methods=["GET", "POST"])
@limiter.limit(_save_limit, methods=["POST"])
def page(token, number):
    context = _Context(token)
    detour = _profile_first(context)
    if detour:
        return detour
    questionnaire_page = _page_or_404(context, number)
    form = AnswerPageForm()
    if request.method == "GET":
        return _render_page(context, number, form)
    questions = responding.ordered_questions(questionnaire_page)
    typed = saving.typed_values(questions, request.form)
    if not form.validate_on_submit():
        return _render_page(context, number, form, values=typed, status=422)
    if context.readonly:
        return _render_page(context, number, form, values=typed, status=409)
    try:
        result = saving.save_answers(context.response, questions, request.form, g.now)
    except QuestionnaireUnavailable:
        db.session.rollback()
        context.readonly = True
        return _render_page(context, number, form, values=typed, status=409)
    db.session.commit()
    if result.errors:
        context.answers = responding.answers_of(context.response)
        return _render_page(context, number, form, values=result.values,
                            errors=_error_messages(questions, result), status=422)
    go = request.form.get("go", "save")
    if go == "save":
        flash(_("Your answers are saved."), "success")
    elif go == "link":
        # "Save and send me a link to continue": the page's answers are saved first (above).
        _send_continue_link(context)
    return redirect_after_post(_next_location(context, number, go))


@bp.post("/questionnaire/<token>/pages/<int:number>/autosave")
@limiter.limit(_save_limit)
def autosave(token, number):
    """The htmx autosave of a page: saves what this page changed, answers with the status message
    (and the new digests of what was saved, swapped out of band into the page)."""
    context = _Context(token)
    found = responding.page_questions_and_answers(context.response, number)
    if found is None:
        abort(404)
    questions, answers = found
    form = AnswerPageForm()
    values = {"token": token, "number": number, "saved": [], "problems": []}
    if not context.readonly and responding.needs_profile(context.response.participant):
        # Answers are only kept once the person has said who they are and agreed to the processing.
        values["message"] = _("Not saved: first complete the “About you” page.")
        return render_template("questionnaires/_save_status.html", **values), 409
    if not form.validate_on_submit():
        values["message"] = _("Not saved: the page has expired. Use the Save button to save your answers.")
        return render_template("questionnaires/_save_status.html", **values), 422
    try:
        result = saving.save_answers(context.response, questions, request.form, g.now, answers)
    except QuestionnaireUnavailable:
        db.session.rollback()
        values["message"] = _("Not saved: the questionnaire is closed. Copy your text if you want to keep it.")
        return render_template("questionnaires/_save_status.html", **values), 422
    # Read before the commit, which expires every row: nothing is loaded again afterwards.
    values["saved"] = [(question.id, saving.fingerprint(result.values[question.id])) for question in result.saved]
    problems = _error_messages(questions, result) if result.errors else {}
    zone = context.consultation.tz
    db.session.commit()
    saved_at = format_clock(g.now, zone)  # after the commit: on SQLite other saves wait for it
    if result.errors:
        values["message"] = _("Some answers were not saved: see the messages next to them, or use the Save button.")
        values["problems"] = list(problems.items())
        return render_template("questionnaires/_save_status.html", **values), 422
    values["message"] = _("Saved at %(time)s", time=saved_at)
    return render_template("questionnaires/_save_status.html", **values)


@bp.post("/questionnaire/<token>/send-link")
@limiter.limit(_start_limit)
def send_link(token):
    context = _Context(token)
    form = SendLinkForm()
    back = request.form.get("back", "")
    # Back to the page the button was on, named as that page names itself (with the token, or with the
    # "~key" that stands for it once the token went into a cookie); nowhere else.
    overview = url_for("questionnaires.overview", token=token)
    location = back if back.startswith((f"/questionnaire/{token}/", overview)) else overview
    if form.validate_on_submit():
        _send_continue_link(context)
    else:
        flash(_("The page had expired. Please try again."), "error")
    return redirect_after_post(location)


def _send_continue_link(context: _Context) -> None:
    notifications.continue_link(context.response, g.now)  # one email per few minutes, however often asked
    db.session.commit()
    flash(_("We have emailed a link to continue to %(email)s. It opens your answers on any device.",
            email=context.response.participant.email), "success")


def _render_review(context: _Context, submit_form, missing=None, status=200):
    sections = copies.answer_sections(context.pages, context.answers)
    if missing is None:
        missing = saving.missing_required(context.pages, context.answers)
    return render_template("questionnaires/review.html", sections=sections, missing=missing,
                           submit_form=submit_form, **context.template_values()), status


@bp.get("/questionnaire/<token>/review")
def review(token):
    context = _Context(token)
    detour = _profile_first(context)
    if detour:
        return detour
    return _render_review(context, SubmitForm(version=str(context.response.version)))


@bp.post("/questionnaire/<token>/submit")
@limiter.limit(_save_limit)
def submit(token):
    context = _Context(token)
    form = SubmitForm()
    if context.readonly:
        raise QuestionnaireUnavailable(context.questionnaire, context.state)
    detour = _profile_first(context)
    if detour:
        return detour
    if not form.validate_on_submit():
        return _render_review(context, SubmitForm(version=str(context.response.version)), status=422)
    outcome = saving.submit(context.response, form.seen_version, g.now)
    if outcome.missing:
        db.session.rollback()
        return _render_review(context, SubmitForm(version=str(context.response.version)), missing=outcome.missing,
                              status=422)
    db.session.commit()
    if not outcome.submitted and saving.changed_since_submission(context.response):
        # The review page was out of date (answers changed in another window): show them again.
        flash(_("Your answers changed since this review page was opened. Check them and send them again."),
              "warning")
        return redirect_after_post(url_for("questionnaires.review", token=token))
    return redirect_after_post(url_for("questionnaires.receipt", token=token))


@bp.get("/questionnaire/<token>/receipt")
def receipt(token):
    context = _Context(token)
    if context.response.status != "submitted":
        return redirect(url_for("questionnaires.review", token=token))
    return render_template("questionnaires/receipt.html", **context.template_values())



# -- template helpers -----------------------------------------------------------------------

def localized_option(option: dict) -> str:
    return copies.answer_text_of_option(option)


def question_value(question, answers: dict, values: dict):
    """What a field shows: what was just typed (after a problem), else what is saved."""
    if question.id in values:
        return values[question.id]
    return saving.stored_value(question, answers.get(question.id))


def question_baseline(question, answers: dict) -> str:
    return saving.fingerprint(saving.stored_value(question, answers.get(question.id)))
