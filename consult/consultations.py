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


def all_consultations(user=None) -> list[Consultation]:
    """Every consultation, or for an account whose roles are all held in some consultations, those."""
    query = select(Consultation).order_by(Consultation.created_at.desc())
    if user is not None and not user.site_roles:
        query = query.where(Consultation.id.in_(user.scoped_consultation_ids or {-1}))
    return list(db.session.scalars(query))


def get_topic(consultation: Consultation, code: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.code == code))
    if topic is None:
        abort(404)
    return topic
