"""`consult import-mail DIR`: .eml files become submissions, once each; broken files are reported."""
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Consultation, OutboxMessage, Participant, Submission
from consult.participants.services import Profile, find_or_create_participant
from consult.structure.importer import import_structure
from tests.submission_data import EXE, PDF, open_document

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


@pytest.fixture(autouse=True)
def known_sender(app, submissions_open):
    """Someone already known: their email's submission is theirs, and their profile is kept."""
    with app.app_context():
        find_or_create_participant(db.session.get(Consultation, submissions_open.id), "known@example.org",
                                   Profile(name="Known Person"))
        db.session.commit()


def email(sender, subject, body, *, message_id="<a1@mail.example>", attachments=(), html=None, date=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "consultation@example.org"
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2025, 5, 20, 14, 30, tzinfo=timezone.utc))
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mailbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "1-opinion.eml").write_bytes(email(
        "Known Person <Known@Example.org>", "Avis sur l'orientation 4.2",
        "Bonjour,\n\nVoici notre avis sur la politique et le financement des soins. Voir https://example.org/etude.\n",
        attachments=[("avis.pdf", PDF, "application", "pdf")]))
    (folder / "2-disguised.eml").write_bytes(email(
        "New Writer <writer@example.org>", "Our report", "Please find our report attached, with the data.",
        message_id="<b2@mail.example>",
        attachments=[("report.pdf", EXE, "application", "pdf"), ("data.docx", PDF, "application", "octet-stream")]))
    (folder / "sub" / "3-html.eml").write_bytes(email(
        "Html Sender <html@example.org>", "Website", "", message_id=None,
        html='<p>See <a href="https://example.org/site">our site</a> for the health policy.</p>'))
    (folder / "4-broken.eml").write_bytes(b"\x00\x01 this is not an email at all \xff\xfe")
    (folder / "ignored.txt").write_text("not an .eml file")
    return folder


def run(runner, folder, *extra):
    return runner.invoke(args=["consult", "import-mail", str(folder), "--consultation", "mini", *extra],
                         env={"CONSULT_LANG": "en"})


def test_a_mailbox_is_imported_once(app, runner, submissions_open, mailbox):
    result = run(runner, mailbox)
    assert result.exit_code == 1, result.output  # one broken file
    assert "S-0001 imported from 1-opinion.eml (known@example.org, 1 document, 1 link)" in result.output
    assert "FAILED 4-broken.eml" in result.output and "nothing was imported from it" in result.output
    assert "“report.pdf”: refused, not a PDF, DOCX, ODT or plain-text document." in result.output
    assert "“data.docx”: refused, its name ends in .docx but its content is something else." in result.output
    assert "Imported: 3. Already imported: 0. Empty: 0. Failed: 1." in result.output
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.number)).all()
        summary = [(s.reference, s.participant.email, s.source, s.status, s.language, len(s.attachments))
                   for s in rows]
        assert summary == [("S-0001", "known@example.org", "email", "submitted", "fr", 1),
                           ("S-0002", "writer@example.org", "email", "submitted", "en", 0),
                           ("S-0003", "html@example.org", "email", "submitted", "en", 0)]
        first, disguised, html = rows
        assert first.general_text.startswith("Avis sur l'orientation 4.2\n\nBonjour,")
        assert [link.url for link in first.links] == ["https://example.org/etude"]
        assert first.submitted_at == datetime(2025, 5, 20, 14, 30, tzinfo=timezone.utc)
        assert first.attachments[0].filename == "avis.pdf" and first.message_id == "a1@mail.example"
        assert first.participant.name == "Known Person"
        assert "report.pdf" in disguised.intake_note and "data.docx" in disguised.intake_note
        assert [link.url for link in html.links] == ["https://example.org/site"]
        assert "our site" in html.general_text and "<p>" not in html.general_text
        assert html.message_id.startswith("sha256:")
        assert db.session.scalar(select(OutboxMessage)) is None  # no receipts unless asked

    again = run(runner, mailbox)
    assert "Imported: 0. Already imported: 3. Empty: 0. Failed: 1." in again.output
    assert "Already imported: 1-opinion.eml (S-0001)" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Submission)).all()) == 3
        assert len(db.session.scalars(select(Participant)).all()) == 3


def test_a_clean_mailbox_exits_zero_and_may_send_receipts(app, runner, submissions_open, mailbox):
    (mailbox / "4-broken.eml").unlink()
    result = run(runner, mailbox, "--send-receipts")
    assert result.exit_code == 0, result.output
    with app.app_context():
        receipts = db.session.scalars(select(OutboxMessage)).all()
        assert sorted(message.to_address for message in receipts) == [
            "html@example.org", "known@example.org", "writer@example.org"]


def test_a_message_without_sender_or_content(app, runner, submissions_open, tmp_path):
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "nobody.eml").write_bytes(b"Subject: hello\n\nno sender here\n")
    (folder / "empty.eml").write_bytes(email("someone@example.org", "", "", message_id="<c3@x>"))
    (folder / "zero.eml").write_bytes(b"")
    (folder / "forged.eml").write_bytes(b"From: =?utf-8?q?Evil=0D=0ABcc=3A_x=40y?= <e@example.org>\n"
                                        b"Subject: hi\nMessage-ID: <f@x>\n\nbody\n")
    result = run(runner, folder)
    assert result.exit_code == 1
    assert "FAILED nobody.eml: the file is not an email: it has no sender (From header)" in result.output
    assert "FAILED zero.eml: the file is empty" in result.output
    assert "FAILED forged.eml" in result.output  # reported, and the run went on
    assert "Skipped empty.eml: no text and no document in it." in result.output
    with app.app_context():
        assert db.session.scalar(select(Submission)) is None


def test_the_consultation_must_be_named_when_there_are_several(app, runner, submissions_open, mailbox):
    with app.app_context():
        import_structure(open_document(slug="other"), source="test")
        db.session.commit()
    result = runner.invoke(args=["consult", "import-mail", str(mailbox)], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 2 and "--consultation SLUG" in result.output
    with app.app_context():
        assert db.session.scalar(select(Consultation).where(Consultation.slug == "other")) is not None
