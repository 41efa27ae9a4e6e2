"""The "my data" email: the personal link to everything held about someone, in their language."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import localized
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Consultation, OutboxMessage, Participant

# A link that opens everything about someone is short-lived; asking for a new one is easy.
LINK_MAX_AGE = 24 * 3600
# However often the form is sent for one address, at most one email per this many minutes.
LINK_WINDOW_MINUTES = 5


def my_data_link(participant: Participant, consultation: Consultation, token: str,
                 now: datetime) -> OutboxMessage | None:
    language = participant.preferred_language
    window = int(now.astimezone(timezone.utc).timestamp() // (LINK_WINDOW_MINUTES * 60))
    title = localized(consultation, "title", language).text
    with force_locale(language):
        subject = _("Your data: %(title)s", title=title)
        body = render_text("my_data_link", participant=participant, consultation_title=title,
                           url=external_url("privacy.my_data", token=token, lang=language),
                           request_url=external_url("privacy.request_link", slug=consultation.slug, lang=language),
                           hours=LINK_MAX_AGE // 3600, site_name=current_app.config["SITE_NAME"])
    return queue_message(participant.email, subject, body, language=language,
                         dedupe_key=f"my-data-{participant.id}-v{participant.link_version}-{window}",
                         object_type="participant", object_id=str(participant.id))
