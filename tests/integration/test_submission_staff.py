"""Staff pages of written submissions: list with filters and pages, reading, downloads, processed, excerpts."""
import re

import pytest
from sqlalchemy import select

from consult import uploads
from consult.extensions import db
from consult.models import AuditEvent, Consultation, Excerpt, Submission
from consult.participants.services import Profile, find_or_create_participant
from consult.submissions import services
from tests.conftest import csrf_token_from
from tests.submission_data import PDF

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")

SLUG = "mini"
BASE = f"/staff/consultations/{SLUG}/submissions"


def make_submission(app, submissions_open, *, email="ana@example.org", text="Plus d'infirmières", language="fr",
                    source="form", pdf=False, link=None, draft=False) -> int:
    with app.app_context():
        consultation = db.session.get(Consultation, submissions_open.id)
        participant = find_or_create_participant(consultation, email, Profile(name=email.split("@")[0]))
        submission = Submission(consultation_id=submissions_open.id, participant=participant, source=source)
        db.session.add(submission)
        content = services.Content(language=language, general_text=text, links=[(link, "A link")] if link else [],
                                   files=[uploads.check_document(PDF, "brief.pdf", 10_000)] if pdf else [])
        services.apply_content(submission, content)
        db.session.flush()
        if not draft:
            services.send_submission(submission, receipt=False)
        db.session.commit()
        return submission.id


def rows(html):
    return re.findall(r'<tr id="submission-(\d+)">', html)


def test_the_list_filters_and_pages(app, login, submissions_open):
    ids = [make_submission(app, submissions_open, email=f"p{number}@example.org") for number in range(26)]
    email_en = make_submission(app, submissions_open, email="mail@example.org", text="More nurses", language="en",
                               source="email", pdf=True)
    draft = make_submission(app, submissions_open, email="draft@example.org", text="Secret draft", draft=True)
    client = login(["analyst"])
    first = client.get(BASE + "/?lang=en").get_data(as_text=True)
    assert "27 submissions" in first and len(rows(first)) == 25
    assert str(draft) not in rows(first)
    second = client.get(BASE + "/?page=2&lang=en").get_data(as_text=True)
    assert len(rows(second)) == 2
    assert rows(client.get(BASE + "/?language=en").get_data(as_text=True)) == [str(email_en)]
    assert rows(client.get(BASE + "/?source=email").get_data(as_text=True)) == [str(email_en)]
    assert rows(client.get(BASE + "/?attachments=yes").get_data(as_text=True)) == [str(email_en)]
    assert len(rows(client.get(BASE + "/?attachments=no").get_data(as_text=True))) == 25
    assert rows(client.get(BASE + "/?q=nurses").get_data(as_text=True)) == [str(email_en)]
    assert rows(client.get(BASE + "/?q=S-0003").get_data(as_text=True)) == [str(ids[2])]
    assert rows(client.get(BASE + "/?q=Secret").get_data(as_text=True)) == []
    assert rows(client.get(BASE + "/?status=processed").get_data(as_text=True)) == []
    # htmx gets only the list, and the answer varies on that header.
    fragment = client.get(BASE + "/?source=email", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "HX-Request" in fragment.headers["Vary"]
    assert client.get(f"{BASE}/{draft}").status_code == 404


def test_reading_and_downloading(app, login, submissions_open):
    submission_id = make_submission(app, submissions_open, pdf=True, link="https://example.org/rapport")
    client = login(["organizer"])
    page = client.get(f"{BASE}/{submission_id}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "S-0001" in html and "Plus d&#39;infirmières" in html and "brief.pdf" in html
    assert '<a href="https://example.org/rapport" rel="noopener noreferrer nofollow"' in html
    assert "Mark as processed" not in html and "Cut an excerpt" not in html  # organizers only read
    with app.app_context():
        attachment_id = db.session.get(Submission, submission_id).attachments[0].id
    download = client.get(f"{BASE}/{submission_id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.mimetype == "application/pdf"
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "submission.attachment_downloaded")).all()
        assert event.detail["filename"] == "brief.pdf"
    assert client.get(f"{BASE}/{submission_id}/attachments/{attachment_id + 99}").status_code == 404
    token = csrf_token_from(html)
    assert client.post(f"{BASE}/{submission_id}/processed",
                       data={"csrf_token": token, "processed": "yes"}).status_code == 403
    assert client.post(f"{BASE}/{submission_id}/excerpts", data={"csrf_token": token}).status_code == 403


def test_anonymous_visitors_cannot_download(app, client, submissions_open):
    submission_id = make_submission(app, submissions_open, pdf=True)
    response = client.get(f"{BASE}/{submission_id}/attachments/1")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_mark_processed_and_back(app, login, submissions_open):
    submission_id = make_submission(app, submissions_open)
    client = login(["coordinator"])
    token = csrf_token_from(client.get(f"{BASE}/{submission_id}").get_data(as_text=True))
    response = client.post(f"{BASE}/{submission_id}/processed", data={"csrf_token": token, "processed": "yes"})
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission.status == "processed" and submission.processed_by is not None
    client.post(f"{BASE}/{submission_id}/processed", data={"csrf_token": token, "processed": "no"})
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert (submission.status, submission.processed_at) == ("submitted", None)
        actions = [event.action for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type.in_(("submission", "excerpt"))).order_by(AuditEvent.id))]
    assert actions == ["submission.processed", "submission.unprocessed"]


