"""Staff pages of the questionnaire: the builder, dates and access, invitations (roles organizer and
admin), and the responses (also analysts and coordinators)."""
from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..consultations import get_consultation
from ..extensions import db
from ..form_fields import ConfirmForm
from ..htmx import redirect_after_post, render_page_or_fragment
from ..i18n import localized
from ..permissions import permission_required
from . import builder, copies, responding, saving, staff_reads
from . import invitations as invites
from .blueprint import bp
from .forms import (
    GenerateForm,
    InviteForm,
    MoveForm,
    NewPageForm,
    NewQuestionForm,
    QuestionForm,
    SettingsForm,
    invitation_summary,
    options_text,
)

BASE = "/staff/consultations/<slug>/questionnaire"
TEMPLATES = "questionnaires/staff/"


def questionnaire_breadcrumbs(consultation, here=None) -> list[tuple[str, str | None]]:
    items = [(_("Staff area"), url_for("admin.dashboard")),
             (localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug))]
    if current_user.can("manage_questionnaire"):
        items.append((_("Questionnaire"), url_for("questionnaires.builder", slug=consultation.slug)))
    else:
        items.append((_("Questionnaire responses"), url_for("questionnaires.responses", slug=consultation.slug)))
    if here:
        items.append((here, None))
    return items


def _questionnaire_or_404(consultation):
    questionnaire = builder.find_questionnaire(consultation)
    if questionnaire is None:
        abort(404)
    return questionnaire


def _builder_url(consultation, **anchor):
    return url_for("questionnaires.builder", slug=consultation.slug, **anchor)


# -- the builder ----------------------------------------------------------------------------

def _render_builder(consultation, questionnaire, *, generate_form=None, page_form=None, status=200):
    """The builder page; a form that failed validation is passed in to be shown with its errors."""
    generate_form = generate_form or GenerateForm.with_labels(builder.default_prompt_labels(consultation),
                                                                  consultation.language_list)
    pages = sorted(questionnaire.pages, key=lambda page: (page.position, page.id)) if questionnaire else []
    answered = staff_reads.answered_question_ids(questionnaire) if questionnaire else set()
    return render_template(TEMPLATES + "builder.html", consultation=consultation, questionnaire=questionnaire,
                           pages=pages, generate_form=generate_form, move_form=MoveForm(), confirm_form=ConfirmForm(),
                           page_form=page_form or NewPageForm(), answered=answered, now=g.now), status


@bp.get(BASE + "/", endpoint="builder")
@permission_required("manage_questionnaire")
def builder_page(slug):
    consultation = get_consultation(slug)
    return _render_builder(consultation, builder.find_questionnaire(consultation))



@bp.post(BASE + "/generate")
@permission_required("manage_questionnaire")
def generate(slug):
    consultation = get_consultation(slug)
    form = GenerateForm.with_labels(builder.default_prompt_labels(consultation), consultation.language_list)
    if not form.validate_on_submit():
        return _render_builder(consultation, builder.find_questionnaire(consultation), generate_form=form,
                               status=422)
    questionnaire = builder.get_or_create_questionnaire(consultation, current_user.id)
    report = builder.generate(questionnaire, form.labels, bool(form.agreement.data), current_user.id)
    db.session.commit()
    if report.questions_created:
        flash(ngettext("%(num)d question was added from the consultation's structure.",
                       "%(num)d questions were added from the consultation's structure.",
                       report.questions_created), "success")
    else:
        flash(_("Nothing to add: every part of the proposal already has its questions."), "info")
    return redirect_after_post(_builder_url(consultation))


