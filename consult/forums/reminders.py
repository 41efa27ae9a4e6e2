"""Pre-reading a week before a forum, a reminder the day before; each sent once, never late.

Run by `flask consult send-reminders` from a timer. "Once" holds twice over: the registration's
*_sent_at column is set by a conditional UPDATE (so two overlapping runs cannot both claim it)
and the outbox refuses a second message with the same dedupe key.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import uploads
from ..extensions import db
from ..mail.outbox import Attachment
from ..mail.urls import external_url, external_url_if_routed
from ..models import Forum, Registration
from ..models.base import utcnow
from .notifications import PreReading, forum_prereading, forum_reminder
from .organizer_services import UPLOAD_KIND

PREREADING_LEAD = timedelta(days=7)
REMINDER_LEAD = timedelta(hours=24)
# Larger files are linked, not attached: base64 adds a third, and mail servers cap messages.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Queued:
    kind: str  # "prereading" or "reminder"
    registration: Registration
    new: bool  # False when an identical message was already in the outbox


@dataclass
class ReminderReport:
    queued: list[Queued] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for item in self.queued if item.kind == kind)


def send_reminders(now: datetime | None = None) -> ReminderReport:
    """Queue every pre-reading and reminder due at `now` (flushed; the caller commits)."""
    now = now or utcnow()
    report = ReminderReport()
    materials: dict[int, PreReading | None] = {}  # one file read per forum, not per person
    for registration in _due(now, PREREADING_LEAD, Registration.prereading_sent_at):
        forum = registration.forum
        if forum.id not in materials:
            materials[forum.id] = prereading_material(forum)
        if materials[forum.id] is None or not _claim(registration, "prereading_sent_at", now):
            continue
        message = forum_prereading(registration, materials[forum.id])
        report.queued.append(Queued("prereading", registration, message is not None))
    for registration in _due(now, REMINDER_LEAD, Registration.reminder_sent_at):
        if not _claim(registration, "reminder_sent_at", now):
            continue
        message = forum_reminder(registration)
        report.queued.append(Queued("reminder", registration, message is not None))
    db.session.flush()
    return report


def prereading_material(forum: Forum) -> PreReading | None:
    """What to send for the forum's kind of pre-reading; None when it has none."""
    kind = forum.prereading_kind
    if kind not in ("synoptic", "dossier", "file"):
        return None
    slug = forum.consultation.slug
    synoptic = external_url("public.synoptic", slug=slug)
    if kind == "synoptic":
        return PreReading(url=synoptic)
    if kind == "dossier":
        return PreReading(url=external_url_if_routed("forums.dossier", slug=slug, forum_id=forum.id) or synoptic)
    attachment = uploaded_prereading(forum)
    if attachment is not None:
        return PreReading(attachment=attachment)
    # Too large or missing: a download link if the site offers one, else the synoptic table.
    return PreReading(url=external_url_if_routed("forums.prereading", slug=slug, forum_id=forum.id) or synoptic)


def uploaded_prereading(forum: Forum) -> Attachment | None:
    """The uploaded pre-reading file as an attachment, if it exists and is small enough."""
    path = uploads.path_of(forum.prereading_file, UPLOAD_KIND)
    if path is None or path.stat().st_size > ATTACHMENT_MAX_BYTES:
        return None
    shown_name = Path((forum.prereading_filename or path.name).replace("\\", "/")).name
    return shown_name, forum.prereading_mimetype or "application/octet-stream", path.read_bytes()




def _due(now: datetime, lead: timedelta, sent_column) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Registration.forum)
        .where(Forum.status == "scheduled", Registration.status == "confirmed", sent_column.is_(None),
               Forum.starts_at > now, Forum.starts_at <= now + lead)
        .order_by(Forum.starts_at, Registration.id)
        .options(joinedload(Registration.forum), joinedload(Registration.participant))
    ))


def _claim(registration: Registration, column: str, now: datetime) -> bool:
    """Set the *_sent_at column unless another run did it first."""
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == "confirmed",
               getattr(Registration, column).is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if claimed:
        set_committed_value(registration, column, now)  # what the UPDATE wrote; nothing left to flush
    return claimed

