"""Written submissions: the public form, drafts behind a personal link, receipts, and every refusal."""
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Consent, OutboxMessage, Participant, Submission, SubmissionAttachment
from consult.structure.importer import import_structure
from consult.submissions import services
from consult.tokens import make_token
from tests.conftest import csrf_token_from
from tests.submission_data import EXE, PDF, open_document

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")

SLUG = "mini"
NEW = f"/consultations/{SLUG}/submissions/new"
DRAFT_LINK = re.compile(r"https?://\S+/submissions/draft/[\w.-]+")


@pytest.fixture
def en(client):
    client.get("/?lang=en")
    return client


def form_data(**overrides):
    data = {"name": "Ana Tremblay", "email": "Ana@Example.org", "organisation": "CLSC du Plateau",
            "language": "en", "general_text": "Primary care needs more nurses.",
            "link_url_0": "https://example.org/report", "link_title_0": "Our report",
            "consent_processing": "y", "consent_quotation": "y", "action": "send"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, url=NEW, files=(), **overrides):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(**overrides)}
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(url, data=data, content_type="multipart/form-data")


def submissions(app):
    with app.app_context():
        return [SimpleNamespace(id=s.id, reference=s.reference, status=s.status, email=s.participant.email,
                                files=[(a.filename, a.mimetype, a.stored_name) for a in s.attachments],
                                links=[(link.url, link.title) for link in s.links], text=s.general_text,
                                topics={t.topic_id: t.text for t in s.texts}, language=s.language)
                for s in db.session.scalars(select(Submission).order_by(Submission.id))]