@bp.route(BASE + "/settings", methods=["GET", "POST"])
@permission_required("manage_questionnaire")
def settings(slug):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    data = SettingsForm.days_of(questionnaire, consultation.tz) if request.method == "GET" else {}
    form = SettingsForm(consultation.tz, obj=questionnaire, **data)
    if form.validate_on_submit():
        changed = builder.update_settings(questionnaire, form.values, current_user.id)
        db.session.commit()
        flash(_("The questionnaire's settings were saved.") if changed else _("Nothing to save: nothing was changed."),
              "success" if changed else "info")
        return redirect_after_post(_builder_url(consultation))
    return render_page_or_fragment(TEMPLATES + "settings.html", TEMPLATES + "_settings_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   questionnaire=questionnaire, form=form)


@bp.route(BASE + "/questions/<int:question_id>/edit", methods=["GET", "POST"])
@permission_required("manage_questionnaire")
def edit_question(slug, question_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    question = builder.get_question(questionnaire, question_id)
    form = QuestionForm(question.kind, obj=question)
    if request.method == "GET" and "options" in form:
        form.options.data = options_text(question.options)
    if form.validate_on_submit():
        changed = builder.update_question(question, form.values, current_user.id)
        db.session.commit()
        flash(_("The question was saved.") if changed else _("Nothing to save: nothing was changed."),
              "success" if changed else "info")
        return redirect_after_post(_builder_url(consultation, _anchor=f"question-{question.id}"))
    return render_page_or_fragment(TEMPLATES + "question.html", TEMPLATES + "_question_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   questionnaire=questionnaire, question=question, form=form)


@bp.route(BASE + "/questions/new", methods=["GET", "POST"])
@permission_required("manage_questionnaire")
def new_question(slug):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    pages = sorted(questionnaire.pages, key=lambda page: (page.position, page.id))
    form = NewQuestionForm.for_pages(pages)
    if request.method == "GET":
        wanted = request.args.get("page", type=int)
        if wanted in {page.id for page in pages}:
            form.page_id.data = wanted
    if not pages:
        flash(_("Add a page first."), "error")
        return redirect_after_post(_builder_url(consultation))
    if form.validate_on_submit():
        page = builder.get_page(questionnaire, form.page_id.data)
        question = builder.add_question(page, form.values, current_user.id)
        db.session.commit()
        flash(_("The question was added."), "success")
        return redirect_after_post(_builder_url(consultation, _anchor=f"question-{question.id}"))
    return render_page_or_fragment(TEMPLATES + "question.html", TEMPLATES + "_question_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   questionnaire=questionnaire, question=None, form=form)


@bp.post(BASE + "/questions/<int:question_id>/move")
@permission_required("manage_questionnaire")
def move_question(slug, question_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    question = builder.get_question(questionnaire, question_id)
    form = MoveForm()
    if form.validate_on_submit():
        builder.move_question(question, form.direction.data, current_user.id)
        db.session.commit()
    return redirect_after_post(_builder_url(consultation, _anchor=f"question-{question.id}"))


@bp.post(BASE + "/questions/<int:question_id>/delete")
@permission_required("manage_questionnaire")
def delete_question(slug, question_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    question = builder.get_question(questionnaire, question_id)
    page_id = question.page_id
    if ConfirmForm().validate_on_submit():
        if builder.delete_question(question, current_user.id):
            db.session.commit()
            flash(_("The question was removed."), "success")
        else:
            flash(_("This question has answers: it cannot be removed. Edit it instead."), "error")
    return redirect_after_post(_builder_url(consultation, _anchor=f"page-{page_id}"))


@bp.post(BASE + "/pages/new")
@permission_required("manage_questionnaire")
def new_page(slug):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    form = NewPageForm()
    if form.validate_on_submit():
        page = builder.add_page(questionnaire, form.title_fr.data or "", form.title_en.data or "", current_user.id)
        db.session.commit()
        flash(_("The page was added. Add its questions now."), "success")
        return redirect_after_post(url_for("questionnaires.new_question", slug=slug, page=page.id))
    return _render_builder(consultation, questionnaire, page_form=form, status=422)


@bp.route(BASE + "/pages/<int:page_id>/edit", methods=["GET", "POST"])
@permission_required("manage_questionnaire")
def edit_page(slug, page_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    page = builder.get_page(questionnaire, page_id)
    form = NewPageForm(obj=page)
    if form.validate_on_submit():
        builder.rename_page(page, form.title_fr.data or "", form.title_en.data or "", current_user.id)
        db.session.commit()
        flash(_("The page was renamed."), "success")
        return redirect_after_post(_builder_url(consultation, _anchor=f"page-{page.id}"))
    return render_template(TEMPLATES + "page.html", consultation=consultation, page=page, form=form,
                           delete_form=ConfirmForm(), has_answers=builder.page_has_answers(page)), \
        422 if form.is_submitted() else 200


@bp.post(BASE + "/pages/<int:page_id>/delete")
@permission_required("manage_questionnaire")
def delete_page(slug, page_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    page = builder.get_page(questionnaire, page_id)
    if ConfirmForm().validate_on_submit():
        if builder.delete_page(page, current_user.id):
            db.session.commit()
            flash(_("The page and its questions were removed."), "success")
            return redirect_after_post(_builder_url(consultation, _anchor="pages-title"))
        flash(_("Questions of this page have answers: it cannot be removed. Rename it or edit its questions "
                "instead."), "error")
    return redirect_after_post(url_for("questionnaires.edit_page", slug=slug, page_id=page.id))


@bp.post(BASE + "/pages/<int:page_id>/move")
@permission_required("manage_questionnaire")
def move_page(slug, page_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    page = builder.get_page(questionnaire, page_id)
    form = MoveForm()
    if form.validate_on_submit():
        builder.move_page(page, form.direction.data, current_user.id)
        db.session.commit()
    return redirect_after_post(_builder_url(consultation, _anchor=f"page-{page.id}"))


# -- invitations ----------------------------------------------------------------------------

def _render_invitations(consultation, questionnaire, form, status=200, invalid=()):
    listing = invites.list_invitations(questionnaire, request.args.get("page", 1, type=int))
    return render_page_or_fragment(TEMPLATES + "invitations.html", TEMPLATES + "_invite_form.html", status=status,
                                   consultation=consultation, questionnaire=questionnaire, form=form,
                                   listing=listing, invalid=invalid, remind_form=ConfirmForm())


@bp.route(BASE + "/invitations", methods=["GET", "POST"])
@permission_required("manage_questionnaire")
def invitations(slug):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    form = InviteForm(language=(consultation.language_list or ["fr"])[0])
    if form.is_submitted() and questionnaire.state(g.now) in ("draft", "closed"):
        # Links to a draft would not open, and a closed questionnaire takes no more answers.
        form.validate()
        form.form_errors.append(_("Invitations can be sent once the questionnaire is published, and until it "
                                  "closes."))
        return _render_invitations(consultation, questionnaire, form, status=422)
    if form.validate_on_submit():
        listed = invites.parse_email_list(form.text)
        report = invites.invite(questionnaire, listed.entries, form.language.data, current_user.id, g.now)
        db.session.commit()
        for category, message in invitation_summary(report, listed):
            flash(message, category)
        if listed.invalid:
            # The valid addresses are invited; the lines to fix come back in the field.
            form = InviteForm(formdata=None, language=form.language.data,
                              emails="\n".join(line for _number, line in listed.invalid))
            form.emails.errors = [ngettext("%(num)d line has no valid email address: correct it below and send again.",
                                           "%(num)d lines have no valid email address: correct them below and send "
                                           "again.", len(listed.invalid))]
            return _render_invitations(consultation, questionnaire, form, status=422, invalid=listed.invalid)
        return redirect_after_post(url_for("questionnaires.invitations", slug=slug))
    return _render_invitations(consultation, questionnaire, form, status=422 if form.is_submitted() else 200)


@bp.post(BASE + "/invitations/remind")
@permission_required("manage_questionnaire")
def remind(slug):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    if questionnaire.state(g.now) in ("draft", "closed"):
        flash(_("No reminder sent: the questionnaire is not taking answers."), "error")
        return redirect_after_post(url_for("questionnaires.invitations", slug=slug))
    if ConfirmForm().validate_on_submit():
        count = invites.remind(questionnaire, current_user.id, g.now)
        db.session.commit()
        if count:
            flash(ngettext("%(num)d reminder was queued for sending.", "%(num)d reminders were queued for sending.",
                           count), "success")
        else:
            flash(_("No reminder to send: everyone invited has submitted, or was already reminded today."), "info")
    return redirect_after_post(url_for("questionnaires.invitations", slug=slug))


# -- responses ------------------------------------------------------------------------------

@bp.get(BASE + "/responses")
@permission_required("read_responses")
def responses(slug):
    consultation = get_consultation(slug)
    questionnaire = builder.find_questionnaire(consultation)
    if questionnaire is None:
        return render_template(TEMPLATES + "no_questionnaire.html", consultation=consultation)
    status = request.args.get("status") if request.args.get("status") in ("draft", "submitted") else None
    listing = staff_reads.list_responses(questionnaire, request.args.get("page", 1, type=int), status)
    return render_page_or_fragment(TEMPLATES + "responses.html", TEMPLATES + "_response_list.html",
                                   consultation=consultation, questionnaire=questionnaire, listing=listing,
                                   status=status, topic_counts=staff_reads.counts_by_topic(questionnaire))


@bp.get(BASE + "/responses/<int:response_id>")
@permission_required("read_responses")
def response_detail(slug, response_id):
    consultation = get_consultation(slug)
    questionnaire = _questionnaire_or_404(consultation)
    response = staff_reads.get_response(questionnaire, response_id)
    pages = responding.answer_pages(questionnaire)
    answers = responding.answers_of(response)
    staff_reads.record_reading(response, current_user.id)
    db.session.commit()
    return render_template(TEMPLATES + "response.html", consultation=consultation, questionnaire=questionnaire,
                           response=response, sections=copies.answer_sections(pages, answers), answers=answers,
                           changed=saving.changed_since_submission(response))
