"""The sign-up, waitlist, seat-freed and cancellation emails: the request records what to send, the mail
worker writes it when sending, byte for byte what the request used to write, in the person's language;
and an email whose registration or person is gone never leaves."""
from datetime import datetime

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consult.extensions import db
from consult.forums import links, notifications
from consult.forums.ics import cancellation_attachment, invitation_attachment
from consult.forums.registration import cancel, waitlist_position
from consult.i18n import localized
from consult.mail.delivery import deliver_pending
from consult.mail.outbox import one_line
from consult.mail.rendering import Rendered
from consult.models import OutboxMessage, Participant, Registration
from consult.privacy.services import erase, my_data_token
from tests.integration.test_forum_signup import en, forums_open, make_forum, sign_up  # noqa: F401
from tests.mail_data import make_consultation, text_of
from tests.mail_data import make_forum as make_mail_forum
from tests.mail_data import sign_up as register_for

BASE_URL = "https://consult.example.org"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)


@pytest.fixture
def fixed_links(monkeypatch):
    """Personal links carry random bits: the same one for the email and its reference."""
    monkeypatch.setattr(links, "make_token", lambda purpose, subject_id, version=1: f"{purpose}-{subject_id}-{version}")


def _rows():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _written_in_the_request(message: OutboxMessage) -> Rendered:
    """What the request used to write and queue whole for this message (the code before the worker wrote it)."""
    registration = db.session.get(Registration, message.params["registration"])
    forum, language = registration.forum, registration.participant.preferred_language
    at = datetime.fromisoformat(message.params["at"])  # the moment recorded: the calendar's stamp
    title = localized(forum, "title", language).text
    link = links.manage_url(registration)
    render = notifications._render
    with force_locale(language):
        if message.kind == "forum.registration_confirmed":
            return Rendered(_("Your seat is confirmed: %(title)s", title=title),
                            render("registration_confirmed", registration, language, manage_link=link),
                            attachments=[invitation_attachment(forum, registration, language, manage_link=link,
                                                               now=at)])
        if message.kind == "forum.registration_waitlisted":
            return Rendered(_("You are on the waitlist: %(title)s", title=title),
                            render("registration_waitlisted", registration, language,
                                   position=waitlist_position(registration)))
        if message.kind == "forum.registration_promoted":
            return Rendered(_("A seat is now yours: %(title)s", title=title),
                            render("registration_promoted", registration, language),
                            attachments=[invitation_attachment(forum, registration, language, now=at)])
        assert message.kind == "forum.registration_cancelled"
        return Rendered(_("Registration cancelled: %(title)s", title=title),
                        render("registration_cancelled", registration, language, had_seat=message.params["had_seat"]),
                        attachments=[cancellation_attachment(forum, registration, language, now=at)])


def test_a_sign_up_records_what_to_send_and_writes_no_email(app, en, forums_open, make_forum):  # noqa: F811
    forum = make_forum(capacity=1)
    assert sign_up(en, forums_open, forum, email="ana@example.org", preferred_language="fr").status_code == 303
    assert sign_up(en, forums_open, forum, email="bob@example.org", preferred_language="en").status_code == 303

    with app.app_context():
        ids = {r.participant.email: r.id for r in db.session.scalars(select(Registration))}
        rows = [(m.to_address, m.kind, m.params["registration"], m.language, m.subject, m.body_text, m.body_html,
                 m.attachments, m.status) for m in _rows()]
    # Signed up through English pages: each email is recorded in the language the person chose.
    assert rows == [
        ("ana@example.org", "forum.registration_confirmed", ids["ana@example.org"], "fr", "", "", "", [], "pending"),
        ("bob@example.org", "forum.registration_waitlisted", ids["bob@example.org"], "en", "", "", "", [], "pending"),
    ]


