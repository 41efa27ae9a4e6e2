"""Personal links sent to participants by email."""
from flask import current_app

from ..mail.urls import external_url, external_url_if_routed
from ..models import Forum, Registration
from ..tokens import make_token

MANAGE_ENDPOINT = "forums.manage"


def manage_url(registration: Registration) -> str:
    """The signed link with which a participant sees, switches or cancels their registration."""
    token = make_token("registration", registration.id, registration.participant.link_version)
    # The route is /registrations/<token>; built by hand should the view not be registered.
    # ?lang= opens the page in the language the person chose for their emails.
    lang = registration.participant.preferred_language
    built_by_hand = f"{current_app.config['BASE_URL']}/registrations/{token}?lang={lang}"
    return external_url_if_routed(MANAGE_ENDPOINT, token=token, lang=lang) or built_by_hand


def other_sessions_url(forum: Forum) -> str:
    """Where to find another session: the forum list, else the consultation's page."""
    slug = forum.consultation.slug
    return external_url_if_routed("forums.index", slug=slug) or external_url("public.consultation", slug=slug)