def test_cut_edit_and_delete_an_excerpt(app, login, submissions_open):
    submission_id = make_submission(app, submissions_open, pdf=True)
    client = login(["analyst"])
    page = client.get(f"{BASE}/{submission_id}?lang=en").get_data(as_text=True)
    token = csrf_token_from(page)
    with app.app_context():
        attachment_id = db.session.get(Submission, submission_id).attachments[0].id
    # Without a topic: refused, what was typed comes back.
    response = client.post(f"{BASE}/{submission_id}/excerpts", data={
        "csrf_token": token, "topic_id": "", "source": f"attachment-{attachment_id}", "locator": "p. 4",
        "language": "fr", "text": "Il faut plus d'infirmières."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the topic this excerpt is about." in html and "Il faut plus d&#39;infirmières." in html
    response = client.post(f"{BASE}/{submission_id}/excerpts", data={
        "csrf_token": token, "topic_id": str(submissions_open.topic_id), "source": f"attachment-{attachment_id}",
        "locator": "p. 4", "language": "fr", "text": "Il faut plus d'infirmières."})
    assert response.status_code == 303
    with app.app_context():
        excerpt = db.session.scalar(select(Excerpt))
        assert (excerpt.topic_id, excerpt.attachment_id, excerpt.locator) == (submissions_open.topic_id, attachment_id,
                                                                              "p. 4")
        excerpt_id = excerpt.id
    assert response.headers["Location"].endswith(f"#excerpt-{excerpt_id}")
    html = client.get(f"{BASE}/{submission_id}?lang=en").get_data(as_text=True)
    assert "Document: brief.pdf</a>, p. 4" in html and "/attachments/" in html  # a way back to the document
    # A source from another submission is not offered.
    other = make_submission(app, submissions_open, email="bob@example.org", pdf=True)
    with app.app_context():
        foreign = db.session.get(Submission, other).attachments[0].id
    response = client.post(f"{BASE}/{submission_id}/excerpts/{excerpt_id}/edit", data={
        "csrf_token": token, "topic_id": str(submissions_open.topic_id), "source": f"attachment-{foreign}",
        "language": "fr",
        "text": "x"})
    assert response.status_code == 422
    response = client.post(f"{BASE}/{submission_id}/excerpts/{excerpt_id}/edit", data={
        "csrf_token": token, "topic_id": str(submissions_open.topic_id), "source": "text", "locator": "",
        "language": "fr",
        "text": "Plus d'infirmières."})
    assert response.status_code == 303
    with app.app_context():
        excerpt = db.session.get(Excerpt, excerpt_id)
        assert (excerpt.attachment_id, excerpt.text) == (None, "Plus d'infirmières.")
    assert client.get(f"{BASE}/{submission_id}/excerpts/{excerpt_id}/delete").status_code == 200
    response = client.post(f"{BASE}/{submission_id}/excerpts/{excerpt_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Excerpt)) is None
        actions = [event.action for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type.in_(("submission", "excerpt"))).order_by(AuditEvent.id))]
    assert actions == ["excerpt.created", "excerpt.updated", "excerpt.deleted"]
    # An excerpt of another submission is not reachable through this one.
    assert client.get(f"{BASE}/{other}/excerpts/{excerpt_id}/edit").status_code == 404


def test_the_analysts_row_of_an_excerpt_links_back_to_it(app, login, submissions_open):
    """Each row of the analysis says where its comment was said: an excerpt's links to its place on its
    submission's page (the link of every row is made from one route built once for the page)."""
    first = make_submission(app, submissions_open)
    second = make_submission(app, submissions_open, email="bob@example.org", text="Moins d'attente")
    client = login(["analyst"])
    token = csrf_token_from(client.get(f"{BASE}/{first}?lang=en").get_data(as_text=True))
    for submission_id, text in ((first, "Il faut plus d'infirmières."), (second, "Il faut moins attendre.")):
        assert client.post(f"{BASE}/{submission_id}/excerpts", data={
            "csrf_token": token, "topic_id": str(submissions_open.topic_id), "source": "text", "locator": "",
            "language": "fr", "text": text}).status_code == 303
    with app.app_context():
        excerpts = {excerpt.submission_id: excerpt.id for excerpt in db.session.scalars(select(Excerpt))}
    html = client.get(f"/staff/consultations/{SLUG}/analysis/topics/{submissions_open.topic_id}?lang=en") \
        .get_data(as_text=True)
    for submission_id in (first, second):
        link = f'href="{BASE}/{submission_id}#excerpt-{excerpts[submission_id]}"'
        assert link in html, html
    assert client.get(f"{BASE}/{second}?lang=en").status_code == 200
