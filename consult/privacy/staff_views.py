"""Staff pages: each consultation's privacy notice and retention date, and the incident register.
Administrators only; every change is audited."""
from flask import flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post, render_page_or_fragment
from ..i18n import localized
from ..permissions import permission_required
from . import incidents, notice
from .blueprint import bp
from .forms import IncidentForm, NoticeForm

INCIDENTS = "/staff/privacy/incidents"


def privacy_breadcrumbs(consultation=None, here=None, incident_list=False) -> list[tuple[str, str | None]]:
    items = [(_("Staff area"), url_for("admin.dashboard"))]
    if consultation is not None:
        items.append((localized(consultation, "title"), url_for("admin.structure", slug=consultation.slug)))
    if incident_list:
        items.append((_("Confidentiality incidents"), url_for("privacy.incidents_index")))
    if here:
        items.append((here, None))
    return items


@bp.route("/staff/consultations/<slug>/privacy", methods=["GET", "POST"])
@permission_required("manage_privacy")
def notice_edit(slug):
    consultation = get_consultation(slug)
    form = NoticeForm(data={"privacy_notice_fr": consultation.privacy_notice_fr,
                            "privacy_notice_en": consultation.privacy_notice_en,
                            "retention_until": notice.retention_day(consultation)})
    if form.validate_on_submit():
        changed = notice.update_notice(consultation, form.data, current_user.id)
        db.session.commit()
        if any(name.startswith("privacy_notice") for name in changed):
            flash(_("Privacy notice saved: consents given from now on refer to version %(version)s.",
                    version=consultation.privacy_notice_version), "success")
        elif changed:
            flash(_("Retention date saved."), "success")
        else:
            flash(_("Nothing to save: the notice and the retention date were not changed."), "info")
        return redirect_after_post(url_for("privacy.notice_edit", slug=slug))
    return render_page_or_fragment("privacy/staff/notice.html", "privacy/staff/_notice_form.html",
                                   status=422 if form.is_submitted() else 200, consultation=consultation,
                                   form=form, retention_day=notice.retention_day(consultation))


@bp.get(INCIDENTS)
@permission_required("manage_privacy")
def incidents_index():
    listing = incidents.list_incidents(request.args.get("page", 1, type=int))
    return render_template("privacy/staff/incidents.html", listing=listing)


@bp.route(INCIDENTS + "/new", methods=["GET", "POST"])
@permission_required("manage_privacy")
def incident_new():
    form = IncidentForm.with_consultations(incidents.consultations(),
                                           data={"status": "open", "discovered_on": incidents.to_day(g.now)})
    if form.validate_on_submit():
        incident = incidents.create_incident(_values(form), current_user.id)
        db.session.commit()
        flash(_("Incident %(number)s recorded.", number=incident.id), "success")
        return redirect_after_post(url_for("privacy.incidents_index"))
    return render_page_or_fragment("privacy/staff/incident_form.html", "privacy/staff/_incident_form.html",
                                   status=422 if form.is_submitted() else 200, form=form, incident=None)


@bp.route(INCIDENTS + "/<int:incident_id>", methods=["GET", "POST"])
@permission_required("manage_privacy")
def incident_edit(incident_id):
    incident = incidents.get_incident(incident_id)
    form = IncidentForm.with_consultations(incidents.consultations(), data=incidents.form_values(incident))
    if form.validate_on_submit():
        changed = incidents.update_incident(incident, _values(form), current_user.id)
        db.session.commit()
        flash(_("Incident %(number)s saved.", number=incident.id) if changed else
              _("Nothing to save: incident %(number)s was not changed.", number=incident.id),
              "success" if changed else "info")
        return redirect_after_post(url_for("privacy.incidents_index"))
    return render_page_or_fragment("privacy/staff/incident_form.html", "privacy/staff/_incident_form.html",
                                   status=422 if form.is_submitted() else 200, form=form, incident=incident)


def _values(form: IncidentForm) -> dict:
    values = dict(form.data)
    values["consultation_id"] = form.chosen_consultation_id
    return values
