"""Every staff route, visited anonymously and as every role."""
import pytest

from consult.models import ROLES
from consult.permissions import roles_with

SLUG = "politique-premiere-ligne-2025"
# Values for the URL variables of staff routes; the demo_forum fixture sets the real ids.
ARGUMENTS = {"slug": SLUG, "code": "3.1", "forum_id": 1, "note_id": 1,
             "submission_id": 1, "attachment_id": 1, "excerpt_id": 1,
             "question_id": 1, "page_id": 1, "response_id": 1, "topic_id": 1, "comment_id": 1, "code_id": 1,
             "coder_id": 1, "assignment_id": 1, "incident_id": 1, "axis": "4", "fmt": "csv",
             "transcript_id": 1, "passage_id": 1, "item_id": 1, "evaluation_item_id": 1, "number": 1, "user_id": 1,
             "term_id": 1,
             "entry_id": 1}


def staff_routes(app):
    """(url, allowed roles) for every GET route under /staff/, found from the URL map."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "GET" not in rule.methods:
            continue
        if rule.endpoint == "auth.login":
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is None and getattr(view, "required_permission", None):
            roles = tuple(roles_with(view.required_permission))
        url = rule.build({key: ARGUMENTS[key] for key in rule.arguments}, append_unknown=False)[1]
        routes.append((url, roles))
    return routes


@pytest.fixture
def demo_submission(app, demo, monkeypatch, uploads_in_tmp):
    """One sent written submission with a document and an excerpt, for the submissions' staff routes."""
    from sqlalchemy import select

    from consult import uploads
    from consult.extensions import db
    from consult.models import Consultation, Excerpt, Participant, Submission, Topic
    from consult.submissions import services as submissions

    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        participant = Participant(consultation_id=consultation.id, email="writer@example.org", name="Writer")
        submission = Submission(consultation_id=consultation.id, participant=participant, general_text="Text")
        db.session.add(submission)
        db.session.flush()
        attachment = submissions.add_attachment(
            submission, uploads.check_document(b"%PDF-1.4\n%%EOF\n", "brief.pdf", 1000))
        submissions.send_submission(submission, receipt=False)
        topic = db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.code == "4.2"))
        excerpt = Excerpt(submission=submission, topic=topic, text="Excerpt")
        db.session.add(excerpt)
        db.session.commit()
        monkeypatch.setitem(ARGUMENTS, "submission_id", submission.id)
        monkeypatch.setitem(ARGUMENTS, "attachment_id", attachment.id)
        monkeypatch.setitem(ARGUMENTS, "excerpt_id", excerpt.id)
    return demo