def outbox(app):
    with app.app_context():
        return [SimpleNamespace(to=m.to_address, subject=m.subject, body=m.body_text, key=m.dedupe_key)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


# -- the form -----------------------------------------------------------------------------------

def test_the_consultation_page_links_to_the_form(app, en, submissions_open):
    html = en.get(f"/consultations/{SLUG}/").get_data(as_text=True)
    assert f'href="{NEW}"' in html
    page = en.get(NEW)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'name="files"' in html and "multiple" in html and 'accept=".pdf,.docx,.odt,.txt' in html
    assert "at most 5 documents of 20 MB each" in html
    assert f'name="text_{submissions_open.topic_id}"' in html
    assert page.headers["Cache-Control"] == "no-store"


def test_a_submission_with_a_pdf_and_a_link_gets_a_reference_and_a_receipt(app, en, submissions_open, uploads_in_tmp):
    response = post(en, files=[("Mémoire.pdf", PDF)], **{f"text_{submissions_open.topic_id}": "About 1.1"})
    assert response.status_code == 303, response.get_data(as_text=True)
    [sent] = submissions(app)
    assert response.headers["Location"] == f"/consultations/{SLUG}/submissions/{sent.id}/receipt"
    assert (sent.reference, sent.status, sent.email, sent.language) == ("S-0001", "submitted", "ana@example.org", "en")
    assert sent.links == [("https://example.org/report", "Our report")]
    assert sent.topics == {submissions_open.topic_id: "About 1.1"}
    [(filename, mimetype, stored_name)] = sent.files
    assert (filename, mimetype) == ("Mémoire.pdf", "application/pdf")
    # Stored outside the static folder, under a random name, with the very bytes sent.
    [path] = stored_files(uploads_in_tmp)
    assert path.name == stored_name and re.fullmatch(r"[0-9a-f]{32}\.pdf", stored_name)
    assert path.read_bytes() == PDF

    receipt = en.get(response.headers["Location"])
    html = receipt.get_data(as_text=True)
    assert receipt.status_code == 200 and "S-0001" in html and "Mémoire.pdf" in html and "Our report" in html
    assert receipt.headers["Cache-Control"] == "no-store"

    [mail] = outbox(app)
    assert mail.to == "ana@example.org" and "S-0001" in mail.subject
    assert "Mémoire.pdf" in mail.body and "https://example.org/report" in mail.body
    assert "Primary care needs more nurses." in mail.body and "About 1.1" in mail.body
    assert mail.key == f"submission-{sent.id}-receipt"
    with app.app_context():
        consents = {c.purpose: (c.granted, c.source) for c in db.session.scalars(select(Consent))}
    assert consents == {"processing": (True, "submission"), "quotation": (True, "submission"),
                        "contact": (False, "submission")}


def test_a_french_receipt_puts_a_no_break_space_before_the_colon_of_a_link_title(app, client, submissions_open):
    client.get("/?lang=fr")
    response = post(client, language="fr", link_title_0="Notre rapport")
    assert response.status_code == 303, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Notre rapport\u00a0: " in html
    [mail] = [m for m in outbox(app) if m.key.endswith("-receipt")]
    assert "Notre rapport\u00a0: https://example.org/report" in mail.body


def test_the_receipt_page_opens_only_in_the_browser_that_sent_it(app, en, submissions_open):
    response = post(en)
    other = app.test_client()
    assert other.get(response.headers["Location"]).status_code == 302


def test_reference_numbers_follow_each_other_per_consultation(app, submissions_open):
    with app.app_context():
        other = import_structure(open_document(slug="other"), source="test").consultation
        db.session.commit()
        numbers = ([services.allocate_number(submissions_open.id) for _ in range(3)]
                   + [services.allocate_number(other.id)])
        db.session.commit()
    assert numbers == [1, 2, 3, 1]


def test_concurrent_senders_never_share_a_number(app, submissions_open):
    import threading

    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                for _ in range(5):
                    results.append(services.allocate_number(submissions_open.id))
                    db.session.commit()
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == list(range(1, 21))


# -- refusals: clear errors, everything typed kept, nothing half-saved ----------------------

def assert_refused(app, response, *messages, folder=None):
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert "There is a problem" in html
    for message in messages:
        assert message in html, message
    assert "Primary care needs more nurses." in html  # what was typed comes back
    assert submissions(app) == [] and count(app, Participant) == 0 and outbox(app) == []
    if folder is not None:
        assert stored_files(folder) == []
    return html


@pytest.mark.parametrize("name, content, message", [
    ("report.pdf", EXE, "this is not a PDF, DOCX, ODT or plain-text document"),
    ("report.pdf", b"just some words", "its name ends in .pdf but its content is something else"),
    ("notes.txt", PDF, "its name ends in .txt but its content is something else"),
    ("empty.pdf", b"", "the file is empty"),
])
def test_a_disguised_or_empty_file_is_refused(app, en, submissions_open, uploads_in_tmp, name, content, message):
    response = post(en, files=[("fine.pdf", PDF), (name, content)])
    html = assert_refused(app, response, message, f"“{name}”", "Choose your documents again", folder=uploads_in_tmp)
    assert 'value="https://example.org/report"' in html


def test_a_file_over_the_size_limit_is_refused_and_the_text_kept(app, en, submissions_open, monkeypatch,
                                                                 uploads_in_tmp):
    monkeypatch.setitem(app.config, "SUBMISSION_MAX_FILE_BYTES", 1024 * 1024)
    big = PDF + b"%" * (1024 * 1024)
    response = post(en, files=[("big.pdf", big)])
    assert_refused(app, response, "“big.pdf”: it is larger than 1 MB.", folder=uploads_in_tmp)


def test_a_request_over_the_body_limit_gets_a_friendly_page(app, en, submissions_open, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    response = post(en, files=[("big.pdf", PDF + b"%" * 60_000)])
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Your documents are too large" in html and "Back button" in html and f'href="{NEW}"' in html
    assert submissions(app) == []


def test_the_default_body_limit_allows_every_file_at_its_largest(app):
    config = app.config
    assert config["MAX_CONTENT_LENGTH"] > config["SUBMISSION_MAX_FILES"] * config["SUBMISSION_MAX_FILE_BYTES"]


def test_too_many_files_are_refused(app, en, submissions_open, uploads_in_tmp):
    response = post(en, files=[(f"doc{number}.pdf", PDF) for number in range(6)])
    assert_refused(app, response, "You can send at most 5 documents.", folder=uploads_in_tmp)


@pytest.mark.parametrize("url, message", [
    ("www.example.org/report", "Start the address with https://"),
    ("javascript:alert(1)", "Enter a web address such as https://www.example.org/report."),
    ("https://exa mple.org", "A web address has no spaces."),
    ("https://localhost:99999/x", "This web address is not valid."),
    ("ftp://example.org/file", "Enter a web address such as"),
    ("https://", "Enter a web address such as"),
])
def test_a_malformed_link_is_refused(app, en, submissions_open, url, message):
    response = post(en, link_url_0=url)
    assert_refused(app, response, message)


def test_a_title_without_its_link_is_refused(app, en, submissions_open):
    response = post(en, link_url_0="", link_title_1="Lonely title")
    assert_refused(app, response, "Enter the web address of this link, or erase its title.")


def test_an_empty_submission_is_refused(app, en, submissions_open):
    response = post(en, general_text="   ", link_url_0="", link_title_0="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your submission is empty: write your comments, attach a document or give a link." in html
    assert submissions(app) == [] and count(app, Participant) == 0


def test_sending_needs_the_processing_consent(app, en, submissions_open):
    response = post(en, consent_processing=None)
    assert_refused(app, response, "Tick this box to send your submission")


def test_identity_is_required_and_checked(app, en, submissions_open):
    response = post(en, name="", email="not-an-address")
    assert_refused(app, response, "Enter your name.", "Enter a valid email address")


def test_the_form_is_closed_outside_the_channel_dates(app, en):
    past = (datetime.now(timezone.utc) - timedelta(days=10)).date()
    with app.app_context():
        import_structure(open_document(channels=[{"kind": "submissions", "opens_at": past.isoformat(),
                                                   "closes_at": (past + timedelta(days=2)).isoformat()}]),
                         source="test")
        db.session.commit()
    response = en.get(NEW)
    assert response.status_code == 410
    assert "Written submissions are not open" in response.get_data(as_text=True)


def test_posts_are_rate_limited(app, en, submissions_open, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMISSION_RATE_LIMIT", "2 per minute")
    statuses = [post(en, general_text="", link_url_0="", link_title_0="").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


# -- drafts --------------------------------------------------------------------------------------

def save_draft(client, **overrides):
    return post(client, **{"action": "draft", "consent_processing": None, **overrides})


def draft_link(app, to="ana@example.org"):
    [mail] = [m for m in outbox(app) if m.to == to and "draft" in m.key]
    return DRAFT_LINK.search(mail.body).group(0).split("127.0.0.1:5000", 1)[-1]


def test_a_draft_is_saved_and_its_link_emailed(app, en, submissions_open, uploads_in_tmp):
    response = save_draft(en, files=[("brief.pdf", PDF)])
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{SLUG}/submissions/check-your-email"
    [draft] = submissions(app)
    assert draft.status == "draft" and draft.reference == "" and len(draft.files) == 1
    link = draft_link(app)
    page = en.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Primary care needs more nurses." in html and "brief.pdf" in html and 'name="remove_attachment"' in html
    assert 'name="email"' not in html  # the link says who is writing


def test_the_draft_page_is_the_same_whether_the_email_is_known_or_not(app, en, submissions_open):
    first = save_draft(en)
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        participant.name = "The real Ana"
        db.session.commit()
    stranger = app.test_client()
    stranger.get("/?lang=en")
    second = save_draft(stranger, name="Someone Else", organisation="Other")
    assert first.headers["Location"] == second.headers["Location"]
    page = stranger.get(second.headers["Location"]).get_data(as_text=True)
    assert "/submissions/draft/" not in page
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert (participant.name, participant.organisation) == ("The real Ana", "CLSC du Plateau")
    assert len([m for m in outbox(app) if "draft" in m.key]) == 2


def test_a_known_email_sending_directly_never_rewrites_the_profile(app, en, submissions_open):
    post(en)
    stranger = app.test_client()
    stranger.get("/?lang=en")
    response = post(stranger, name="Impostor", organisation="Nowhere", consent_quotation=None)
    assert response.status_code == 303
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert (participant.name, participant.organisation) == ("Ana Tremblay", "CLSC du Plateau")
        assert participant.current_consent("quotation") is True  # not withdrawn by someone else's form
    assert [s.reference for s in submissions(app)] == ["S-0001", "S-0002"]


def test_a_draft_keeps_its_files_across_a_failed_validation_and_can_remove_them(app, en, submissions_open,
                                                                                uploads_in_tmp):
    save_draft(en, files=[("brief.pdf", PDF)])
    link = draft_link(app)
    # A bad link and a new file: refused, the saved file stays listed, the new one must be chosen again.
    response = post(en, link, files=[("annex.pdf", PDF)], action="send", link_url_0="not a url")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "brief.pdf" in html and "Choose your documents again" in html
    assert len(stored_files(uploads_in_tmp)) == 1
    [draft] = submissions(app)
    # Remove the saved document: everything typed is saved with it.
    with app.app_context():
        attachment_id = db.session.scalar(select(SubmissionAttachment.id))
    response = post(en, link, remove_attachment=str(attachment_id), general_text="Rewritten", action=None)
    assert response.status_code == 303 and response.headers["Location"].endswith("#submission-form")
    [draft] = submissions(app)
    assert draft.files == [] and draft.text == "Rewritten" and draft.status == "draft"
    assert stored_files(uploads_in_tmp) == []


def test_a_draft_is_sent_from_its_link_and_the_link_then_shows_the_receipt(app, en, submissions_open):
    save_draft(en)
    link = draft_link(app)
    response = post(en, link, action="send", general_text="Final text")
    assert response.status_code == 303
    [sent] = submissions(app)
    assert (sent.status, sent.reference, sent.text) == ("submitted", "S-0001", "Final text")
    assert en.get(response.headers["Location"]).status_code == 200
    again = en.get(link)
    assert again.status_code == 200 and "S-0001" in again.get_data(as_text=True)
    # A replayed send changes nothing and sends no second receipt.
    page = app.test_client().get(link)
    assert 'name="action"' not in page.get_data(as_text=True)
    assert len([m for m in outbox(app) if m.key.endswith("-receipt")]) == 1


def test_too_many_files_counts_those_saved_with_the_draft(app, en, submissions_open):
    save_draft(en, files=[(f"doc{number}.pdf", PDF) for number in range(4)])
    link = draft_link(app)
    response = post(en, link, files=[("five.pdf", PDF), ("six.pdf", PDF)], action="draft")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You can send at most 5 documents. 4 are already saved with your draft." in html


def test_forged_revoked_and_foreign_links_fail_alike(app, en, submissions_open):
    save_draft(en)
    link = draft_link(app)
    assert en.get(link + "x").status_code == 404
    with app.app_context():
        draft = db.session.scalar(select(Submission))
        assert en.get(link.replace(f"/{SLUG}/", "/other/")).status_code == 404
        forged = make_token("registration", draft.id, 1)
        assert en.get(f"/consultations/{SLUG}/submissions/draft/{forged}").status_code == 404
        draft.participant.link_version += 1
        db.session.commit()
    assert en.get(link).status_code == 404


def test_a_very_long_link_is_refused_next_to_its_field(app, en, submissions_open):
    response = post(en, link_url_0="https://example.org/" + "a" * 2100)
    assert response.status_code == 422
    assert "A web address has at most 2,000 characters." in response.get_data(as_text=True)


def test_a_stranger_cannot_change_the_consents_of_a_known_person(app, en, submissions_open):
    from consult.models import Participant

    assert post(en, email="ana@example.org", consent_quotation=None).status_code in (302, 303)
    stranger = app.test_client()
    stranger.get("/?lang=en")
    post(stranger, email="ana@example.org", consent_quotation="y", consent_contact="y")
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert participant.current_consent("quotation") is False
