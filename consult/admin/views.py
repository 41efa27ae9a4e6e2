from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import role_required, staff_required
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..public.services import load_tree
from . import bp, services
from .forms import TopicTextsForm


@bp.get("/")
@staff_required
def dashboard():
    return render_template("admin/dashboard.html", consultations=services.all_consultations(),
                           counts=services.structure_counts())


@bp.get("/consultations/<slug>/")
@staff_required
def structure(slug):
    consultation = services.get_consultation(slug)
    counts = services.structure_counts().get(consultation.id, services.StructureCounts())
    return render_template("admin/structure.html", consultation=consultation, tree=load_tree(consultation),
                           counts=counts)


@bp.route("/consultations/<slug>/topics/<code>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_topic(slug, code):
    consultation = services.get_consultation(slug)
    topic = services.get_topic(consultation, code)
    form = TopicTextsForm.for_languages(consultation.language_list, obj=topic)
    if form.validate_on_submit():
        changed = services.update_topic_texts(topic, form.data, current_user.id)
        db.session.commit()
        if changed:
            flash(_("Topic %(code)s saved.", code=topic.code), "success")
        else:
            flash(_("Nothing to save: topic %(code)s was not changed.", code=topic.code), "info")
        return redirect_after_post(url_for("admin.structure", slug=slug, _anchor=f"topic-{topic.code}"))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("admin/topic_edit.html", "admin/_topic_form.html", status=status,
                                   consultation=consultation, topic=topic, form=form)
