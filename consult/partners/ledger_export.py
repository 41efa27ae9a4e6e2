"""The ledger as a table for finance: approved amounts only, no email and no bank data; participants by
pseudonym unless an administrator asks for names with a reason. Every export is audited. The same
service serves the staff page and `flask consult export-ledger`."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..models import Participant
from ..models.compensation import LedgerEntry
from .labels import entry_label
from .money import plain


def ledger_table(consultation, *, identified: bool = False) -> tuple[list[str], list[list[str]], int]:
    """(header, rows, total in cents) of the approved amounts."""
    tz = consultation.tz
    header = [_("Participant")]
    if identified:
        header.append(_("Name"))
    header += [_("Category"), _("Region"), _("Kind"), _("Session"), _("Session date"), _("Amount (CAD)"),
               _("Approved on")]
    entries = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.consultation_id == consultation.id, LedgerEntry.status == "approved")
        .options(selectinload(LedgerEntry.participant).selectinload(Participant.category),
                 selectinload(LedgerEntry.registration))
        .order_by(LedgerEntry.participant_id, LedgerEntry.created_at, LedgerEntry.id)).all()
    rows = []
    for entry in entries:
        person = entry.participant
        forum = entry.registration.forum if entry.registration is not None else None
        row = [person.pseudonym]
        if identified:
            row.append(person.name)
        row += [localized(person.category, "name").text if person.category else "", person.region,
                entry_label(entry), localized(forum, "title").text if forum else "",
                forum.starts_at.astimezone(tz).date().isoformat() if forum else "",
                plain(entry.amount_cents),
                entry.decided_at.astimezone(tz).date().isoformat() if entry.decided_at else ""]
        rows.append(row)
    return header, rows, sum(entry.amount_cents for entry in entries)


def export(consultation, *, actor_id: int | None, identified: bool = False, reason: str = "",
           via: str = "web") -> tuple[list[str], list[list[str]]]:
    """The table, and an audit event saying who took it, with names or not, and why."""
    header, rows, total = ledger_table(consultation, identified=identified)
    audit.record(actor_id, "ledger.exported", "consultation", consultation.id, consultation.id,
                 identified=identified, reason=reason, rows=len(rows), total_cents=total, via=via)
    db.session.flush()
    return header, rows
