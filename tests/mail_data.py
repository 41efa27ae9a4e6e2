"""Test data for the email tests, built with the models and services the app uses."""
from datetime import datetime
from zoneinfo import ZoneInfo

from consult.forums.registration import register
from consult.models import Forum
from consult.participants.services import Profile, find_or_create_participant
from consult.structure.importer import import_structure
from tests import factories
from tests.conftest import minimal_document

MONTREAL = ZoneInfo("America/Montreal")
# A summer afternoon in Montréal (EDT, UTC-4): 13:30 there is 17:30 UTC.
SUMMER_START = datetime(2027, 6, 10, 13, 30, tzinfo=MONTREAL)
MEETING_LINK = "https://meet.example.org/forum-secret-room"
MAIL_FORUM = {
    "title_fr": "Forum sur l’axe un", "title_en": "Forum on axis one",
    "description_fr": "Nous discuterons des orientations.", "description_en": "We will discuss the orientations.",
    "meeting_link": MEETING_LINK, "prereading_kind": "synoptic",
}


def make_consultation():
    return import_structure(minimal_document(), source="test").consultation


def make_forum(consultation, starts_at=SUMMER_START, **fields) -> Forum:
    """The forum of the email tests: its titles, description, link and pre-reading appear in the emails."""
    return factories.make_forum(consultation, starts_at=starts_at, **{**MAIL_FORUM, **fields})


def make_participant(consultation, email, language="fr", name="Ana Tremblay"):
    return find_or_create_participant(consultation, email, Profile(name=name, preferred_language=language))


def sign_up(forum, email, language="fr", name="Ana Tremblay"):
    participant = make_participant(forum.consultation, email, language, name)
    return register(forum, participant).registration


def attachments_of(message):
    return [(part.get_filename(), part.get_content_type(), part.get_content()) for part in message.iter_attachments()]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
