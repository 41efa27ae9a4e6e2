# ruff: noqa: F811  (the forum sign-up fixtures are imported, then named as arguments)
"""Receipts: a photo taken with a phone is accepted (checked by decoding it, stripped of its metadata,
size-limited); a file that is neither a document nor a picture is refused next to the field with the rest
of the claim kept. Absurd and zero amounts are refused too. No staff download holds accommodation needs."""
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Forum, LedgerEntry
from tests.integration.test_compensation import _claim, ledger, participant_of, personal_url, policy, sign_up  # noqa: F401
from tests.integration.test_forum_signup import forums_open, make_forum  # noqa: F401


def photo(kind="JPEG", size=(400, 300)) -> bytes:
    picture = Image.new("RGB", size, (200, 180, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (45.0, 30.0, 0.0)}  # GPSInfo: latitude
    buffer = io.BytesIO()
    picture.save(buffer, kind, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def claimant(app, client, forums_open, make_forum, policy, uploads_dir):
    sign_up(client, forums_open, make_forum(), compensation="yes")
    return personal_url(app, participant_of(app))


@pytest.mark.parametrize(("kind", "name", "mimetype"), [("JPEG", "IMG_2041.JPG", "image/jpeg"),
                                                         ("PNG", "capture.png", "image/png")])
def test_a_photographed_receipt_is_accepted_without_its_metadata(app, client, claimant, kind, name, mimetype):
    sent = _claim(client, claimant, receipt=(io.BytesIO(photo(kind)), name))
    assert sent.status_code == 303, sent.get_data(as_text=True)[:300]
    with app.app_context():
        entry = db.session.scalar(select(LedgerEntry))
        assert entry.receipt_mimetype == mimetype and entry.receipt_filename == name.rsplit(".", 1)[0] + "." + \
            ("jpg" if kind == "JPEG" else "png")
        stored = Path(app.config["UPLOAD_FOLDER"]) / "receipts" / entry.receipt_file
        with Image.open(stored) as kept:
            assert kept.format == kind and kept.size == (400, 300)
            assert "GPSInfo" not in str(kept.getexif()) and not kept.getexif()


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00\x03\x00binary", "receipt.jpg"),  # a program named as a photo
    (b"\xff\xd8\xff\xe0 not really a picture", "receipt.jpg"),  # a JPEG signature, nothing behind it
    (b"PK\x03\x04 an archive", "receipt.zip"),
])
def test_a_file_that_is_neither_document_nor_picture_is_refused_and_the_claim_kept(app, client, claimant, content,
                                                                                   name):
    refused = _claim(client, claimant, amount="14,25", description="Stationnement de l'hôpital",
                     receipt=(io.BytesIO(content), name))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Un reçu doit être une photo (JPEG ou PNG) ou un document" in html
    assert 'aria-describedby="receipt-error' in html or 'id="receipt-error' in html
    assert 'value="14,25"' in html and "Stationnement de l&#39;hôpital" in html
    assert ledger(app) == []


def test_a_receipt_too_large_is_refused(app, client, claimant, monkeypatch):
    monkeypatch.setattr("consult.partners.forms.RECEIPT_MAX_BYTES", 1000)
    refused = _claim(client, claimant, receipt=(io.BytesIO(photo(size=(800, 800))), "big.jpg"))
    assert refused.status_code == 422 and "Mo" in refused.get_data(as_text=True)
    assert ledger(app) == []


@pytest.mark.parametrize(("amount", "message"), [("0", "supérieur à zéro"), ("-5", "négatif"),
                                                 ("123456789", "beaucoup trop élevé"), ("douze", "par exemple")])
def test_zero_negative_absurd_and_unreadable_amounts_are_refused(app, client, claimant, amount, message):
    refused = _claim(client, claimant, amount=amount)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert ledger(app) == []
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("ledger.%"))) is None


def _texts(data: bytes) -> str:
    """A download's text; for a ZIP (ZIP of PDFs, XLSX, DOCX, REFI-QDA), every member's."""
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(_texts(archive.read(name)) for name in archive.namelist())
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def test_no_staff_download_holds_accommodation_needs(app, client, forums_open, make_forum, policy, login):
    """Accommodations are on the roster of the session only: every download a staff member can take of the
    consultation (CSV, spreadsheets, archives, reports, attestations) leaves them out."""
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, compensation="yes", accommodations=["interpretation"],
            accommodation_other="Interprète LSQ Zéphyrine")
    login(("admin", "organizer", "coordinator", "analyst"))
    roster = client.get(f"/staff/consultations/mini/forums/{forum_id}/roster").get_data(as_text=True)
    assert "Zéphyrine" in roster
    downloads = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "GET" not in rule.methods:
            continue
        if not set(rule.arguments) <= {"slug", "forum_id", "fmt"} or "slug" not in rule.arguments:
            continue
        if rule.endpoint.startswith("qdpx."):  # holds comments and transcripts only; refuses an empty project
            continue
        formats = ["csv", "xlsx", "json", "docx", "pdf", "qdpx"] if "fmt" in rule.arguments else [None]
        for fmt in formats:
            values = {"slug": "mini", "forum_id": forum_id, **({"fmt": fmt} if fmt else {})}
            url = rule.build(values, append_unknown=False)[1]
            response = client.get(url)
            if response.status_code != 200 or response.mimetype == "text/html":
                continue
            downloads.append(url)
            text = _texts(response.data)
            assert "Zéphyrine" not in text and "Interprétation" not in text and "Interpretation" not in text, url
    assert any(url.endswith("roster.csv") for url in downloads)
    assert any("ledger.csv" in url for url in downloads) and any("attestations.zip" in url for url in downloads)


def test_an_erasure_takes_the_receipts_what_was_written_and_the_session_invitations(app, client, claimant,
                                                                                      make_forum, login):
    from consult.models import OutboxMessage, Participant, SessionInvitation
    from consult.partners import access
    from consult.privacy.services import erase

    sent = _claim(client, claimant, receipt=(io.BytesIO(photo()), "ticket.jpg"), description="Stationnement CHUM")
    assert sent.status_code == 303
    with app.app_context():
        person = db.session.get(Participant, participant_of(app))
        entry = db.session.scalar(select(LedgerEntry))
        stored = Path(app.config["UPLOAD_FOLDER"]) / "receipts" / entry.receipt_file
        assert stored.exists()
        # Invited, by address, to a session of the consultation only for those invited.
        forum = db.session.get(Forum, make_forum())
        access.set_mode(forum, "invitation", None)
        access.invite(forum, [person.email], None, "fr")
        db.session.commit()
        assert db.session.scalar(select(SessionInvitation.id)) is not None
        address = person.email
        erase(person, reason="request")
        db.session.commit()
        entry = db.session.scalar(select(LedgerEntry))
        assert (entry.description, entry.receipt_file, entry.receipt_filename) == ("", "", "")
        assert entry.amount_cents == 1250  # the accounts keep the amount
        assert db.session.scalar(select(SessionInvitation.id)) is None
        assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.to_address == address)) is None
    assert not stored.exists()
