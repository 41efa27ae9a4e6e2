"""Getting a consultation for a page: any consultation for staff, a published one for the public."""
from flask import abort, g
from sqlalchemy import select

from .extensions import db
from .models import Consultation, Topic


def consultation_by_slug(slug: str) -> Consultation | None:
    """The consultation of this slug, read once per request: a staff page's role check
    (permissions.enter_consultation) and its view both need it."""
    found = g.get("consultation_by_slug")
    if found is not None and found in db.session and found.slug == slug:
        return found
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    g.consultation_by_slug = consultation
    return consultation


def get_consultation(slug: str) -> Consultation:
    """For staff pages: drafts included."""
    consultation = consultation_by_slug(slug)
    if consultation is None:
        abort(404)
    _ask_in(consultation.language_list)
    return consultation


def get_public_consultation(slug: str) -> Consultation:
    """For public pages: a draft is not found."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.is_public:
        abort(404)
    _ask_in(consultation.language_list)
    return consultation


def _ask_in(languages) -> None:
    """The page's forms ask for text in these languages alone (see language_asked)."""
    g.languages_asked = tuple(languages or ())


def ask_every_language() -> None:
    """For the page that chooses the consultation's languages: every language is asked."""
    g.languages_asked = ()


def language_asked(field) -> bool:
    """Whether a form field is shown: a field for one language (a name ending in _fr or _en) is not asked
    on the pages of a consultation not held in that language; it is carried hidden, so nothing is lost."""
    languages = g.get("languages_asked") or ()
    suffix = field.name.rsplit("_", 1)[-1] if "_" in field.name else ""
    return not languages or suffix not in ("fr", "en") or suffix in languages


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
