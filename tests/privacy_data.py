"""A participant who took part every way there is, for the privacy tests: built with the services the
app uses (sign-up, seats, questionnaire, written submission with a document, excerpt, comments)."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from werkzeug.routing import IntegerConverter

from consult import uploads
from consult.analysis.text import search_form
from consult.extensions import db
from consult.forums import registration as seats
from consult.forums.public_services import registration_token
from consult.models import (
    Answer,
    Comment,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    PrivacyIncident,
    Registration,
    Response,
    Submission,
)
from consult.participants.services import Profile, identify_from_form
from consult.privacy.services import my_data_token
from consult.questionnaires import builder
from consult.questionnaires import responding as questionnaires
from consult.questionnaires.notifications import response_token
from consult.submissions import services as submissions
from tests.factories import consultation_of, topic_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
ALICE = "alice.tremblay@example.org"
BOB = "bob@example.org"


@dataclass
class Taking:
    """Ids of what the fixture made (objects do not outlive the app context)."""

    slug: str
    alice_id: int
    bob_id: int
    forum_id: int
    alice_registration_id: int
    bob_registration_id: int
    response_id: int
    answer_id: int
    submission_id: int
    attachment_stored: str
    excerpt_id: int
    answer_comment_id: int
    excerpt_comment_id: int


def person(consultation, email: str, name: str, *, processing=True, quotation=True, contact=False,
           organisation="Clinique du Plateau", region="QC", language="fr"):
    participant, _known = identify_from_form(
        consultation, email, Profile(name=name, organisation=organisation, region=region,
                                     preferred_language=language),
        {"processing": processing, "quotation": quotation, "contact": contact}, "forum-signup")
    return participant


def comment_of(consultation, text: str, participant, topic_code: str, **origin) -> Comment:
    comment = Comment(consultation_id=consultation.id, channel=origin.pop("channel", "questionnaire"), text=text,
                      search_text=search_form(text), topic=topic_of(consultation, topic_code), topic_confirmed=True,
                      participant=participant, language="fr", **origin)
    db.session.add(comment)
    db.session.flush()
    return comment


def alice_takes_part(slug: str, *, processing=True) -> Taking:
    """Alice: a seat at a full forum (Bob waits behind her), answers, a sent submission with a PDF,
    an excerpt and the comments analysis derived from them. Call inside an app context."""
    consultation = consultation_of(slug)
    now = datetime.now(timezone.utc)
    alice = person(consultation, ALICE, "Alice Tremblay", processing=processing)
    bob = person(consultation, BOB, "Bob Martin")
    forum = Forum(consultation_id=consultation.id, title_fr="Forum de juin", title_en="June forum", capacity=1,
                  starts_at=now + timedelta(days=20))
    db.session.add(forum)
    db.session.flush()
    alice_seat = seats.register(forum, alice).registration
    bob_wait = seats.register(forum, bob).registration
    assert (alice_seat.status, bob_wait.status) == ("confirmed", "waitlisted")

    questionnaire = builder.ensure_demo_questionnaire(consultation, now)
    response = questionnaires.get_or_create_response(questionnaire, alice)
    question = next(question for page in questionnaire.pages for question in page.questions
                    if question.kind == "long_text" and question.prompt == "liked")
    answer = Answer(response=response, question=question, value="J'aime la place donnée aux infirmières praticiennes.")
    db.session.add(answer)
    response.started_at = now
    db.session.flush()

    submission = Submission(consultation_id=consultation.id, participant=alice, general_text="Mémoire d'Alice.")
    db.session.add(submission)
    db.session.flush()
    attachment = submissions.add_attachment(submission, uploads.check_document(PDF, "memoire.pdf", 10_000))
    submissions.send_submission(submission)
    excerpt = Excerpt(submission=submission, topic=topic_of(consultation, "1.1"), text="Passage du mémoire.")
    db.session.add(excerpt)
    db.session.flush()

    answer_comment = comment_of(consultation, answer.value, alice, "1.1", answer_id=answer.id)
    excerpt_comment = comment_of(consultation, excerpt.text, alice, "1.1", excerpt_id=excerpt.id,
                                 channel="submission")
    db.session.commit()
    return Taking(slug=slug, alice_id=alice.id, bob_id=bob.id, forum_id=forum.id,
                  alice_registration_id=alice_seat.id, bob_registration_id=bob_wait.id, response_id=response.id,
                  answer_id=answer.id, submission_id=submission.id, attachment_stored=attachment.stored_name,
                  excerpt_id=excerpt.id, answer_comment_id=answer_comment.id,
                  excerpt_comment_id=excerpt_comment.id)


def database_snapshot() -> dict[str, list]:
    """Every row of every table, in primary-key order: equal snapshots mean nothing was written."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(table.select().order_by(*order)).all()
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


def files_under(folder) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def everything_of(slug: str) -> tuple[dict, dict]:
    """Alice's participation plus a forum note and an incident; returns the values of every URL
    variable (real ids) and a personal link per area. Call inside a request context."""
    taking = alice_takes_part(slug)
    consultation = consultation_of(slug)
    note = ForumNote(forum_id=taking.forum_id, language="fr", body="Note")
    incident = PrivacyIncident(description="Incident")
    db.session.add_all([note, incident])
    db.session.commit()
    answer = db.session.get(Answer, taking.answer_id)
    submission = db.session.get(Submission, taking.submission_id)
    values = {
        "slug": slug, "code": "1.1", "number": 1, "purpose": "quotation", "axis": "1", "fmt": "csv",
        "forum_id": taking.forum_id, "note_id": note.id, "registration_id": taking.alice_registration_id,
        "submission_id": submission.id, "attachment_id": submission.attachments[0].id,
        "excerpt_id": taking.excerpt_id, "question_id": answer.question_id, "page_id": answer.question.page_id,
        "response_id": taking.response_id, "comment_id": taking.answer_comment_id,
        "topic_id": topic_of(consultation, "1.1").id, "incident_id": incident.id,
    }
    tokens = {
        "forums": registration_token(db.session.get(Registration, taking.alice_registration_id)),
        "questionnaires": response_token(db.session.get(Response, taking.response_id)),
        "submissions": submissions.token_for(submission),
        "privacy": my_data_token(db.session.get(Participant, taking.alice_id)),
    }
    return values, tokens


def routes_with_urls(app, values: dict, tokens: dict):
    """(rule, url) for every route of the URL map, its variables filled with `values`, a personal link
    of the route's area for <token>, and a harmless value for names nobody listed."""
    for rule in app.url_map.iter_rules():
        arguments = {}
        for name in rule.arguments:
            if name == "token":
                arguments[name] = tokens.get(rule.endpoint.split(".")[0], "x" * 40)
            elif name == "filename":
                arguments[name] = "css/app.css"
            elif name in values:
                arguments[name] = values[name]
            else:
                arguments[name] = 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
        yield rule, rule.build(arguments, append_unknown=False)[1]
