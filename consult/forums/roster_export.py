"""A forum's roster as a table (header and rows), for the CSV download; cells are made safe
from formula injection by consult.csv_safe when written."""
from datetime import datetime

from flask_babel import gettext as _

from ..i18n import LANGUAGE_NAMES, localized


def status_label(status: str) -> str:
    return {
        "confirmed": _("Confirmed"),
        "waitlisted": _("Waitlisted"),
        "cancelled": _("Cancelled"),
        "attended": _("Attended"),
        "no_show": _("Absent"),
    }.get(status, status)


def _local(moment: datetime | None, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def roster_table(forum, roster) -> tuple[list[str], list[list[str]]]:
    tz = forum.consultation.tz
    header = [_("Status"), _("Waitlist position"), _("Name"), _("Email address"), _("Organization"),
              _("Category"), _("Region"), _("Language"), _("Registered at (%(zone)s)", zone=tz.key),
              _("Seat confirmed at"), _("Attendance marked at"), _("Walk-in")]
    rows = []
    groups = [(roster.seated, False), (roster.waitlist, True), (roster.cancelled, False)]
    for registrations, numbered in groups:
        for position, registration in enumerate(registrations, start=1):
            participant = registration.participant
            rows.append([
                status_label(registration.status),
                str(position) if numbered else "",
                participant.name,
                participant.email,
                participant.organisation,
                localized(participant.category, "name").text if participant.category else "",
                participant.region,
                LANGUAGE_NAMES.get(participant.preferred_language, participant.preferred_language),
                _local(registration.created_at, tz),
                _local(registration.confirmed_at, tz),
                _local(registration.attendance_marked_at, tz),
                _("yes") if registration.walk_in else "",
            ])
    return header, rows
