"""Pre-reading a week before, reminder the day before: each once, never late, in each person's language."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.forums.registration import cancel
from consult.forums.reminders import ATTACHMENT_MAX_BYTES, send_reminders
from consult.mail.delivery import deliver_pending
from consult.mail.urls import external_url
from consult.models import OutboxMessage
from tests.mail_data import MEETING_LINK, SUMMER_START, attachments_of, make_consultation, make_forum, sign_up, text_of

BASE_URL = "https://consult.example.org"
SYNOPTIC = f"{BASE_URL}/consultations/mini/synoptic"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)


def _run(moment):
    report = send_reminders(moment)
    db.session.commit()
    return sorted((item.kind, item.registration.participant.email) for item in report.queued)


def _outbox_count():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_pre_reading_at_six_days_reminder_at_23_hours_each_once(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation())
    registration = sign_up(forum, "ana@example.org", "en")
    db.session.commit()

    assert _run(SUMMER_START - timedelta(days=8)) == []
    assert _run(SUMMER_START - timedelta(days=6)) == [("prereading", "ana@example.org")]
    assert _run(SUMMER_START - timedelta(days=6)) == [], "run twice, sent once"
    assert _run(SUMMER_START - timedelta(days=2)) == []
    assert _run(SUMMER_START - timedelta(hours=23)) == [("reminder", "ana@example.org")]
    assert _run(SUMMER_START - timedelta(hours=1)) == []
    assert _run(SUMMER_START + timedelta(minutes=1)) == []
    db.session.refresh(registration)
    assert registration.prereading_sent_at == SUMMER_START - timedelta(days=6)
    assert registration.reminder_sent_at == SUMMER_START - timedelta(hours=23)

    deliver_pending()
    prereading, reminder = smtp_server.messages
    assert prereading["Subject"] == "To read before your session: Forum on axis one"
    assert SYNOPTIC in text_of(prereading) and MEETING_LINK not in text_of(prereading)
    assert reminder["Subject"] == "Reminder: Forum on axis one"
    assert f"Join the meeting: {MEETING_LINK}" in text_of(reminder)
    assert f"{BASE_URL}/registrations/" in text_of(reminder)


def test_nothing_once_the_forum_has_started(ctx, base_url):
    sign_up(make_forum(make_consultation()), "ana@example.org")
    db.session.commit()
    assert _run(SUMMER_START) == []
    assert _run(SUMMER_START + timedelta(hours=1)) == []
    assert _outbox_count() == 0


def test_a_late_sign_up_gets_both_at_once(ctx, base_url):
    forum = make_forum(make_consultation())
    sign_up(forum, "ana@example.org")
    db.session.commit()
    assert _run(SUMMER_START - timedelta(hours=3)) == [("prereading", "ana@example.org"),
                                                       ("reminder", "ana@example.org")]


def test_only_confirmed_seats_of_scheduled_forums(ctx, base_url):
    consultation = make_consultation()
    full = make_forum(consultation, capacity=1)
    sign_up(full, "seated@example.org")
    sign_up(full, "waiting@example.org")
    cancel(sign_up(make_forum(consultation), "left@example.org"))
    called_off = make_forum(consultation)
    sign_up(called_off, "off@example.org")
    called_off.status = "cancelled"
    db.session.commit()
    assert _run(SUMMER_START - timedelta(hours=2)) == [("prereading", "seated@example.org"),
                                                       ("reminder", "seated@example.org")]


def test_no_pre_reading_email_when_the_forum_has_none(ctx, base_url):
    sign_up(make_forum(make_consultation(), prereading_kind="none"), "ana@example.org")
    db.session.commit()
    assert _run(SUMMER_START - timedelta(days=6)) == []
    assert _run(SUMMER_START - timedelta(hours=20)) == [("reminder", "ana@example.org")]


def test_each_participant_in_their_own_language(ctx, smtp_server, base_url):
    forum = make_forum(make_consultation())
    sign_up(forum, "fr@example.org", "fr")
    sign_up(forum, "en@example.org", "en")
    db.session.commit()
    _run(SUMMER_START - timedelta(hours=20))
    deliver_pending()

    french = smtp_server.to("fr@example.org")
    english = smtp_server.to("en@example.org")
    assert {m["Content-Language"] for m in french} == {"fr"} and {m["Content-Language"] for m in english} == {"en"}
    assert all(m["Subject"].endswith("Forum sur l’axe un") for m in french)
    assert all(m["Subject"].endswith("Forum on axis one") for m in english)
    [french_reminder] = [m for m in french if MEETING_LINK in text_of(m)]
    [english_reminder] = [m for m in english if MEETING_LINK in text_of(m)]
    assert "jeudi 10 juin 2027, 13\u00a0h\u00a030" in text_of(french_reminder)
    assert "Thursday, June 10, 2027, 1:30\u202fp.m." in text_of(english_reminder)


STORED = "0123456789abcdef0123456789abcdef.pdf"  # a name consult.uploads.store makes


def test_an_uploaded_file_is_attached(app, ctx, smtp_server, base_url, uploads_in_tmp):
    (uploads_in_tmp / "prereading").mkdir(parents=True)  # where consult.uploads stores pre-readings
    (uploads_in_tmp / "prereading" / STORED).write_bytes(b"%PDF-1.7 pre-reading")
    forum = make_forum(make_consultation(), prereading_kind="file", prereading_file=STORED,
                       prereading_filename="Cahier du participant.pdf", prereading_mimetype="application/pdf")
    sign_up(forum, "ana@example.org", "en")
    db.session.commit()
    _run(SUMMER_START - timedelta(days=5))
    deliver_pending()
    [message] = smtp_server.messages
    assert attachments_of(message) == [("Cahier du participant.pdf", "application/pdf", b"%PDF-1.7 pre-reading")]
    assert "Attached: Cahier du participant.pdf" in text_of(message)


def test_a_file_too_large_or_missing_is_linked_instead(app, ctx, smtp_server, base_url, uploads_in_tmp):
    uploads = uploads_in_tmp
    uploads.mkdir()
    (uploads / "prereading").mkdir()
    with (uploads / "prereading" / STORED).open("wb") as handle:
        handle.truncate(ATTACHMENT_MAX_BYTES + 1)
    consultation = make_consultation()
    big = make_forum(consultation, prereading_kind="file", prereading_file=STORED)
    missing = make_forum(consultation, prereading_kind="file", prereading_file="gone.pdf")
    outside = make_forum(consultation, prereading_kind="file", prereading_file="../secret.pdf")
    (uploads.parent / "secret.pdf").write_bytes(b"not yours")  # exists, but outside UPLOAD_FOLDER
    for number, forum in enumerate((big, missing, outside)):
        sign_up(forum, f"p{number}@example.org", "en")
    db.session.commit()
    _run(SUMMER_START - timedelta(days=5))
    deliver_pending()

    assert len(smtp_server.messages) == 3
    for forum in (big, missing, outside):
        if "forums.prereading" in app.view_functions:
            link = external_url("forums.prereading", slug="mini", forum_id=forum.id)
        else:
            link = SYNOPTIC
        [message] = [m for m in smtp_server.messages if link in text_of(m)]
        assert list(message.iter_attachments()) == []
    assert all(b"not yours" not in m.as_bytes() for m in smtp_server.messages)


def test_a_dossier_links_to_its_page_or_the_synoptic_table(app, ctx, smtp_server, base_url):
    forum = make_forum(make_consultation(), prereading_kind="dossier")
    sign_up(forum, "ana@example.org", "en")
    db.session.commit()
    _run(SUMMER_START - timedelta(days=5))
    deliver_pending()
    [message] = smtp_server.messages
    if "forums.dossier" in app.view_functions:
        assert external_url("forums.dossier", slug="mini", forum_id=forum.id) in text_of(message)
    else:
        assert SYNOPTIC in text_of(message)


def test_send_reminders_command(app, runner, base_url):
    with app.app_context():
        forum = make_forum(make_consultation())
        registration_id = sign_up(forum, "ana@example.org").id
        forum_id = forum.id
        db.session.commit()
    moment = (SUMMER_START - timedelta(hours=5)).isoformat()

    result = runner.invoke(args=["consult", "send-reminders", "--now", moment], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert f"pre-reading: registration {registration_id}, forum {forum_id}" in result.output
    assert f"reminder: registration {registration_id}, forum {forum_id}" in result.output
    assert "Pre-reading emails queued: 1. Reminders queued: 1." in result.output

    again = runner.invoke(args=["consult", "send-reminders", "--now", moment], env={"CONSULT_LANG": "en"})
    assert "Pre-reading emails queued: 0. Reminders queued: 0." in again.output
    with app.app_context():
        assert _outbox_count() == 2


def test_send_reminders_refuses_a_malformed_moment(runner):
    result = runner.invoke(args=["consult", "send-reminders", "--now", "next tuesday"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 2 and "not an ISO 8601 date and time" in result.output
