"""The public glossary page, and the staff editor of a consultation's glossary."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..consultations import get_consultation, get_public_consultation
from ..evaluation.items import settings_of
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..i18n import current_language
from ..models import GlossaryTerm
from ..page_cache import cacheable
from ..permissions import permission_required
from ..readability import Readability, readability
from .blueprint import bp
from .forms import DeleteTermForm, TermForm
from .marking import PageGlossary
from .terms import delete_term, problems, save_term, terms_of

STAFF = "/staff/consultations/<slug>/glossary"


@bp.app_template_global()
def page_glossary(consultation) -> PageGlossary:
    """A fresh marking state for one rendered page of the consultation."""
    return PageGlossary(terms_of(consultation), current_language())


@bp.app_template_global()
def reading_ease(text: str | None, lang: str) -> Readability | None:
    return readability(text or "", lang)


@bp.app_template_global()
def readability_target(consultation) -> int:
    return settings_of(consultation).readability_target


@bp.get("/consultations/<slug>/glossary")
@cacheable
def public_glossary(slug):
    consultation = get_public_consultation(slug)
    return render_template("glossary/page.html", consultation=consultation, terms=terms_of(consultation))


@bp.get(STAFF + "/")
@permission_required("edit_glossary")
def staff_list(slug):
    consultation = get_consultation(slug)
    return render_template("glossary/staff.html", consultation=consultation, terms=terms_of(consultation),
                           delete_form=DeleteTermForm())


@bp.route(STAFF + "/new", methods=["GET", "POST"])
@bp.route(STAFF + "/<int:term_id>/edit", methods=["GET", "POST"])
@permission_required("edit_glossary")
def edit(slug, term_id=None):
    consultation = get_consultation(slug)
    term = _term(consultation, term_id) if term_id is not None else None
    form = TermForm(obj=term)
    if form.validate_on_submit():
        found = problems(consultation, form.data, term_id)
        if not found:
            save_term(consultation, term, form.data, current_user.id)
            db.session.commit()
            flash(_("Glossary term saved."), "success")
            return redirect_after_post(url_for("glossary.staff_list", slug=slug))
        for name, message in found.items():
            form[name].errors = [*form[name].errors, message]
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("glossary/edit.html", "glossary/_term_form.html", status=status,
                                   consultation=consultation, term=term, form=form)


@bp.post(STAFF + "/<int:term_id>/delete")
@permission_required("edit_glossary")
def delete(slug, term_id):
    consultation = get_consultation(slug)
    term = _term(consultation, term_id)
    if DeleteTermForm().validate_on_submit():
        delete_term(term, current_user.id)
        db.session.commit()
        flash(_("Glossary term deleted."), "success")
    return redirect_after_post(url_for("glossary.staff_list", slug=slug))


def _term(consultation, term_id: int) -> GlossaryTerm:
    term = db.session.get(GlossaryTerm, term_id)
    if term is None or term.consultation_id != consultation.id:
        abort(404)
    return term
