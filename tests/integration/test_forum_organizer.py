"""Organizers create, edit and cancel forums and interviews, run the roster and take notes."""
import csv
import io
import zipfile
from datetime import date, datetime, time, timedelta, timezone
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.forums import notifications
from consult.forums import registration as seats
from consult.forums.when import to_utc
from consult.models import AuditEvent, Consultation, Forum, ForumNote, Participant, Registration, Topic
from tests import factories
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.factories import consultation_of

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/forums"
NEXT_YEAR = datetime.now(timezone.utc).year + 1
FUTURE_DAY = f"{NEXT_YEAR}-05-12"  # in daylight saving time in Montréal (UTC-4)


def tiny_pdf() -> bytes:
    """A real, minimal one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def docx_bytes(main_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override PartName="/word/document.xml" '
                                                f'ContentType="{main_type}"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def told(monkeypatch):
    """Record the emails the organizer pages ask for, as the email side receives them."""
    calls = {"promoted": [], "cancelled": []}
    original_promoted, original_cancelled = notifications.registration_promoted, notifications.forum_cancelled

    def promoted(registration):
        calls["promoted"].append(registration.participant.email)
        return original_promoted(registration)

    def cancelled(forum, registrations, reason=""):
        calls["cancelled"].append(([(r.participant.email, r.status) for r in registrations], reason))
        return original_cancelled(forum, registrations, reason)

    monkeypatch.setattr(notifications, "registration_promoted", promoted)
    monkeypatch.setattr(notifications, "forum_cancelled", cancelled)
    return calls


@pytest.fixture
def organizer(login, demo):
    return login(["organizer"])


def topic_ids(app, *codes):
    with app.app_context():
        return [db.session.scalar(select(Topic.id).where(Topic.code == code)) for code in codes]


def forum_form(app, **overrides):
    data = {
        "kind": "forum", "track_id": "", "title_fr": "Forum sur l'accès", "title_en": "Forum on access",
        "description_fr": "", "description_en": "", "topic_ids": [str(i) for i in topic_ids(app, "1", "1.1")],
        "start_date": FUTURE_DAY, "start_time": "13:30", "duration_minutes": "90", "capacity": "20",
        "language": "bilingual", "meeting_link": "https://meet.example.org/forum-1", "recording_notice_fr": "",
        "recording_notice_en": "", "prereading_kind": "none",
    }
    data.update(overrides)
    return data


def make_forum(app, capacity=20, starts_in_days=30, **fields):
    """A French forum on 3 and 3.1 of the demo consultation, `starts_in_days` from now; its id."""
    with app.app_context():
        starts_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=starts_in_days)
        forum = factories.make_forum(consultation_of(SLUG), starts_at=starts_at, capacity=capacity, language="fr",
                                     topics=("3", "3.1"), **fields)
        db.session.commit()
        return forum.id


def register(app, forum_id, email, name="", organisation="", language="fr"):
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        participant = Participant(consultation_id=forum.consultation_id, email=email, name=name or email.split("@")[0],
                                  organisation=organisation, preferred_language=language, region="QC")
        db.session.add(participant)
        db.session.flush()
        outcome = seats.register(forum, participant)
        db.session.commit()
        return outcome.registration.id


def audit_actions(app):
    with app.app_context():
        return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# -- creating -------------------------------------------------------------------------------

def test_local_time_in_montreal_is_stored_in_utc():
    # The example of the specification: 13:30 in Montréal on 2026-05-12 (EDT, UTC-4).
    assert to_utc(date(2026, 5, 12), time(13, 30), ZoneInfo("America/Montreal")) == datetime(
        2026, 5, 12, 17, 30, tzinfo=timezone.utc)
    # In winter the offset is five hours.
    assert to_utc(date(2026, 12, 1), time(13, 30), ZoneInfo("America/Montreal")).hour == 18


def test_organizer_creates_a_forum_typed_in_the_consultation_time_zone(app, organizer):
    response = submit_form(organizer, f"{BASE}/new", forum_form(app))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        forum = db.session.scalar(select(Forum))
        assert forum.starts_at == datetime(NEXT_YEAR, 5, 12, 17, 30, tzinfo=timezone.utc)
        assert forum.language == "bilingual" and forum.capacity == 20 and forum.kind == "forum"
        assert sorted(topic.code for topic in forum.topics) == ["1", "1.1"]
        forum_id = forum.id
    assert response.headers["Location"] == f"{BASE}/#forum-{forum_id}"
    assert "forum.create" in audit_actions(app)

    listing = organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)
    assert "Forum on access" in listing
    assert f"May 12, {NEXT_YEAR} 1:30" in listing  # shown back in Montréal time
    # The edit form shows the same local time again.
    edit = organizer.get(f"{BASE}/{forum_id}/edit").get_data(as_text=True)
    assert f'value="{FUTURE_DAY}"' in edit and 'value="13:30"' in edit


def test_a_past_start_is_refused_and_everything_typed_is_kept(app, organizer):
    data = forum_form(app, start_date=f"{NEXT_YEAR - 3}-05-12", description_en="Typed before the mistake")
    response = submit_form(organizer, f"{BASE}/new?lang=en", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This date and time are already past. Choose a later start." in html
    assert "Typed before the mistake" in html and 'value="Forum on access"' in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Forum.id))) == 0


def test_a_time_skipped_by_the_clock_change_is_refused(app, organizer):
    # Clocks go from 02:00 to 03:00 in Montréal on the second Sunday of March.
    second_sunday = next(day for day in (date(NEXT_YEAR, 3, n) for n in range(8, 15)) if day.weekday() == 6)
    response = submit_form(organizer, f"{BASE}/new?lang=en",
                           forum_form(app, start_date=second_sunday.isoformat(), start_time="02:30"))
    assert response.status_code == 422
    assert "This time does not exist on that day in America/Montreal" in response.get_data(as_text=True)


def test_a_past_forum_can_still_be_edited_without_moving_it(app, organizer):
    forum_id = make_forum(app, starts_in_days=-3)
    with app.app_context():
        starts_at = db.session.get(Forum, forum_id).starts_at
    local = starts_at.astimezone(ZoneInfo("America/Montreal"))
    response = submit_form(organizer, f"{BASE}/{forum_id}/edit", forum_form(
        app, start_date=local.date().isoformat(), start_time=local.strftime("%H:%M"), description_en="Summary"))
    assert response.status_code == 303
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        assert forum.description_en == "Summary" and forum.starts_at == starts_at
    assert "Held" in organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)


def test_missing_title_and_bad_link_are_explained(app, organizer):
    data = forum_form(app, title_fr="", title_en="", meeting_link="http://insecure.example.org",
                      duration_minutes="5")
    html = submit_form(organizer, f"{BASE}/new?lang=en", data).get_data(as_text=True)
    assert "Give a title in at least one language." in html
    assert "Enter a secure web address starting with https://" in html
    assert "The duration is between 15 and 480 minutes." in html


def test_htmx_gets_the_form_fragment_or_a_redirect(app, organizer):
    page = organizer.get(f"{BASE}/new")
    token = csrf_token_from(page.get_data(as_text=True))
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    bad = organizer.post(f"{BASE}/new", data=forum_form(app, title_fr="", title_en=""), headers=headers)
    assert bad.status_code == 422 and "HX-Request" in bad.headers["Vary"]
    assert bad.get_data(as_text=True).lstrip().startswith('<div id="forum-form">')
    good = organizer.post(f"{BASE}/new", data=forum_form(app), headers=headers)
    assert good.status_code == 204 and good.headers["HX-Redirect"].startswith(f"{BASE}/#forum-")


# -- capacity -------------------------------------------------------------------------------

def test_capacity_below_the_people_seated_is_refused_with_their_number(app, organizer):
    forum_id = make_forum(app, capacity=3)
    register(app, forum_id, "ana@example.org")
    register(app, forum_id, "ben@example.org")
    response = submit_form(organizer, f"{BASE}/{forum_id}/edit?lang=en", forum_form(app, capacity="1"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There are already 2 confirmed people: give at least that many seats." in html
    with app.app_context():
        assert db.session.get(Forum, forum_id).capacity == 3


def test_the_atomic_check_refuses_too_when_people_signed_up_meanwhile(app, organizer):
    """The form checked against a stale count; registration.set_capacity has the last word."""
    forum_id = make_forum(app, capacity=3)
    register(app, forum_id, "ana@example.org")
    page = organizer.get(f"{BASE}/{forum_id}/edit?lang=en")
    register(app, forum_id, "ben@example.org")
    register(app, forum_id, "cleo@example.org")
    from consult.forums import organizer_forms

    original = organizer_forms.ForumForm.validate

    def stale_validate(form, extra_validators=None):
        # The form's own check passes, as it would have a moment before the last sign-ups.
        forum, form.forum = form.forum, None
        try:
            return original(form, extra_validators)
        finally:
            form.forum = forum

    import unittest.mock

    with unittest.mock.patch.object(organizer_forms.ForumForm, "validate", stale_validate):
        response = organizer.post(f"{BASE}/{forum_id}/edit?lang=en", data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)), **forum_form(app, capacity="2")})
    assert response.status_code == 422
    assert "There are already 3 confirmed people" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Forum, forum_id).capacity == 3


def test_more_seats_promote_the_waitlist_in_order_and_tell_them(app, organizer, told):
    forum_id = make_forum(app, capacity=1)
    register(app, forum_id, "first@example.org")
    register(app, forum_id, "second@example.org")
    register(app, forum_id, "third@example.org")
    organizer.get("/?lang=en")  # the confirmation is written in the language of the request that saves
    response = submit_form(organizer, f"{BASE}/{forum_id}/edit", forum_form(app, capacity="2"))
    assert response.status_code == 303
    assert told["promoted"] == ["second@example.org"]
    with app.app_context():
        statuses = dict(db.session.execute(
            select(Participant.email, Registration.status).join(Registration.participant)).all())
        assert statuses == {"first@example.org": "confirmed", "second@example.org": "confirmed",
                            "third@example.org": "waitlisted"}
        forum = db.session.get(Forum, forum_id)
        assert (forum.capacity, forum.seats_taken) == (2, 2)
        edit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "forum.edit"))
        assert edit.detail["changes"]["capacity"] == {"from": 1, "to": 2}
        assert edit.actor_id is not None and edit.consultation_id == forum.consultation_id
    flashes = organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)
    assert "1 person moved from the waitlist to a seat and will be told by email." in flashes


# -- pre-reading upload ---------------------------------------------------------------------

def test_a_real_pdf_is_accepted_stored_under_a_random_name_and_downloaded(app, organizer, uploads_in_tmp, client):
    pdf = tiny_pdf()
    data = forum_form(app, prereading_kind="file", prereading_upload=(io.BytesIO(pdf), "Ordre du jour.pdf"))
    response = submit_form(organizer, f"{BASE}/new", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        forum = db.session.scalar(select(Forum))
        assert forum.prereading_kind == "file"
        assert forum.prereading_filename == "Ordre du jour.pdf"
        assert forum.prereading_mimetype == "application/pdf"
        stored = Path(uploads_in_tmp) / "prereading" / forum.prereading_file
        assert len(Path(forum.prereading_file).stem) == 32 and stored.read_bytes() == pdf
        forum_id = forum.id
    download = app.test_client().get(f"/consultations/{SLUG}/forums/{forum_id}/prereading")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_docx_is_recognised_from_its_archive(app, organizer):
    data = forum_form(app, prereading_kind="file", prereading_upload=(io.BytesIO(docx_bytes()), "dossier.docx"))
    assert submit_form(organizer, f"{BASE}/new", data).status_code == 303
    with app.app_context():
        forum = db.session.scalar(select(Forum))
        assert forum.prereading_mimetype.endswith("wordprocessingml.document")


@pytest.mark.parametrize("content, name", [
    (b"Just some words, not a PDF at all.\n", "agenda.pdf"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200, "agenda.pdf"),
    (docx_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"), "agenda.docx"),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(app, organizer, uploads_in_tmp, content, name):
    data = forum_form(app, prereading_kind="file", prereading_upload=(io.BytesIO(content), name))
    response = submit_form(organizer, f"{BASE}/new?lang=en", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose the file again" in html
    assert ("its content is something else" in html) or ("is not a PDF, DOCX, ODT or plain-text document" in html)
    with app.app_context():
        assert db.session.scalar(select(func.count(Forum.id))) == 0
    assert not list(Path(uploads_in_tmp).rglob("*.*"))


def test_a_file_too_big_is_refused(app, organizer, monkeypatch):
    monkeypatch.setitem(app.config, "PREREADING_MAX_BYTES", 200)
    data = forum_form(app, prereading_kind="file", prereading_upload=(io.BytesIO(tiny_pdf() + b"%" * 300), "a.pdf"))
    response = submit_form(organizer, f"{BASE}/new?lang=en", data)
    assert response.status_code == 422
    assert "The file is larger than" in response.get_data(as_text=True)


def test_after_an_error_the_page_says_to_choose_the_file_again(app, organizer, uploads_in_tmp):
    data = forum_form(app, title_fr="", title_en="", prereading_kind="file",
                      prereading_upload=(io.BytesIO(tiny_pdf()), "a.pdf"))
    html = submit_form(organizer, f"{BASE}/new?lang=en", data).get_data(as_text=True)
    assert "Give a title in at least one language." in html
    assert "Choose the file again: browsers do not keep a chosen file when a form comes back with errors." in html
    assert not list(Path(uploads_in_tmp).rglob("*.pdf"))


def test_replacing_the_file_removes_the_old_one(app, organizer, uploads_in_tmp):
    submit_form(organizer, f"{BASE}/new", forum_form(app, prereading_kind="file",
                                                      prereading_upload=(io.BytesIO(tiny_pdf()), "one.pdf")))
    with app.app_context():
        forum_id = db.session.scalar(select(Forum.id))
    response = submit_form(organizer, f"{BASE}/{forum_id}/edit", forum_form(
        app, prereading_kind="file", prereading_upload=(io.BytesIO(b"Plain notes\n"), "two.txt")))
    assert response.status_code == 303
    files = list(Path(uploads_in_tmp).rglob("*.*"))
    assert [file.suffix for file in files] == [".txt"]
    # Keeping the file: editing without choosing one again keeps it.
    assert submit_form(organizer, f"{BASE}/{forum_id}/edit",
                       forum_form(app, prereading_kind="file", capacity="30")).status_code == 303
    assert list(Path(uploads_in_tmp).rglob("*.*")) == files
    # Another kind of pre-reading: the file goes.
    assert submit_form(organizer, f"{BASE}/{forum_id}/edit",
                       forum_form(app, prereading_kind="synoptic")).status_code == 303
    assert not list(Path(uploads_in_tmp).rglob("*.*"))


def test_a_stored_file_goes_away_when_the_transaction_rolls_back(app, demo, uploads_in_tmp):
    from consult import uploads
    from consult.forums import organizer_services

    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        checked = uploads.check_document(tiny_pdf(), "a.pdf", 10_000)
        values = {"kind": "forum", "title_fr": "x", "capacity": 5, "duration_minutes": 60, "language": "fr",
                  "prereading_kind": "file", "starts_at": datetime.now(timezone.utc) + timedelta(days=3)}
        organizer_services.create_forum(consultation, values, checked, None)
        assert len(list(Path(uploads_in_tmp).rglob("*.pdf"))) == 1
        db.session.rollback()
        assert not list(Path(uploads_in_tmp).rglob("*.pdf"))


def test_prereading_is_only_served_for_a_scheduled_forum_with_a_file(app, demo, client):
    forum_id = make_forum(app, prereading_kind="synoptic")
    assert client.get(f"/consultations/{SLUG}/forums/{forum_id}/prereading").status_code == 404
    assert client.get(f"/consultations/{SLUG}/forums/9999/prereading").status_code == 404


# -- interview slots ------------------------------------------------------------------------

def test_interview_slots_are_published_one_after_the_other(app, organizer):
    with app.app_context():
        track_id = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG)).tracks[1].id
    page = organizer.get(f"{BASE}/interview-slots?lang=en").get_data(as_text=True)
    assert 'value="Entretien individuel"' in page and 'value="Individual interview"' in page
    response = submit_form(organizer, f"{BASE}/interview-slots", {
        "day": FUTURE_DAY, "first_start": "09:00", "count": "3", "slot_minutes": "60", "gap_minutes": "15",
        "track_id": str(track_id), "title_fr": "Entretien", "title_en": "Interview",
        "topic_ids": [str(i) for i in topic_ids(app, "2", "2.1")], "language": "en",
        "meeting_link": "", "prereading_kind": "synoptic",
    })
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        forums = db.session.scalars(select(Forum).order_by(Forum.starts_at)).all()
        assert [forum.starts_at.strftime("%H:%M") for forum in forums] == ["13:00", "14:15", "15:30"]
        assert {(f.kind, f.capacity, f.duration_minutes, f.language, f.track_id) for f in forums} == {
            ("interview", 1, 60, "en", track_id)}
        assert all(sorted(topic.code for topic in forum.topics) == ["2", "2.1"] for forum in forums)
    assert "forum.create_interview_slots" in audit_actions(app)


def test_interview_slots_in_the_past_are_refused(app, organizer):
    response = submit_form(organizer, f"{BASE}/interview-slots?lang=en", {
        "day": f"{NEXT_YEAR - 3}-01-05", "first_start": "09:00", "count": "2", "slot_minutes": "60",
        "gap_minutes": "0", "title_en": "Interview", "language": "en", "prereading_kind": "none"})
    assert response.status_code == 422
    assert "already past" in response.get_data(as_text=True)


# -- cancelling -----------------------------------------------------------------------------

def test_cancelling_asks_for_confirmation_tells_people_and_locks_the_forum(app, organizer, told):
    forum_id = make_forum(app, capacity=1)
    register(app, forum_id, "seated@example.org")
    register(app, forum_id, "waiting@example.org")
    gone = register(app, forum_id, "gone@example.org")
    with app.app_context():
        seats.cancel(db.session.get(Registration, gone))
        db.session.commit()

    confirm = organizer.get(f"{BASE}/{forum_id}/cancel?lang=en")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Cancelling cannot be undone" in html and "1 person with a seat will be told by email." in html
    with app.app_context():
        assert db.session.get(Forum, forum_id).status == "scheduled"  # a GET changes nothing

    response = submit_form(organizer, f"{BASE}/{forum_id}/cancel", {"reason": "Speaker unavailable"})
    assert response.status_code == 303
    assert told["cancelled"] == [([("seated@example.org", "confirmed"), ("waiting@example.org", "waitlisted")],
                                  "Speaker unavailable")]
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        assert forum.status == "cancelled" and forum.cancelled_reason == "Speaker unavailable"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "forum.cancel"))
        assert event.detail["reason"] == "Speaker unavailable" and len(event.detail["notified"]) == 2

    # Shown as cancelled, and it cannot be edited back.
    listing = organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)
    assert "badge-cancelled" in listing
    edit = organizer.get(f"{BASE}/{forum_id}/edit?lang=en")
    assert edit.status_code == 200 and "This session was cancelled" in edit.get_data(as_text=True)
    assert 'name="title_fr"' not in edit.get_data(as_text=True)
    token = csrf_token_from(organizer.get(f"{BASE}/{forum_id}/roster").get_data(as_text=True))
    blocked = organizer.post(f"{BASE}/{forum_id}/edit", data={"csrf_token": token, **forum_form(app)})
    assert blocked.status_code == 409
    with app.app_context():
        assert db.session.get(Forum, forum_id).status == "cancelled"
    # Cancelling again tells nobody twice.
    organizer.post(f"{BASE}/{forum_id}/cancel", data={"csrf_token": token, "reason": "again"})
    assert len(told["cancelled"]) == 1


# -- roster ---------------------------------------------------------------------------------

def test_roster_lists_people_by_status(app, organizer):
    forum_id = make_forum(app, capacity=1)
    register(app, forum_id, "ana@example.org", name="Ana Seated", organisation="CIUSSS")
    register(app, forum_id, "ben@example.org", name="Ben Waiting")
    html = organizer.get(f"{BASE}/{forum_id}/roster?lang=en").get_data(as_text=True)
    assert "People with a seat" in html and "Ana Seated" in html and "CIUSSS" in html
    waitlist = html.split('id="waitlist-heading"')[1]
    assert "Ben Waiting" in waitlist
    assert "no-store" in organizer.get(f"{BASE}/{forum_id}/roster").headers["Cache-Control"]
    printable = organizer.get(f"{BASE}/{forum_id}/roster/print?lang=en")
    assert printable.status_code == 200 and "Sign-in sheet" in printable.get_data(as_text=True)


def test_roster_csv_is_excel_friendly_and_neutralises_formulas(app, organizer):
    forum_id = make_forum(app, capacity=5)
    register(app, forum_id, "evil@example.org", name='=HYPERLINK("http://evil.example","click")',
             organisation="+SUM(A1:A9)")
    register(app, forum_id, "ok@example.org", name="Zoé Tremblay", organisation="-minus")
    response = organizer.get(f"{BASE}/{forum_id}/roster.csv?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="roster-{forum_id}.csv"'
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Status", "Waitlist position", "Name", "Email address"]
    by_email = {row[3]: row for row in rows[1:]}
    assert by_email["evil@example.org"][2] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert by_email["evil@example.org"][4] == "'+SUM(A1:A9)"
    assert by_email["ok@example.org"][2] == "Zoé Tremblay" and by_email["ok@example.org"][4] == "'-minus"
    assert "forum.roster_export" in audit_actions(app)


def test_attendance_is_marked_per_row_with_and_without_htmx(app, organizer):
    forum_id = make_forum(app, capacity=1, starts_in_days=0)
    seated = register(app, forum_id, "ana@example.org", name="Ana")
    waiting = register(app, forum_id, "ben@example.org", name="Ben")
    token = csrf_token_from(organizer.get(f"{BASE}/{forum_id}/roster").get_data(as_text=True))
    url = f"{BASE}/{forum_id}/roster/{seated}/attendance"

    plain = organizer.post(url, data={"csrf_token": token, "attended": "yes"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/roster#registration-{seated}")
    with app.app_context():
        assert db.session.get(Registration, seated).status == "attended"

    swapped = organizer.post(url + "?lang=en", data={"attended": "no"},
                             headers={"HX-Request": "true", "X-CSRFToken": token})
    assert swapped.status_code == 200
    row = swapped.get_data(as_text=True).strip()
    assert row.startswith(f'<tr id="registration-{seated}">') and "Absent" in row
    assert f'id="absent-{seated}" class="button button-small button-secondary" aria-pressed="true"' in row
    with app.app_context():
        assert db.session.get(Registration, seated).status == "no_show"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.attendance")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.detail["from"], e.detail["to"]) for e in events] == [("confirmed", "attended"),
                                                                        ("attended", "no_show")]

    refused = organizer.post(f"{BASE}/{forum_id}/roster/{waiting}/attendance",
                             data={"csrf_token": token, "attended": "yes"})
    assert refused.status_code == 303
    assert "Only people with a seat" in organizer.get(f"{BASE}/{forum_id}/roster?lang=en").get_data(as_text=True)
    # A registration of another forum is not reachable through this one.
    other = make_forum(app)
    assert organizer.post(f"{BASE}/{other}/roster/{seated}/attendance",
                          data={"csrf_token": token, "attended": "yes"}).status_code == 404


def test_a_walk_in_is_added_as_present_even_when_full(app, organizer):
    forum_id = make_forum(app, capacity=1, starts_in_days=0)
    register(app, forum_id, "ana@example.org")
    with app.app_context():
        category = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG)).categories[0]
        category_id = category.id
    response = submit_form(organizer, f"{BASE}/{forum_id}/roster", {
        "name": "Walk In", "email": " Walk.In@Example.org ", "organisation": "Clinic", "category_id": str(category_id),
    }, action=f"{BASE}/{forum_id}/roster/walk-in")
    assert response.status_code == 303
    with app.app_context():
        registration = db.session.scalar(select(Registration).join(Registration.participant)
                                         .where(Participant.email == "walk.in@example.org"))
        assert registration.status == "attended" and registration.walk_in and registration.beyond_capacity
        assert registration.participant.category_id == category_id
        forum = db.session.get(Forum, forum_id)
        assert (forum.capacity, forum.seats_taken) == (1, 1)  # present beyond capacity; the session keeps its size
    assert "registration.walk_in" in audit_actions(app)

    bad = submit_form(organizer, f"{BASE}/{forum_id}/roster?lang=en", {"name": "", "email": "nope"},
                      action=f"{BASE}/{forum_id}/roster/walk-in?lang=en")
    assert bad.status_code == 422
    html = unescape(bad.get_data(as_text=True))
    assert "Enter the person's name." in html and "Enter an email address such as name@example.org." in html


# -- list -----------------------------------------------------------------------------------

def test_list_filters_by_track_paginates_and_has_an_empty_state(app, organizer):
    assert "There is no forum or interview yet." in organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)
    with app.app_context():
        tracks = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG)).tracks
        qc, ca = tracks[0].id, tracks[1].id
    for number in range(52):
        make_forum(app, starts_in_days=10 + number, track_id=qc)
    make_forum(app, starts_in_days=5, track_id=ca)
    first = organizer.get(f"{BASE}/?lang=en").get_data(as_text=True)
    assert first.count('<tr id="forum-') == 50 and "Next page" in first
    second = organizer.get(f"{BASE}/?page=2&lang=en").get_data(as_text=True)
    assert second.count('<tr id="forum-') == 3
    only_ca = organizer.get(f"{BASE}/?track={ca}&lang=en").get_data(as_text=True)
    assert only_ca.count('<tr id="forum-') == 1 and "1 session" in only_ca
    assert "No session in this track yet." in organizer.get(f"{BASE}/?track=none&lang=en").get_data(as_text=True)
    fragment = organizer.get(f"{BASE}/?track={ca}", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="forum-list">')


def test_structure_page_links_to_forums_for_organizers_only(app, login, make_staff, demo):
    client = login(["organizer"])
    assert f'href="{BASE}/"' in client.get(f"/staff/consultations/{SLUG}/").get_data(as_text=True)
    other = app.test_client()
    make_staff("coordinator@example.org", ["coordinator"])
    submit_form(other, "/staff/login", {"email": "coordinator@example.org", "password": STAFF_PASSWORD})
    page = other.get(f"/staff/consultations/{SLUG}/")
    assert page.status_code == 200 and f'href="{BASE}/"' not in page.get_data(as_text=True)


# -- notes ----------------------------------------------------------------------------------

def test_analyst_writes_edits_and_deletes_notes(app, login, demo):
    forum_id = make_forum(app)
    analyst = login(["analyst"])
    notes_url = f"{BASE}/{forum_id}/notes"
    page = analyst.get(notes_url + "?lang=en").get_data(as_text=True)
    assert "Topics of this session" in page and "Other topics of the consultation" in page
    [topic_31] = topic_ids(app, "3.1")
    response = submit_form(analyst, notes_url, {"topic_id": str(topic_31), "language": "fr",
                                                "body": "Les participants veulent plus de proximité."})
    assert response.status_code == 303
    general = submit_form(analyst, notes_url, {"topic_id": "", "language": "en", "body": "Good turnout."})
    assert general.status_code == 303
    with app.app_context():
        notes = db.session.scalars(select(ForumNote).order_by(ForumNote.id)).all()
        assert [(n.topic_id, n.language) for n in notes] == [(topic_31, "fr"), (None, "en")]
        assert all(note.author_id is not None and note.forum_id == forum_id for note in notes)
        note_id = notes[0].id
    listing = analyst.get(notes_url + "?lang=en").get_data(as_text=True)
    assert listing.index("Good turnout.") < listing.index("plus de proximité")  # general notes first
    assert '<div lang="fr">' in listing

    assert submit_form(analyst, notes_url, {"topic_id": "", "language": "fr", "body": ""}).status_code == 422

    edit_url = f"{notes_url}/{note_id}/edit"
    assert submit_form(analyst, edit_url, {"topic_id": "", "language": "fr",
                                           "body": "Corrigé."}).status_code == 303
    with app.app_context():
        note = db.session.get(ForumNote, note_id)
        assert (note.body, note.topic_id) == ("Corrigé.", None)

    delete_url = f"{notes_url}/{note_id}/delete"
    confirm = analyst.get(delete_url + "?lang=en")
    assert confirm.status_code == 200 and "Delete this note?" in confirm.get_data(as_text=True)
    assert submit_form(analyst, delete_url, {}).status_code == 303
    with app.app_context():
        assert db.session.get(ForumNote, note_id) is None
    assert [a for a in audit_actions(app) if a.startswith("forum_note.")] == [
        "forum_note.create", "forum_note.create", "forum_note.edit", "forum_note.delete"]
    # Analysts take notes but do not run rosters.
    assert analyst.get(f"{BASE}/{forum_id}/roster").status_code == 403


def test_a_note_of_another_forum_is_not_reachable(app, login, demo):
    first, second = make_forum(app), make_forum(app)
    with app.app_context():
        note = ForumNote(forum_id=first, language="fr", body="x")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    client = login(["organizer"])
    assert client.get(f"{BASE}/{second}/notes/{note_id}/edit").status_code == 404
    assert client.get(f"{BASE}/{first}/notes/{note_id}/edit").status_code == 200


# -- public dossier -------------------------------------------------------------------------

def test_the_dossier_presents_the_forum_topics_to_anyone(app, demo, client):
    forum_id = make_forum(app, prereading_kind="dossier")
    response = client.get(f"/consultations/{SLUG}/forums/{forum_id}/dossier?lang=fr")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    with app.app_context():
        axis = db.session.scalar(select(Topic).where(Topic.code == "3"))
        orientation = db.session.scalar(select(Topic).where(Topic.code == "3.1"))
        other = db.session.scalar(select(Topic).where(Topic.code == "1.1"))
        assert axis.title_fr in html and orientation.title_fr in html
        assert orientation.change_targets[0].text_fr in html
        assert orientation.themes[0].name_fr in html
        assert other.title_fr not in html
    assert "data-print" in html
    assert client.get(f"/consultations/{SLUG}/forums/9999/dossier").status_code == 404


def test_analysts_reach_notes_from_the_list_but_not_the_organizer_actions(app, login, demo):
    from datetime import datetime, timedelta, timezone

    from consult.extensions import db as database
    from consult.models import Consultation, Forum

    with app.app_context():
        consultation = database.session.query(Consultation).one()
        forum = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", capacity=5,
                      starts_at=datetime.now(timezone.utc) + timedelta(days=10))
        database.session.add(forum)
        database.session.commit()
        forum_id = forum.id
    client = login(["analyst"])
    base = "/staff/consultations/politique-premiere-ligne-2025/forums/"
    html = client.get(base + "?lang=en").get_data(as_text=True)
    assert f"{base}{forum_id}/notes" in html
    assert f"{base}{forum_id}/roster" not in html and f"{base}new" not in html
    notes = client.get(f"{base}{forum_id}/notes?lang=en").get_data(as_text=True)
    assert f"{base}{forum_id}/edit" not in notes and f"{base}{forum_id}/roster\"" not in notes
    structure = client.get("/staff/consultations/politique-premiere-ligne-2025/?lang=en").get_data(as_text=True)
    assert f'href="{base}"' in structure


def test_moving_a_forum_tells_people_and_sends_reminders_again(app, organizer):
    from consult.models import OutboxMessage
    from consult.models.base import utcnow

    forum_id = make_forum(app, capacity=1)
    seated = register(app, forum_id, "seated@example.org", language="en")
    register(app, forum_id, "waiting@example.org")
    with app.app_context():
        db.session.get(Registration, seated).reminder_sent_at = utcnow()
        db.session.commit()
    # Same time: nobody is told.
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        local = forum.starts_at.astimezone(forum.consultation.tz)
    same = forum_form(app, capacity="1", start_date=local.date().isoformat(), start_time=local.strftime("%H:%M"))
    assert submit_form(organizer, f"{BASE}/{forum_id}/edit", same).status_code == 303
    with app.app_context():
        assert not db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject.like("%New date%")))
    moved = forum_form(app, capacity="1", start_time="15:00")
    assert submit_form(organizer, f"{BASE}/{forum_id}/edit", moved).status_code == 303
    with app.app_context():
        messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))
                    if m.subject.startswith(("New date", "Nouvelle date"))}
        assert set(messages) == {"seated@example.org", "waiting@example.org"}
        assert messages["seated@example.org"].attachments  # the updated calendar invitation
        assert not messages["waiting@example.org"].attachments
        assert db.session.get(Registration, seated).reminder_sent_at is None


def test_a_session_cannot_become_recorded_behind_the_backs_of_people_registered(app, organizer):
    forum_id = make_forum(app, capacity=5)
    register(app, forum_id, "ana@example.org")
    organizer.get("/?lang=en")
    response = submit_form(organizer, f"{BASE}/{forum_id}/edit", forum_form(
        app, capacity="5", recorded="y", recording_notice_en="Recorded for the analysis."))
    assert response.status_code == 422
    assert "1 person already registered did not agree to a recording." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Forum, forum_id).recorded is False
