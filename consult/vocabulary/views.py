"""The staff page of a consultation's words: /staff/consultations/<slug>/vocabulary."""
from flask import Blueprint, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..permissions import permission_required
from . import services
from .forms import VocabularyForm

bp = Blueprint("vocabulary", __name__, url_prefix="/staff/consultations/<slug>/vocabulary")


@bp.route("/", methods=["GET", "POST"])
@permission_required("manage_consultations")
def edit(slug):
    consultation = get_consultation(slug)
    form = VocabularyForm.for_consultation(consultation)
    if form.validate_on_submit():
        problems = []
        # Each part is checked in full; the three are saved together or not at all.
        for apply, value in ((services.set_levels, form.levels()), (services.set_prompts, form.prompts()),
                             (services.set_codebook_preset, form.codebook(consultation.codebook_preset))):
            try:
                apply(consultation, value, current_user.id)
            except services.VocabularyError as error:
                problems += error.problems
        if not problems:
            db.session.commit()
            flash(_("The consultation's words are saved."), "success")
            return redirect_after_post(url_for("vocabulary.edit", slug=slug))
        db.session.rollback()
        form.place_errors(problems)
    status = 422 if form.is_submitted() else 200
    return render_template("vocabulary/page.html", consultation=get_consultation(slug), form=form), status
