"""Written submissions never sent are deleted, with their documents, once submissions have been closed for
the grace period: not kept until the retention date."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from consult import uploads
from consult.extensions import db
from consult.models import Submission
from consult.structure.importer import import_structure
from consult.submissions import services as submissions
from tests.conftest import minimal_document
from tests.privacy_data import PDF, files_under, person

TODAY = datetime.now(timezone.utc).date()


def make_drafts(closed_days_ago: int, slug: str):
    closes = TODAY - timedelta(days=closed_days_ago)
    document = minimal_document(slug=slug, retention_until="2999-12-31", channels=[
        {"kind": "submissions", "opens_at": (closes - timedelta(days=60)).isoformat(),
         "closes_at": closes.isoformat()}])
    consultation = import_structure(document, source="test").consultation
    author = person(consultation, f"{slug}@example.org", "Dana")
    ids = {}
    for state in ("draft", "sent"):
        submission = Submission(consultation_id=consultation.id, participant=author, general_text=f"{state} text")
        db.session.add(submission)
        db.session.flush()
        submissions.add_attachment(submission, uploads.check_document(PDF, f"{state}.pdf", 10_000))
        if state == "sent":
            submissions.send_submission(submission)
        ids[state] = submission.id
    db.session.commit()
    return ids


def test_drafts_never_sent_are_purged_after_submissions_closed(app, runner, uploads_dir):
    with app.app_context():
        old = make_drafts(45, "closed-long-ago")
        recent = make_drafts(5, "closed-last-week")
    assert len(files_under(uploads_dir)) == 4

    result = runner.invoke(args=["consult", "purge"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "closed-long-ago (submissions closed): drafts never sent, deleted: 1; their documents: 1." in result.output
    with app.app_context():
        left = set(db.session.scalars(select(Submission.id)))
    # The old draft and its document are gone; sent submissions and a recent draft stay until their time.
    assert left == {old["sent"], recent["draft"], recent["sent"]}
    assert len(files_under(uploads_dir)) == 3
