"""Admin pages of consultations: list, create, settings, duplicate, open, close, archive."""
from flask import flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..consultations import all_consultations, ask_every_language, get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..permissions import permission_required
from ..readiness import channel_state, missing_for_opening
from . import consultations
from .blueprint import bp
from .consultation_forms import ConsultationSettingsForm, DuplicateForm, LifecycleForm, NewConsultationForm


class Refusals:
    @staticmethod
    def track_in_use(code, count):
        return ngettext("Track %(code)s cannot be removed: %(num)d session or comment belongs to it.",
                        "Track %(code)s cannot be removed: %(num)d sessions or comments belong to it.",
                        count, code=code)

    @staticmethod
    def category_in_use(code, count):
        return ngettext("Category %(code)s cannot be removed: %(num)d participant belongs to it.",
                        "Category %(code)s cannot be removed: %(num)d participants belong to it.",
                        count, code=code)


def _settings_form(item, fresh=False) -> ConsultationSettingsForm:
    """The form as saved (GET, or after a lifecycle button), else as typed."""
    if fresh or not request.method == "POST":
        form = ConsultationSettingsForm(formdata=None, data=consultations.form_data(item))
        form.offer_rows("tracks", item.tracks)
        form.offer_rows("categories", item.categories)
        return form
    return ConsultationSettingsForm()


def _place_errors(form, errors: dict[str, str]) -> None:
    """A row still in use was emptied or renamed: the refusal names its code, above the form."""
    form.form_errors.extend(errors.values())


@bp.get("/consultations/")
@permission_required("manage_consultations")
def consultations_index():
    items = all_consultations()
    return render_template("admin/consultations.html", consultations=items,
                           missing={item.id: missing_for_opening(item) for item in items if item.status == "draft"})


@bp.route("/consultations/new", methods=["GET", "POST"])
@permission_required("manage_consultations")
def consultation_new():
    form = NewConsultationForm()
    if form.is_submitted() and form.slug.data and consultations.slug_taken(form.slug.data.strip()):
        form.validate()
        form.slug.errors = [*form.slug.errors, _("Another consultation already uses this address name.")]
    elif form.validate_on_submit():
        item = consultations.create_consultation(form.slug.data, consultations.SettingsValues.from_form(form),
                                                 current_user.id, Refusals, level_preset=form.level_preset.data,
                                                 prompt_preset=form.prompt_preset.data,
                                                 codebook_preset=form.codebook_preset.data)
        db.session.commit()
        flash(_("Consultation created as a draft. Build its structure, then open it."), "success")
        return redirect_after_post(url_for("admin.structure", slug=item.slug))
    if not form.is_submitted():
        form.languages.data = ["fr", "en"]
    return render_template("admin/consultation_form.html", form=form, consultation=None,
                           missing=[]), 422 if form.is_submitted() else 200


@bp.route("/consultations/<slug>/settings", methods=["GET", "POST"])
@permission_required("manage_consultations")
def consultation_settings(slug):
    item = get_consultation(slug)
    ask_every_language()  # the languages held are chosen here
    form = _settings_form(item)
    status = 200
    if form.validate_on_submit():
        try:
            consultations.apply_settings(item, consultations.SettingsValues.from_form(form), current_user.id,
                                         Refusals)
        except consultations.SettingsRefused as refused:
            db.session.rollback()
            _place_errors(form, refused.errors)
            status = 422
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect_after_post(url_for("admin.consultation_settings", slug=slug))
    elif form.is_submitted():
        status = 422
    return _settings_page(item, form, status)


def _settings_page(item, form, status, refused=False):
    return render_template("admin/consultation_form.html", form=form, consultation=item,
                           missing=missing_for_opening(item), refused=refused, lifecycle=LifecycleForm(),
                           states={channel.kind: channel_state(item, channel.kind, g.now)
                                   for channel in item.channels}), status


@bp.post("/consultations/<slug>/open")
@permission_required("manage_consultations")
def consultation_open(slug):
    item = get_consultation(slug)
    if not LifecycleForm().validate_on_submit():
        return _settings_page(item, _settings_form(item, fresh=True), 422)
    try:
        consultations.open_consultation(item, current_user.id)
    except consultations.OpeningRefused:
        db.session.rollback()
        return _settings_page(item, _settings_form(item, fresh=True), 422, refused=True)
    db.session.commit()
    flash(_("The consultation is open."), "success")
    return redirect_after_post(url_for("admin.consultation_settings", slug=slug))


def _set_status(slug, status, message):
    item = get_consultation(slug)
    if not LifecycleForm().validate_on_submit():
        return _settings_page(item, _settings_form(item, fresh=True), 422)
    consultations.set_status(item, status, current_user.id)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for("admin.consultation_settings", slug=slug))


@bp.post("/consultations/<slug>/close")
@permission_required("manage_consultations")
def consultation_close(slug):
    return _set_status(slug, "closed", _("The consultation is closed: nobody can take part any more."))


@bp.post("/consultations/<slug>/archive")
@permission_required("manage_consultations")
def consultation_archive(slug):
    return _set_status(slug, "archived", _("The consultation is archived."))


@bp.post("/consultations/<slug>/draft")
@permission_required("manage_consultations")
def consultation_draft(slug):
    return _set_status(slug, "draft", _("The consultation is back to draft: it is no longer public."))


@bp.route("/consultations/<slug>/duplicate", methods=["GET", "POST"])
@permission_required("manage_consultations")
def consultation_duplicate(slug):
    item = get_consultation(slug)
    form = DuplicateForm()
    if form.is_submitted() and form.slug.data and consultations.slug_taken(form.slug.data.strip()):
        form.validate()
        form.slug.errors = [*form.slug.errors, _("Another consultation already uses this address name.")]
    elif form.validate_on_submit():
        copy = consultations.duplicate_consultation(
            item, form.slug.data, {"fr": (form.title_fr.data or "").strip(), "en": (form.title_en.data or "").strip()},
            current_user.id)
        db.session.commit()
        flash(_("Copy created as a draft, without any participant or comment."), "success")
        return redirect_after_post(url_for("admin.consultation_settings", slug=copy.slug))
    return render_template("admin/duplicate.html", form=form, consultation=item), 422 if form.is_submitted() else 200
