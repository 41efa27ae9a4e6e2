"""The retention date: `consult purge` erases the personal data of consultations past it, with the rule of
an erasure on request; --dry-run changes nothing; running it twice erases nothing more."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, AuditEvent, Comment, OutboxMessage, Participant, Registration, Response, Submission
from consult.structure.importer import import_structure
from tests.conftest import minimal_document
from tests.factories import consultation_of
from tests.privacy_data import ALICE, alice_takes_part, person

EN = {"CONSULT_LANG": "en"}


@pytest.fixture
def past_retention(app, demo, uploads_dir):
    """The demo consultation, its retention date passed, with Alice and Bob; and another consultation,
    still within its retention period, with Carol."""
    with app.app_context():
        taking = alice_takes_part(demo)
        consultation = consultation_of(demo)
        consultation.retention_until = datetime.now(timezone.utc) - timedelta(days=1)
        other = import_structure(minimal_document(retention_until="2999-12-31"), source="test").consultation
        person(other, "carol@example.org", "Carol")
        db.session.commit()
    return taking


def _counts():
    return {
        "erased": db.session.scalar(select(func.count()).select_from(Participant)
                                    .where(Participant.erased_at.is_not(None))),
        "responses": db.session.scalar(select(func.count()).select_from(Response)),
        "submissions": db.session.scalar(select(func.count()).select_from(Submission)),
        "comments": db.session.scalar(select(func.count()).select_from(Comment)),
        "emails": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def test_a_dry_run_says_what_would_be_erased_and_changes_nothing(app, runner, past_retention, uploads_dir):
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=["consult", "purge", "--dry-run"], env=EN)
    assert result.exit_code == 0, result.output
    assert "politique-premiere-ligne-2025 (retention date passed): would erase" in result.output
    assert "participants erased: 2" in result.output
    assert "documents deleted: 1" in result.output and "comments kept anonymously: 2" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert "mini" not in result.output
    with app.app_context():
        assert _counts() == before
    assert (uploads_dir / "submissions" / past_retention.attachment_stored).exists()


def test_purge_erases_past_consultations_only_and_logs_the_counts(app, runner, past_retention, uploads_dir):
    result = runner.invoke(args=["consult", "purge"], env=EN)
    assert result.exit_code == 0, result.output
    assert "erased" in result.output and "participants erased: 2" in result.output
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(select(Participant))}
        assert "carol@example.org" in people and people["carol@example.org"].erased_at is None
        assert ALICE not in people and "bob@example.org" not in people
        erased = [p for p in people.values() if p.erased_at is not None]
        assert len(erased) == 2 and all(not p.name and p.email.endswith("@erased.invalid") for p in erased)
        # Emptied, not deleted: the anonymous participation figures stay right.
        assert not [s for s in db.session.scalars(select(Submission)) if s.general_text or s.texts or s.attachments]
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
        assert db.session.get(Registration, past_retention.alice_registration_id).status == "cancelled"
        kept = db.session.scalars(select(Comment)).all()
        assert len(kept) == 2 and all(comment.participant_id is None for comment in kept)
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
        assert event.detail["participants"] == 2 and event.detail["files_deleted"] == 1
        assert event.actor_label == "purge"
        assert "alice" not in str(event.detail).lower()
    assert not (uploads_dir / "submissions" / past_retention.attachment_stored).exists()


def test_purge_is_idempotent(app, runner, past_retention):
    runner.invoke(args=["consult", "purge"], env=EN)
    with app.app_context():
        after_first = _counts()
    again = runner.invoke(args=["consult", "purge"], env=EN)
    assert again.exit_code == 0
    assert "politique-premiere-ligne-2025: nothing left to erase." in again.output
    with app.app_context():
        assert _counts() == after_first
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "retention.purge")) == 1


def test_purge_of_one_consultation(app, runner, past_retention):
    not_due = runner.invoke(args=["consult", "purge", "--consultation", "mini"], env=EN)
    assert not_due.exit_code == 0 and "nothing to purge" in not_due.output
    unknown = runner.invoke(args=["consult", "purge", "--consultation", "nope"], env=EN)
    assert unknown.exit_code == 1 and "no consultation has this slug" in unknown.output
    done = runner.invoke(args=["consult", "purge", "--consultation", "politique-premiere-ligne-2025"], env=EN)
    assert done.exit_code == 0 and "participants erased: 2" in done.output
    with app.app_context():
        assert db.session.scalar(select(Participant).where(Participant.email == "carol@example.org")).erased_at is None


def test_nothing_is_purged_before_the_retention_date(app, runner, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        consultation.retention_until = datetime.now(timezone.utc) + timedelta(hours=1)
        person(consultation, "dana@example.org", "Dana")
        db.session.commit()
    result = runner.invoke(args=["consult", "purge"], env=EN)
    assert result.exit_code == 0 and "nothing to purge" in result.output
    with app.app_context():
        assert db.session.scalar(select(Participant.erased_at)) is None
