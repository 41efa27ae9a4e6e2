"""Getting a consultation for a page: any consultation for staff, a published one for the public."""
from flask import abort
from sqlalchemy import select

from .extensions import db
from .models import Consultation, Topic


def get_consultation(slug: str) -> Consultation:
    """For staff pages: drafts included."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        abort(404)
    return consultation


def get_public_consultation(slug: str) -> Consultation:
    """For public pages: a draft is not found."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.is_public:
        abort(404)
    return consultation


def all_consultations() -> list[Consultation]:
    return list(db.session.scalars(select(Consultation).order_by(Consultation.created_at.desc())))


def get_topic(consultation: Consultation, code: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.code == code))
    if topic is None:
        abort(404)
    return topic
