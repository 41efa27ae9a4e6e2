"""Read-side queries for the public pages."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Consultation

# Which view takes part through a channel; a channel whose view is not installed is described, not linked.
CHANNEL_ENDPOINTS = {
    "forums": "forums.index",
    "questionnaire": "questionnaires.start",
    "submissions": "submissions.new",
}


@dataclass
class ConsultationListing:
    open: list[Consultation]
    upcoming: list[Consultation]
    past: list[Consultation]


def list_consultations(now: datetime) -> ConsultationListing:
    consultations = db.session.scalars(
        select(Consultation).where(Consultation.status != "draft").order_by(Consultation.opens_at.desc())
    ).all()
    listing = ConsultationListing([], [], [])
    for consultation in consultations:
        if consultation.is_open(now):
            listing.open.append(consultation)
        elif consultation.status == "open" and consultation.opens_at and now < consultation.opens_at:
            listing.upcoming.append(consultation)
        else:
            listing.past.append(consultation)
    return listing


def channel_view(kind: str, view_functions) -> str | None:
    endpoint = CHANNEL_ENDPOINTS.get(kind)
    return endpoint if endpoint in view_functions else None
