"""The invitations and cancellations are byte for byte what icalendar's Calendar writes for the same
event, whatever the titles, names and links hold (escaping, quoting, folding of long lines)."""
import random
from datetime import datetime, timezone

import pytest
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline

from consult.extensions import db
from consult.forums.ics import PRODID, SEQUENCE_EPOCH, event_uid, fold, forum_cancellation, forum_invitation
from consult.i18n import localized
from tests.mail_data import make_consultation, make_forum, sign_up

# Personal links carry a random part: both calendars are given the same one.
MANAGE_LINK = "https://consult.example.org/registrations/eyJpZCI6MSwidiI6MX0.abc?lang=fr"
MOMENT = datetime(2027, 5, 2, 8, 15, 42, tzinfo=timezone.utc)
LONG_TITLE = ("Forum « santé » : accès, délais; et le reste \\ une ligne bien trop longue pour tenir "
              "sur une seule ligne de calendrier, avec des caractères accentués éèàçô")


def _reference(forum, registration, language, method, with_link):
    """The calendar as icalendar's components write it."""
    event = Event()
    event.add("uid", event_uid(forum, registration))
    event.add("dtstamp", MOMENT)
    event.add("sequence", int((MOMENT - SEQUENCE_EPOCH).total_seconds()))
    event.add("dtstart", forum.starts_at.astimezone(timezone.utc))
    event.add("dtend", forum.ends_at.astimezone(timezone.utc))
    event.add("summary", localized(forum, "title", language).text)
    with force_locale(language):
        parts = [localized(forum, "description", language).text]
        if with_link:
            parts.append(_("Join the meeting: %(url)s", url=forum.meeting_link))
        parts.append(_("See, change or cancel your registration: %(url)s", url=MANAGE_LINK))
    event.add("description", "\n\n".join(part for part in parts if part))
    organizer = vCalAddress("mailto:no-reply@localhost")
    organizer.params["cn"] = vText(current_app.config["SITE_NAME"])
    event.add("organizer", organizer)
    participant = registration.participant
    attendee = vCalAddress(f"mailto:{participant.email}")
    if participant.name:
        attendee.params["cn"] = vText(participant.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    if with_link:
        event.add("location", forum.meeting_link)
        event.add("url", forum.meeting_link)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    return calendar.to_ical()


@pytest.mark.parametrize("name", ['Ana "la Grande", Tremblay; fille', "Zoë Ñúñez-Bérubé " * 4, ""])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_calendar_is_what_icalendar_writes(ctx, app, monkeypatch, name, language):
    monkeypatch.setitem(app.config, "MAIL_FROM", "no-reply@localhost")
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "")
    forum = make_forum(make_consultation(), title_fr=LONG_TITLE, title_en=LONG_TITLE.upper(),
                       meeting_link="https://meet.example.org/j/123?pwd=a,b;c&lang=fr")
    registration = sign_up(forum, "ana@example.org", language, name=name or "x")
    registration.participant.name = name
    db.session.commit()

    for method, build, with_link in (("REQUEST", forum_invitation, True), ("CANCEL", forum_cancellation, False)):
        written = build(forum, registration, language, now=MOMENT, manage_link=MANAGE_LINK)
        assert written == _reference(forum, registration, language, method, with_link)


def test_a_waitlisted_copy_has_no_meeting_link_and_is_what_icalendar_writes(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "no-reply@localhost")
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "")
    forum = make_forum(make_consultation(), capacity=1)
    sign_up(forum, "first@example.org")
    waitlisted = sign_up(forum, "second@example.org", "en")
    db.session.commit()
    assert waitlisted.status == "waitlisted"
    written = forum_invitation(forum, waitlisted, "en", now=MOMENT, manage_link=MANAGE_LINK)
    assert written == _reference(forum, waitlisted, "en", "REQUEST", False)
    assert b"meet.example.org" not in written


def test_long_lines_are_folded_where_icalendar_folds_them():
    """Accents, no-break spaces, emoji and escapes (which never end a line) at every position."""
    draw = random.Random(5)
    alphabet = list("abcdefghij ,;:\\^\"'") + ["é", "à", "\u00a0", "\u202f", "€", "漢", "😀"]
    for _draw in range(3000):
        line = "".join(draw.choice(alphabet) for _char in range(draw.randint(0, 320)))
        assert fold(line) == Contentline(line).to_ical(), line
