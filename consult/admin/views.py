from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..consultations import all_consultations, get_consultation, get_topic
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..partners import services as compensation
from ..permissions import can, permission_required, staff_required
from ..transcripts.overview import summaries as transcript_summaries
from ..tree import load_tree
from . import services
from .blueprint import bp
from .forms import TopicTextsForm


@bp.get("/")
@staff_required
def dashboard():
    consultations = all_consultations(current_user)
    return render_template("admin/dashboard.html", consultations=consultations,
                           counts=services.structure_counts(),
                           ledger_totals=compensation.totals_by_consultation() if can("manage_compensation") else {},
                           transcripts=transcript_summaries(consultation.id for consultation in consultations)
                           if can("follow_transcripts") else {})


@bp.get("/consultations/<slug>/")
@staff_required
def structure(slug):
    consultation = get_consultation(slug)
    counts = services.structure_counts().get(consultation.id, services.StructureCounts())
    return render_template("admin/structure.html", consultation=consultation, tree=load_tree(consultation),
                           counts=counts)


@bp.route("/consultations/<slug>/topics/<code>/edit", methods=["GET", "POST"])
@permission_required("manage_consultations")
def edit_topic(slug, code):
    consultation = get_consultation(slug)
    topic = get_topic(consultation, code)
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