@pytest.fixture
def demo_questionnaire(app, demo, monkeypatch):
    """The demo questionnaire with one response, for the questionnaire's staff routes."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from consult.extensions import db
    from consult.models import Consultation, Participant
    from consult.questionnaires import builder, responding

    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        questionnaire = builder.ensure_demo_questionnaire(consultation, datetime.now(timezone.utc))
        participant = Participant(consultation_id=consultation.id, email="answerer@example.org", name="Answerer")
        db.session.add(participant)
        db.session.flush()
        response = responding.get_or_create_response(questionnaire, participant)
        response.started_at = datetime.now(timezone.utc)
        db.session.commit()
        monkeypatch.setitem(ARGUMENTS, "question_id", questionnaire.pages[0].questions[0].id)
        monkeypatch.setitem(ARGUMENTS, "page_id", questionnaire.pages[0].id)
        monkeypatch.setitem(ARGUMENTS, "response_id", response.id)
    return demo


@pytest.fixture
def demo_forum(app, demo, demo_submission, demo_questionnaire, monkeypatch):
    """One forum of the demo consultation, with one note, for the routes that need them."""
    from datetime import date, datetime, timedelta, timezone

    from sqlalchemy import select

    from consult.extensions import db
    from consult.models import Comment, Consultation, Forum, ForumNote, PrivacyIncident, Transcript, Turn

    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        forum = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", capacity=10,
                      starts_at=datetime.now(timezone.utc) + timedelta(days=20))
        db.session.add(forum)
        db.session.flush()
        note = ForumNote(forum_id=forum.id, language="fr", body="Note")
        db.session.add(note)
        transcript = Transcript(forum_id=forum.id, status="kept", format="vtt", filename="t.vtt",
                                retain_until=date(2030, 1, 1), turns=[Turn(position=1, text="Bonjour.")])
        db.session.add(transcript)
        incident = PrivacyIncident(consultation_id=consultation.id, description="Incident")
        db.session.add(incident)
        comment = Comment(consultation_id=consultation.id, channel="forum", text="Note")
        db.session.add(comment)
        db.session.flush()
        from consult.items.services import Statement, create_item
        from consult.outcome.review import freeze

        item = create_item(consultation, consultation.topics[0], "clarify", Statement("Énoncé", "Statement"), None,
                           [comment.id])
        freeze(consultation, None, datetime.now(timezone.utc))
        from consult.evaluation.items import ensure_starting_items, items_of
        ensure_starting_items(consultation)
        db.session.commit()
        monkeypatch.setitem(ARGUMENTS, "evaluation_item_id", items_of(consultation)[0].id)
        monkeypatch.setitem(ARGUMENTS, "comment_id", comment.id)
        monkeypatch.setitem(ARGUMENTS, "item_id", item.id)
        monkeypatch.setitem(ARGUMENTS, "forum_id", forum.id)
        monkeypatch.setitem(ARGUMENTS, "note_id", note.id)
        monkeypatch.setitem(ARGUMENTS, "transcript_id", transcript.id)
        monkeypatch.setitem(ARGUMENTS, "incident_id", incident.id)
        monkeypatch.setitem(ARGUMENTS, "entry_id", _expense_with_receipt(consultation).id)
    return demo


def _expense_with_receipt(consultation):
    """A claimed expense with its receipt, for the ledger's receipt route."""
    from consult import uploads
    from consult.extensions import db
    from consult.models import LedgerEntry, Participant

    participant = Participant(consultation_id=consultation.id, email="partner@example.org", name="Partner")
    db.session.add(participant)
    db.session.flush()
    checked = uploads.check_document(b"%PDF-1.4\n%%EOF\n", "receipt.pdf", 1000)
    entry = LedgerEntry(consultation_id=consultation.id, participant_id=participant.id, kind="expense",
                        expense_kind="parking", amount_cents=1000, receipt_file=uploads.store(checked, "receipts"),
                        receipt_filename=checked.filename, receipt_mimetype=checked.mimetype)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_every_staff_route_declares_its_roles(app):
    routes = staff_routes(app)
    assert len(routes) >= 4
    undeclared = [url for url, roles in routes if roles is None and not url.startswith("/staff/password")]
    assert not undeclared, f"staff routes without a role check: {undeclared}"


def test_anonymous_visitors_are_sent_to_sign_in(app, client, demo_forum):
    for url, _roles in staff_routes(app):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login?next="), url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages(app, login, demo_forum, role):
    client = login([role])
    for url, roles in staff_routes(app):
        expected = 200 if not roles or role in roles else 403
        response = client.get(url, query_string={"lang": "en"})
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 200:
            assert response.headers["Cache-Control"] == "no-store", url  # personal data: no shared cache
        if expected == 403:
            assert "You do not have access to this page" in response.get_data(as_text=True)


def test_one_account_may_hold_several_roles(app, login, demo):
    client = login(["analyst", "admin"])
    assert client.get(f"/staff/consultations/{SLUG}/topics/3.1/edit").status_code == 200


def test_a_wrong_role_cannot_post_either(app, login, demo):
    from tests.conftest import csrf_token_from

    client = login(["analyst"])
    token = csrf_token_from(client.get(f"/staff/consultations/{SLUG}/").get_data(as_text=True))
    response = client.post(f"/staff/consultations/{SLUG}/topics/3.1/edit",
                           data={"csrf_token": token, "title_fr": "Piraté", "title_en": "Hacked"})
    assert response.status_code == 403