def test_the_worker_writes_what_the_request_wrote_in_the_persons_language(app, ctx, smtp_server, base_url,
                                                                          fixed_links):
    consultation = make_consultation()
    first, second = make_mail_forum(consultation, capacity=1), make_mail_forum(consultation, capacity=1)
    with app.test_request_context("/?lang=en"):  # a request in English; Ana and Dan chose French
        people = [(first, "ana@example.org", "fr"), (first, "bob@example.org", "en"),
                  (second, "chloe@example.org", "en"), (second, "dan@example.org", "fr")]
        for forum, email, language in people:
            registration = register_for(forum, email, language, name="Dan" if email.startswith("dan") else "Ana")
            notifications.registration_confirmed(registration, just_made=True)
        chloe = db.session.scalar(select(Registration).join(Participant)
                                  .where(Participant.email == "chloe@example.org"))
        outcome = cancel(chloe)
        notifications.registration_cancelled(chloe)
        [dan] = outcome.promoted
        notifications.registration_promoted(dan)
        db.session.commit()
        compared = {(m.to_address, m.kind): _written_in_the_request(m) for m in _rows()
                    if m.to_address not in ("chloe@example.org", "dan@example.org")
                    or m.kind in ("forum.registration_cancelled", "forum.registration_promoted")}
    assert all(m.body_text == "" for m in _rows())

    report = deliver_pending()

    assert (report.sent, report.failed, report.retrying) == (6, 0, 0)
    assert len(compared) == 4
    kinds = {row.to_address: [] for row in _rows()}
    for row in _rows():
        kinds[row.to_address].append(row.kind)
    for (to, kind), reference in compared.items():
        received = smtp_server.to(to)[kinds[to].index(kind)]
        assert received["Subject"] == one_line(reference.subject)  # as queue_message kept it
        assert text_of(received).replace("\r\n", "\n") == reference.body_text  # SMTP writes CRLF
        assert [(part.get_filename(), part.get_payload(decode=True)) for part in received.iter_attachments()] \
            == [(filename, content) for filename, _mimetype, content in reference.attachments]
    assert smtp_server.to("ana@example.org")[0]["Content-Language"] == "fr"
    assert smtp_server.to("ana@example.org")[0]["Subject"] == "Votre place est confirmée : Forum sur l’axe un"
    assert "Your place on the waitlist: 1." in text_of(smtp_server.to("bob@example.org")[0])
    [promoted] = [m for m in smtp_server.to("dan@example.org") if m["Subject"].startswith("Une place")]
    assert promoted["Content-Language"] == "fr" and "Bonjour Dan" in text_of(promoted)
    # Chloe cancelled before her confirmation left: it no longer carries the meeting link.
    confirmation = smtp_server.to("chloe@example.org")[0]
    assert confirmation["Subject"] == "Your seat is confirmed: Forum on axis one"
    assert "meet.example.org" not in confirmation.as_string()
    # What was sent is kept on the row, as for an email queued whole.
    sent = {(m.to_address, m.kind): m for m in _rows()}
    assert sent[("ana@example.org", "forum.registration_confirmed")].subject == \
        "Votre place est confirmée : Forum sur l’axe un"
    assert sent[("ana@example.org", "forum.registration_confirmed")].body_text == \
        compared[("ana@example.org", "forum.registration_confirmed")].body_text


def test_an_erased_persons_recorded_email_is_never_sent(app, ctx, smtp_server, base_url):
    forum = make_mail_forum(make_consultation())
    ana = register_for(forum, "ana@example.org", "en")
    notifications.registration_confirmed(ana, just_made=True)
    bob = register_for(forum, "bob@example.org", "en")
    notifications.registration_confirmed(bob, just_made=True)
    db.session.commit()
    erase(ana.participant, reason="asked by email")
    # As if a sign-up committed its email while the erasure ran: the worker still refuses it.
    late = OutboxMessage(to_address="ana@example.org", subject="", body_text="", language="en",
                         kind="forum.registration_cancelled", object_type="registration", object_id=str(ana.id),
                         params={"registration": ana.id, "at": "2027-01-01T00:00:00+00:00", "had_seat": True})
    db.session.add(late)
    db.session.commit()

    report = deliver_pending()

    assert (report.sent, report.failed) == (1, 1)
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.org"]
    db.session.expire_all()
    row = db.session.get(OutboxMessage, late.id)
    assert (row.status, row.last_error, row.subject, row.body_text) == ("failed", "the participant was erased", "", "")


def test_an_email_whose_registration_was_deleted_fails_and_the_others_leave(app, ctx, smtp_server, base_url):
    forum = make_mail_forum(make_consultation())
    ana, bob = register_for(forum, "ana@example.org", "en"), register_for(forum, "bob@example.org", "en")
    gone = notifications.registration_confirmed(ana, just_made=True)
    notifications.registration_confirmed(bob, just_made=True)
    db.session.commit()
    db.session.delete(ana)
    db.session.commit()

    report = deliver_pending()

    assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.org"]
    db.session.expire_all()
    row = db.session.get(OutboxMessage, gone.id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "the registration no longer exists")
    assert deliver_pending().total == 0, "never tried again"


def test_a_waiting_email_shows_its_subject_on_the_persons_data_page(app, en, forums_open, make_forum):  # noqa: F811
    forum = make_forum()
    assert sign_up(en, forums_open, forum, email="ana@example.org", preferred_language="en").status_code == 303
    with app.app_context():
        token = my_data_token(db.session.scalar(select(Participant).where(Participant.email == "ana@example.org")))
    html = en.get(f"/my-data/{token}").get_data(as_text=True)
    assert 'lang="en">Your seat is confirmed: Forum on access</th>' in html
