"""Written submissions never sent: kept while their author may still send them, not until the retention date.

A draft holds texts and documents someone chose not to send (yet). Once the submissions are closed it can
never be sent; after a grace period (DRAFT_GRACE_DAYS, 30 by default, to answer someone who asks for it),
`consult purge` deletes it and its documents. Sent submissions follow the retention date (retention.py).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import uploads
from ..audit import record
from ..extensions import db
from ..models import Consultation, Submission
from ..submissions.services import UPLOAD_KIND


@dataclass
class DraftPurge:
    consultation: Consultation
    drafts: int = 0
    files: int = 0


def submissions_closed_at(consultation: Consultation) -> datetime | None:
    """When written submissions stopped being accepted: their channel's closing, else the consultation's."""
    channel = next((channel for channel in consultation.channels if channel.kind == "submissions"), None)
    return (channel.closes_at if channel is not None and channel.closes_at else None) or consultation.closes_at


def purge_abandoned_drafts(now: datetime, slug: str | None = None) -> list[DraftPurge]:
    grace = timedelta(days=int(current_app.config.get("DRAFT_GRACE_DAYS", 30)))
    query = select(Consultation).order_by(Consultation.id)
    if slug:
        query = query.where(Consultation.slug == slug)
    done = []
    for consultation in db.session.scalars(query):
        closed = submissions_closed_at(consultation)
        if closed is None or closed + grace > now:
            continue
        result = DraftPurge(consultation)
        for draft in db.session.scalars(
                select(Submission).where(Submission.consultation_id == consultation.id, Submission.status == "draft")
                .options(selectinload(Submission.attachments))):
            for attachment in draft.attachments:
                uploads.delete_after_commit(attachment.stored_name, UPLOAD_KIND)
                result.files += 1
            db.session.delete(draft)
            result.drafts += 1
        if result.drafts:
            event = record(None, "retention.drafts_purged", "consultation", consultation.id, consultation.id,
                           drafts=result.drafts, files=result.files)
            event.actor_label = "purge"
            done.append(result)
    db.session.flush()
    return done
