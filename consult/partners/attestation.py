"""The attestation of participation: sessions attended, hours, amounts paid, as a PDF in the person's
language with the organisation's name.

fpdf2 writes PDFs offline in pure Python and embeds TrueType fonts; DejaVu Sans (shipped in
consult/data/fonts, free licence) covers French accents, œ, « » and every Latin name a person may have.
"""
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..dates import format_day
from ..extensions import db
from ..i18n import localized
from ..models import Consultation
from ..models.base import utcnow
from . import services
from .labels import entry_label
from .money import shown


@dataclass
class AttendedSession:
    title: str
    day: str
    minutes: int


def _font(name: str) -> str:
    return str(resources.files("consult.data").joinpath("fonts", name))


def build(participant, now: datetime | None = None) -> bytes:
    """The PDF for one participant, in their preferred language."""
    language = participant.preferred_language or "fr"
    with force_locale(language):
        return _build(participant, language, now or utcnow())


def _build(participant, language: str, now: datetime) -> bytes:
    consultation = db.session.get(Consultation, participant.consultation_id)
    tz = consultation.tz
    sessions = [AttendedSession(localized(forum, "title", language).text,
                                format_day(forum.starts_at, "long", tz=tz, language=language), forum.duration_minutes)
                for forum in services.attended_sessions(participant)]
    paid = [entry for entry in services.entries_of(participant) if entry.status == "approved"]
    organisation = current_app.config["SITE_NAME"]

    from fpdf import FPDF  # a second or more of import: loaded with the first attestation, not with the app

    pdf = FPDF(format="Letter")
    pdf.set_title(_("Attestation of participation"))
    pdf.set_author(organisation)
    pdf.set_lang(language)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 8, organisation, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 12, _("Attestation of participation"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.ln(4)
    who = participant.name or participant.pseudonym
    pdf.multi_cell(0, 6, _("%(organization)s attests that %(name)s took part in the consultation “%(title)s”.",
                           organization=organisation, name=who,
                           title=localized(consultation, "title", language).text),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, _("Sessions attended"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    if sessions:
        for item in sessions:
            pdf.multi_cell(0, 6, _("%(day)s: %(title)s (%(hours)s h)", day=item.day, title=item.title,
                                   hours=_hours(item.minutes, language)), new_x="LMARGIN", new_y="NEXT")
        total_minutes = sum(item.minutes for item in sessions)
        pdf.ln(2)
        pdf.cell(0, 6, _("Total: %(hours)s hours", hours=_hours(total_minutes, language)),
                 new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 6, _("No session attended has been recorded yet."), new_x="LMARGIN", new_y="NEXT")
    if paid:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 8, _("Amounts paid"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        for entry in paid:
            pdf.cell(0, 6, f"{entry_label(entry)}: {shown(entry.amount_cents, language)}",
                     new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 6, _("Total paid: %(amount)s", amount=shown(sum(e.amount_cents for e in paid), language)),
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 6, _("Issued on %(day)s.", day=format_day(now, "long", tz=tz, language=language)),
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _hours(minutes: int, language: str) -> str:
    whole, rest = divmod(minutes * 100 // 60, 100)
    text = f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
    return text.replace(".", ",") if language == "fr" else text


def bulk_zip(consultation, now: datetime | None = None) -> tuple[bytes, int]:
    """(a ZIP of one attestation per person who attended a session, how many), for staff to send out."""
    people = services.attendees(consultation)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for participant in people:
            archive.writestr(f"attestation-{participant.pseudonym}.pdf", build(participant, now))
    return buffer.getvalue(), len(people)
