"""Comments derived from questionnaire answers, submission excerpts and forum notes: one per origin,
kept in step with it, and the backfill that does it for a whole consultation."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from consult.analysis.derivation import derive_all
from consult.channels.notes import sync_note
from consult.extensions import db
from consult.forums import organizer_services as forums
from consult.models import (
    Answer,
    Code,
    Coding,
    Comment,
    Excerpt,
    Forum,
    ForumNote,
    Question,
    Registration,
    Response,
    Submission,
    Track,
)
from consult.questionnaires import builder, saving
from consult.questionnaires.responding import get_or_create_response
from consult.submissions import staff_services as submissions
from tests.factories import consultation_of, make_participant, topic_of


@pytest.fixture
def demo_open(ctx, demo):
    """The demo consultation with its open questionnaire; returns the consultation."""
    consultation = consultation_of(demo)
    builder.ensure_demo_questionnaire(consultation, datetime.now(timezone.utc) - timedelta(minutes=5))
    db.session.commit()
    return consultation


def track_of(consultation, code):
    return db.session.scalar(select(Track).where(Track.consultation_id == consultation.id, Track.code == code))


def forum_on(consultation, track_code, kind="forum", days=3):
    forum = Forum(consultation_id=consultation.id, track=track_of(consultation, track_code), kind=kind,
                  title_fr="Forum", title_en="Forum", capacity=10,
                  starts_at=datetime(2025, 3, 1, 15, 0, tzinfo=timezone.utc) + timedelta(days=days))
    db.session.add(forum)
    db.session.flush()
    return forum


def register(participant, forum, status="confirmed"):
    db.session.add(Registration(forum_id=forum.id, participant_id=participant.id, status=status))
    db.session.flush()


def question(consultation, code, prompt):
    topic = topic_of(consultation, code)
    return db.session.scalar(select(Question).where(Question.topic_id == topic.id, Question.prompt == prompt))


def answer(response, question_row, value):
    row = db.session.scalar(select(Answer).where(Answer.response_id == response.id,
                                                 Answer.question_id == question_row.id))
    if row is None:
        row = Answer(response=response, question=question_row)
        db.session.add(row)
    row.value = value
    response.updated_at = datetime.now(timezone.utc)
    db.session.flush()
    return row


def submit(response):
    outcome = saving.submit(response, response.version, datetime.now(timezone.utc))
    assert outcome.submitted, outcome.missing
    db.session.commit()


def respond(consultation, participant, answers):
    """A response with these {(topic code, prompt): text} answers, submitted."""
    questionnaire = builder.find_questionnaire(consultation)
    response = get_or_create_response(questionnaire, participant)
    for (code, prompt), value in answers.items():
        answer(response, question(consultation, code, prompt), value)
    submit(response)
    return response


def comments_of(consultation):
    return db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)
                              .order_by(Comment.id)).all()


def code(consultation, key="PRECISER"):
    row = Code(consultation_id=consultation.id, kind="modification", key=key, label_fr=key, label_en=key)
    db.session.add(row)
    db.session.flush()
    return row


# -- questionnaire answers ------------------------------------------------------------------

def test_a_submitted_response_gives_one_comment_per_long_answer(demo_open):
    ana = make_participant(demo_open, "ana@example.org", category="clinician", region="ON", language="en")
    old_forum, new_forum = forum_on(demo_open, "qc", days=1), forum_on(demo_open, "ca", days=5)
    register(ana, old_forum)
    register(ana, new_forum, status="waitlisted")
    register(ana, forum_on(demo_open, "qc", days=9), status="cancelled")
    response = respond(demo_open, ana, {("1.1", "liked"): "  Les équipes de proximité  ",
                                   ("1.1", "missing"): "Nurses in rural areas",
                                   ("4.2", "unclear"): "",
                                   ("G", "liked"): "Vue d'ensemble claire"})
    agreement = question(demo_open, "1.1", "agreement")
    assert agreement is not None  # a Likert-type question: its answers never become comments
    answer(response, agreement, "4")
    response.updated_at = datetime.now(timezone.utc) + timedelta(seconds=1)
    submit(response)

    comments = {(comment.topic.code, comment.prompt): comment for comment in comments_of(demo_open)}
    assert set(comments) == {("1.1", "liked"), ("1.1", "missing"), ("G", "liked")}
    liked = comments[("1.1", "liked")]
    assert liked.channel == "questionnaire"
    assert liked.text == "Les équipes de proximité"
    assert liked.search_text == "les equipes de proximite"
    assert liked.participant_id == ana.id
    # Read from the text, not taken from the person's email language.
    assert (liked.language, liked.language_source) == ("fr", "detected")
    assert comments[("1.1", "missing")].language == "en"
    assert liked.track.code == "ca"  # the latest seated or waitlisted registration; cancelled ones do not count
    assert liked.topic_confirmed is True  # an orientation question
    assert liked.source_date == db.session.get(Response, response.id).submitted_at
    assert comments[("G", "liked")].topic_confirmed is False  # a section: to be confirmed


def test_without_registration_there_is_no_track(demo_open):
    bob = make_participant(demo_open, "bob@example.org")
    respond(demo_open, bob, {("2.1", "adjust"): "Plus de place aux proches"})
    (comment,) = comments_of(demo_open)
    assert comment.track_id is None and comment.language == "fr"


def test_resubmitting_updates_the_same_comment_and_asks_for_a_review_of_its_codes(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("1.1", "liked"): "Première version", ("1.2", "liked"): "Inchangé"})
    first, untouched = comments_of(demo_open)
    precise = code(demo_open)
    db.session.add(Coding(comment_id=first.id, code_id=precise.id))
    db.session.commit()
    first_id, revision = first.id, first.revision

    answer(response, question(demo_open, "1.1", "liked"), "Deuxième version, précisée")
    submit(response)

    first, untouched = comments_of(demo_open)
    assert first.id == first_id
    assert first.text == "Deuxième version, précisée"
    assert first.search_text == "deuxieme version, precisee"
    assert first.revision == revision + 1
    assert first.needs_review is True
    assert [coding.code_id for coding in first.codings] == [precise.id]  # the codes stay
    assert untouched.needs_review is False and untouched.revision == 1


def test_a_changed_answer_without_codes_is_not_marked_for_review(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("1.1", "liked"): "Avant"})
    answer(response, question(demo_open, "1.1", "liked"), "Après")
    submit(response)
    (comment,) = comments_of(demo_open)
    assert comment.text == "Après" and comment.needs_review is False


def test_an_emptied_answer_loses_its_comment_and_its_codings(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("1.1", "liked"): "À retirer", ("1.1", "missing"): "À garder"})
    removed = comments_of(demo_open)[0]
    db.session.add(Coding(comment_id=removed.id, code_id=code(demo_open).id))
    db.session.commit()
    answer(response, question(demo_open, "1.1", "liked"), "   ")
    submit(response)
    assert [comment.text for comment in comments_of(demo_open)] == ["À garder"]
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0


def test_a_change_typed_after_submission_counts_only_once_submitted(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("1.1", "liked"): "Soumis"})
    answer(response, question(demo_open, "1.1", "liked"), "Brouillon pas encore soumis")
    db.session.commit()
    derive_all(demo_open)
    assert [comment.text for comment in comments_of(demo_open)] == ["Soumis"]


def test_deleting_a_response_deletes_its_comments(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("1.1", "liked"): "Texte"})
    db.session.delete(response)
    db.session.commit()
    assert comments_of(demo_open) == []


def test_an_analysts_placement_of_an_answer_is_kept(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    response = respond(demo_open, ana, {("G", "liked"): "Sur l'accès aux soins"})
    (comment,) = comments_of(demo_open)
    comment.topic_id, comment.topic_confirmed = topic_of(demo_open, "1.1").id, True  # moved by an analyst
    db.session.commit()
    answer(response, question(demo_open, "G", "liked"), "Sur l'accès aux soins, précisé")
    submit(response)
    (comment,) = comments_of(demo_open)
    assert comment.topic.code == "1.1" and comment.topic_confirmed is True
    assert comment.text.endswith("précisé")


# -- submission excerpts --------------------------------------------------------------------

def sent_submission(consultation, participant):
    submission = Submission(consultation_id=consultation.id, participant=participant, status="submitted", number=1,
                            submitted_at=datetime(2025, 4, 2, 12, 0, tzinfo=timezone.utc))
    db.session.add(submission)
    db.session.flush()
    return submission


def test_an_excerpt_becomes_a_comment_that_follows_it(demo_open):
    writer = make_participant(demo_open, "writer@example.org", language="fr")
    register(writer, forum_on(demo_open, "qc"))
    submission = sent_submission(demo_open, writer)
    excerpt = submissions.create_excerpt(submission, {"topic_id": topic_of(demo_open, "4.2").id, "language": "en",
                                                      "text": "Pay clinicians by episode"}, None)
    db.session.commit()
    (comment,) = comments_of(demo_open)
    assert (comment.channel, comment.excerpt_id, comment.participant_id) == ("submission", excerpt.id, writer.id)
    assert comment.topic.code == "4.2" and comment.topic_confirmed is True
    assert comment.language == "en" and comment.track.code == "qc"
    assert comment.source_date == submission.submitted_at

    submissions.update_excerpt(excerpt, {"topic_id": topic_of(demo_open, "4").id, "language": "en",
                                         "text": "Pay clinicians by episode of care"}, None)
    db.session.commit()
    (comment,) = comments_of(demo_open)
    assert comment.text == "Pay clinicians by episode of care"
    assert comment.topic.code == "4" and comment.topic_confirmed is False  # an axis: to be confirmed
    assert comment.revision == 2


def test_an_excerpt_moved_by_an_analyst_stays_where_they_put_it(demo_open):
    submission = sent_submission(demo_open, make_participant(demo_open, "writer@example.org"))
    excerpt = submissions.create_excerpt(submission, {"topic_id": topic_of(demo_open, "4.2").id, "text": "Texte"}, None)
    db.session.commit()
    (comment,) = comments_of(demo_open)
    comment.topic_id = topic_of(demo_open, "4.3").id  # the analyst's move
    db.session.commit()
    submissions.update_excerpt(excerpt, {"topic_id": topic_of(demo_open, "1.1").id, "text": "Texte revu"}, None)
    db.session.commit()
    (comment,) = comments_of(demo_open)
    assert comment.topic.code == "4.3" and comment.topic_confirmed is True
    assert comment.text == "Texte revu"


def test_deleting_an_excerpt_deletes_its_comment(demo_open):
    submission = sent_submission(demo_open, make_participant(demo_open, "writer@example.org"))
    excerpt = submissions.create_excerpt(submission, {"topic_id": topic_of(demo_open, "4.2").id, "text": "Texte"}, None)
    db.session.commit()
    db.session.add(Coding(comment_id=comments_of(demo_open)[0].id, code_id=code(demo_open).id))
    db.session.commit()
    submissions.delete_excerpt(excerpt, None)
    db.session.commit()
    assert comments_of(demo_open) == []
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0


# -- forum and interview notes --------------------------------------------------------------

def test_notes_become_comments_of_their_forum_or_interview(demo_open):
    forum, interview = forum_on(demo_open, "qc"), forum_on(demo_open, "ca", kind="interview")
    forums.create_note(forum, {"topic_id": topic_of(demo_open, "3.1").id, "language": "fr",
                               "body": "Les régions éloignées"}, None)
    forums.create_note(interview, {"topic_id": None, "language": "en", "body": "General remarks"}, None)
    db.session.commit()
    on_forum, on_interview = comments_of(demo_open)
    assert (on_forum.channel, on_forum.topic.code, on_forum.topic_confirmed) == ("forum", "3.1", True)
    assert on_forum.participant_id is None and on_forum.forum_id == forum.id
    assert on_forum.track.code == "qc" and on_forum.source_date == forum.starts_at
    assert (on_interview.channel, on_interview.topic_id, on_interview.topic_confirmed) == ("interview", None, False)
    assert on_interview.language == "en" and on_interview.track.code == "ca"


def test_editing_and_deleting_a_note(demo_open):
    forum = forum_on(demo_open, "qc")
    note = forums.create_note(forum, {"topic_id": topic_of(demo_open, "3.1").id, "language": "fr", "body": "Avant"},
                              None)
    db.session.commit()
    db.session.add(Coding(comment_id=comments_of(demo_open)[0].id, code_id=code(demo_open).id))
    db.session.commit()
    forums.update_note(note, {"topic_id": topic_of(demo_open, "5.1").id, "language": "fr", "body": "Après"}, None)
    db.session.commit()
    (comment,) = comments_of(demo_open)
    assert (comment.text, comment.topic.code, comment.needs_review) == ("Après", "5.1", True)
    forums.delete_note(note, None)
    db.session.commit()
    assert comments_of(demo_open) == []


def test_deleting_a_forum_deletes_the_comments_of_its_notes(demo_open):
    forum = forum_on(demo_open, "qc")
    forums.create_note(forum, {"topic_id": None, "language": "fr", "body": "Note"}, None)
    db.session.commit()
    db.session.delete(forum)
    db.session.commit()
    assert comments_of(demo_open) == []


# -- the backfill ---------------------------------------------------------------------------

def test_derive_all_makes_every_comment_once_and_changes_nothing_when_run_again(demo_open):
    ana = make_participant(demo_open, "ana@example.org")
    questionnaire = builder.find_questionnaire(demo_open)
    response = Response(questionnaire_id=questionnaire.id, participant_id=ana.id, status="submitted", version=1,
                        submitted_at=datetime(2025, 3, 3, tzinfo=timezone.utc))
    db.session.add(response)
    db.session.flush()
    for code_, prompt, value in (("1.1", "liked", "Un"), ("1.2", "adjust", "Deux"), ("1.3", "unclear", "")):
        db.session.add(Answer(response_id=response.id, question_id=question(demo_open, code_, prompt).id, value=value))
    submission = sent_submission(demo_open, ana)
    db.session.add(Excerpt(submission_id=submission.id, topic_id=topic_of(demo_open, "2.1").id, text="Trois"))
    forum = forum_on(demo_open, "ca")
    db.session.add(ForumNote(forum_id=forum.id, topic_id=topic_of(demo_open, "5.2").id, body="Quatre"))
    draft = Response(questionnaire_id=questionnaire.id, participant_id=make_participant(demo_open, "d@example.org").id)
    db.session.add(draft)
    db.session.flush()
    db.session.add(Answer(response_id=draft.id, question_id=question(demo_open, "1.1", "liked").id, value="Brouillon"))
    db.session.commit()

    assert derive_all(demo_open) == {"created": 4, "updated": 0, "unchanged": 0, "deleted": 0}
    db.session.commit()
    assert sorted(comment.text for comment in comments_of(demo_open)) == ["Deux", "Quatre", "Trois", "Un"]
    assert derive_all(demo_open) == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 0}
    db.session.commit()
    assert len(comments_of(demo_open)) == 4
    assert {comment.revision for comment in comments_of(demo_open)} == {1}


def test_derive_all_brings_old_comments_up_to_date(demo_open):
    forum = forum_on(demo_open, "qc")
    note = ForumNote(forum_id=forum.id, topic_id=topic_of(demo_open, "5.2").id, body="Ancien texte")
    db.session.add(note)
    db.session.flush()
    sync_note(note)
    db.session.commit()
    note.body = "Nouveau texte"
    forum.track = track_of(demo_open, "ca")
    db.session.commit()
    assert derive_all(demo_open)["updated"] == 1
    db.session.commit()
    (comment,) = comments_of(demo_open)
    assert (comment.text, comment.search_text, comment.track.code) == ("Nouveau texte", "nouveau texte", "ca")


def test_the_command_derives_one_or_every_consultation(app, demo_open, runner):
    forum = forum_on(demo_open, "qc")
    db.session.add(ForumNote(forum_id=forum.id, body="Une note"))
    db.session.commit()
    result = runner.invoke(args=["consult", "derive-comments", "--consultation", demo_open.slug],
                           env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "comments created 1, updated 0" in result.output
    assert runner.invoke(args=["consult", "derive-comments"]).exit_code == 0
    db.session.remove()
    assert len(comments_of(consultation_of(demo_open.slug))) == 1
    unknown = runner.invoke(args=["consult", "derive-comments", "--consultation", "nope"])
    assert unknown.exit_code == 1
