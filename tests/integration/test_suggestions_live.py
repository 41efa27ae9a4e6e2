"""The live model: what analysts place teaches it at once, texts that change are suggested again,
an uncertain comment says so instead of guessing, and a comment is never its own neighbour."""
import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import Comment, CommentSuggestion, Topic
from consult.suggestions import service
from tests.factories import consultation_of, make_comment

SLUG = "politique-premiere-ligne-2025"
QUEUE = f"/staff/consultations/{SLUG}/analysis/suggestions"
NEIGHBOURHOOD = "Le comité de quartier souhaite des rencontres trimestrielles avec la clinique."
VAGUE = "La politique est ambitieuse mais les moyens manquent."


def _item(html: str, comment_id: int) -> str:
    match = re.search(rf'<article[^>]*id="suggestion-{comment_id}".*?</article>', html, re.S)
    assert match, f"comment {comment_id} is not shown"
    return match.group(0)


def _first(comment_id: int) -> str:
    return db.session.scalar(select(Topic.code).join(CommentSuggestion, CommentSuggestion.topic_id == Topic.id)
                             .where(CommentSuggestion.comment_id == comment_id, CommentSuggestion.rank == 1))


def test_placing_five_comments_per_orientation_changes_what_is_suggested_for_the_others(app, login, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        waiting = make_comment(consultation, NEIGHBOURHOOD, channel="forum")
        orientations = db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id,
                                                              Topic.kind == "orientation")).all()
        to_place = []
        for topic in orientations:
            for number in range(5):
                if topic.code == "2.2":
                    text = (f"Au quartier {number}, le comité de quartier tient des rencontres trimestrielles "
                            "avec les soignants.")
                else:
                    text = f"{topic.title_fr} ({number})"
                to_place.append((make_comment(consultation, text, channel="submission").id, topic.id))
        db.session.commit()
        waiting_id = waiting.id

    client = login(("analyst",))
    assert client.get(QUEUE).status_code == 200  # shown: every new comment gets its suggestions
    with app.app_context():
        before = _first(waiting_id)
        assert before is not None and before != "2.2"
        for comment_id, topic_id in to_place:
            comment = db.session.get(Comment, comment_id)
            service.accept(comment, topic_id, None, comment.revision, None)
        db.session.commit()

    # No step to run: the next look at the review shows what the model learned from those 70 comments.
    page = client.get(QUEUE + "?lang=en")
    with app.app_context():
        assert _first(waiting_id) == "2.2"
        item = _item(page.text, waiting_id)
        assert re.search(r'data-accept-rank="1".*?<strong>Orientation 2.2</strong>', item, re.S)
        assert "Closest comments already placed there:" in item
        assert item.count("comité de quartier tient des rencontres") == 2  # the two closest, no more


def test_an_uncertain_comment_says_there_is_no_confident_suggestion(app, login, demo):
    with app.app_context():
        vague = make_comment(consultation_of(SLUG), VAGUE, channel="forum").id
        db.session.commit()
    client = login(("analyst",))
    page = client.get(QUEUE + "?sort=uncertain&lang=en")
    item = _item(page.text, vague)
    with app.app_context():
        comment = db.session.get(Comment, vague)
        assert 0 < comment.suggestion_score < service.CONFIDENCE_FLOOR
    assert "No confident suggestion." in item
    assert "rather than guess, choose its place below" in item
    assert "data-accept-rank" not in item  # nothing offered to accept
    assert 'name="topic_id"' in item and "Set aside" in item  # placing by hand stays one step away
    page = client.get(QUEUE + "?sort=uncertain&lang=fr")
    assert "Aucune suggestion fiable." in _item(page.text, vague)


def test_a_changed_text_is_suggested_again(app, login, demo):
    with app.app_context():
        comment = make_comment(consultation_of(SLUG), "Les dossiers médicaux électroniques doivent être "
                               "interopérables et sécurisés.", channel="submission")
        db.session.commit()
        comment_id = comment.id
    client = login(("analyst",))
    client.get(QUEUE)
    with app.app_context():
        assert _first(comment_id) == "4.1"
        comment = db.session.get(Comment, comment_id)
        comment.text = ("Le paiement à l'acte pousse les médecins à multiplier les visites courtes ; la "
                        "capitation serait plus juste.")
        db.session.commit()
        assert db.session.get(Comment, comment_id).suggested_at is None
    client.get(QUEUE)
    with app.app_context():
        assert _first(comment_id) == "4.2"


def test_a_placed_comment_is_never_shown_as_its_own_closest_comment(app, login, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        placed = make_comment(consultation, "Les dossiers médicaux électroniques doivent être interopérables.",
                              topic="4.1", channel="submission", topic_confirmed=True)
        other = make_comment(consultation, "Dossiers électroniques interopérables entre cliniques et hôpitaux.",
                             topic="4.1", channel="forum", topic_confirmed=True)
        db.session.commit()
        service.suggest_one(db.session.get(Comment, placed.id), None)
        db.session.commit()
        reasons = db.session.scalar(select(CommentSuggestion.reasons).where(
            CommentSuggestion.comment_id == placed.id, CommentSuggestion.rank == 1))
        assert reasons["comments"] == [other.id]


def test_a_transcript_passage_whose_words_change_is_suggested_again(app, login, demo):
    from datetime import date, datetime, timezone

    from consult.models import Forum, Transcript, Turn
    from consult.transcripts import services as transcripts

    with app.app_context():
        consultation = consultation_of(SLUG)
        forum = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum tenu", title_en="Held forum",
                      starts_at=datetime(2025, 3, 1, 18, tzinfo=timezone.utc), duration_minutes=90, capacity=20,
                      language="fr")
        db.session.add(forum)
        db.session.flush()
        transcript = Transcript(forum_id=forum.id, status="kept", format="vtt", language="fr",
                                retain_until=date(2030, 1, 31))
        db.session.add(transcript)
        db.session.flush()
        said = "Les dossiers médicaux électroniques doivent être interopérables et sécurisés."
        db.session.add(Turn(transcript_id=transcript.id, position=1, speaker_label="Invité 1", text=said))
        db.session.flush()
        # Placed on no orientation: the passage is a comment waiting for its place.
        transcripts.place(transcript, 1, 1, None, None)
        db.session.commit()
        comment_id = db.session.scalar(select(Comment.id).where(Comment.channel == "transcript"))
    client = login(("analyst",))
    client.get(QUEUE)
    with app.app_context():
        assert _first(comment_id) == "4.1"
        turn = db.session.scalar(select(Turn).where(Turn.text == said))
        turn.text = ("Le paiement à l'acte pousse les médecins à multiplier les visites courtes ; la capitation "
                     "serait plus juste.")
        transcripts.sync_transcript(turn.transcript)
        db.session.commit()
        assert db.session.get(Comment, comment_id).suggested_at is None
    client.get(QUEUE)
    with app.app_context():
        assert _first(comment_id) == "4.2"
