"""After a transcript is kept: the turns not yet placed wait in a queue with the places the suggestion
model gives them; a placed passage is moved to another topic or its placement undone, audited, the
analysis counts following; the staff dashboard counts held sessions with and without a transcript."""
import re

import pytest
from sqlalchemy import func, select

from consult.analysis import codebook
from consult.extensions import db
from consult.models import AuditEvent, Code, Coding, Comment, CommentTally, Topic, TranscriptPassage
from tests.conftest import csrf_token_from
from tests.factories import consultation_of
from tests.integration.test_transcripts import SLUG, VTT, held_forum, kept_transcript, signed_in

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


def topic_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Topic.id).where(Topic.code == code))


def tally(app, topic):
    """The visible comments of the transcript channel on a topic, as the analysis counts read them."""
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(CommentTally.n), 0)).where(
            CommentTally.topic_id == topic, CommentTally.code_id == 0, CommentTally.channel == "transcript"))


def audited(app, action):
    with app.app_context():
        return [event.detail for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


@pytest.fixture
def transcript(app, demo, login, make_staff):
    """A kept transcript (turns 2 and 5 Jean Roy's, 6 an unidentified speaker's) and a signed-in analyst."""
    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    return transcript_id, signed_in(app, make_staff, "analyst")


def test_turns_not_yet_placed_wait_with_suggested_places(app, transcript):
    transcript_id, analyst = transcript
    queue_url = f"/staff/consultations/{SLUG}/transcripts/unplaced"
    # Reachable from the analysis workspace and from the transcript's page.
    assert queue_url in analyst.get(f"/staff/consultations/{SLUG}/analysis/").get_data(as_text=True)
    read = analyst.get(f"/staff/consultations/{SLUG}/transcripts/{transcript_id}").get_data(as_text=True)
    assert "3 tours de parole de cette transcription ne sont pas encore classés" in read
    assert queue_url in read
    page = analyst.get(queue_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 tours de parole ne sont pas encore classés" in html
    assert "médecin de famille" in html and "accord avec monsieur" in html
    assert "Merci. Et vous" not in html  # the facilitator's turns are context, never queued
    assert "Jean Roy" not in html  # pseudonyms only
    # Each turn comes with the places the comments' model gives it, best first, to accept with a click.
    accept = re.search(r'<form method="post" action="([^"]+)" class="suggestion-accept">(.*?)</form>', html, re.S)
    assert accept, "a suggestion to accept"
    fields = dict(re.findall(r'name="(transcript_id|position|topic_id|rank|page)" value="(\d+)"', accept.group(2)))
    assert fields["rank"] == "1"
    position = int(fields["position"])
    placed = analyst.post(accept.group(1), data={**fields, "theme_id": "", "csrf_token": csrf_token_from(html)})
    assert placed.status_code == 303
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.channel == "transcript"))
        passage = db.session.get(TranscriptPassage, comment.passage_id)
        assert (passage.first_position, passage.last_position) == (position, position)
        assert comment.topic_id == int(fields["topic_id"]) and comment.topic_confirmed
        assert comment.suggestion_reviewed  # nothing left for the comments' review queue
    assert audited(app, "transcript.suggestion_taken")[0]["rank"] == 1
    after = analyst.get(placed.headers["Location"]).get_data(as_text=True)
    assert "2 tours de parole ne sont pas encore classés" in after
    assert f"Le tour {position} est rattaché à" in after


def test_another_place_and_what_is_refused(app, transcript):
    transcript_id, analyst = transcript
    queue_url = f"/staff/consultations/{SLUG}/transcripts/unplaced"
    token = csrf_token_from(analyst.get(queue_url).get_data(as_text=True))
    turn = {"csrf_token": token, "transcript_id": str(transcript_id), "position": "6", "page": "1"}
    # Nothing chosen: the page again, 422, the reason next to that turn's list, nothing placed.
    refused = analyst.post(queue_url, data={**turn, "topic_id": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choisissez où rattacher le tour de parole." in html
    assert 'id="other-%d-6" name="topic_id" aria-invalid="true"' % transcript_id in html
    assert 'href="#other-%d-6"' % transcript_id in html  # the error summary leads to it
    # An axis is not a place for a comment.
    refused = analyst.post(queue_url, data={**turn, "topic_id": str(topic_id(app, "1"))})
    assert refused.status_code == 422
    # Another part of the proposal, chosen from the list.
    chosen = topic_id(app, "2.1")
    assert analyst.post(queue_url, data={**turn, "topic_id": str(chosen)}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Comment.topic_id).where(Comment.channel == "transcript")) == chosen
    assert audited(app, "transcript.placed_from_queue")[0]["topic"] == "2.1"
    # The same turn again (a second tab): it no longer waits, nothing is added.
    again = analyst.post(queue_url, data={**turn, "topic_id": str(chosen)}, follow_redirects=True)
    assert "plus en attente" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.channel == "transcript")) == 1
    # A turn of the facilitator is never a waiting turn.
    assert analyst.post(queue_url, data={**turn, "position": "1", "topic_id": str(chosen)},
                        follow_redirects=True).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(TranscriptPassage.id))) == 1


def test_a_passage_is_moved_with_its_codes_and_its_placement_undone(app, transcript):
    transcript_id, analyst = transcript
    url = f"/staff/consultations/{SLUG}/transcripts/{transcript_id}"
    first, second = topic_id(app, "1.1"), topic_id(app, "2.1")
    page = analyst.get(url).get_data(as_text=True)
    assert analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["2", "5"],
                                   "topic_id": str(first)}).status_code == 303
    with app.app_context():
        codebook.ensure_codebook(consultation_of(SLUG))
        comment = db.session.scalar(select(Comment).where(Comment.channel == "transcript"))
        code = db.session.scalars(select(Code).where(Code.consultation_id == comment.consultation_id)).first()
        db.session.add(Coding(comment_id=comment.id, code_id=code.id, blind=False))
        db.session.commit()
        comment_id, passage_id, code_id = comment.id, comment.passage_id, code.id
    assert (tally(app, first), tally(app, second)) == (1, 0)
    page = analyst.get(url).get_data(as_text=True)
    assert "Déplacer Tours 2 à 5 vers" in page and "Annuler le classement" in page
    move_url = f"{url}/passages/{passage_id}/move"
    # No topic chosen: 422, the reason next to that passage's list, nothing moved.
    refused = analyst.post(move_url, data={"csrf_token": csrf_token_from(page), "topic_id": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choisissez le sujet où déplacer le passage." in html
    assert f'id="move-{passage_id}" name="topic_id" aria-invalid="true"' in html
    moved = analyst.post(move_url, data={"csrf_token": csrf_token_from(page), "topic_id": str(second)})
    assert moved.status_code == 303
    assert "Le passage a été déplacé vers 2.1" in analyst.get(moved.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)  # the same comment, on the new topic, still coded
        assert comment.topic_id == second and comment.topic_confirmed
        assert [coding.code_id for coding in comment.codings] == [code_id]
        assert db.session.get(TranscriptPassage, passage_id).topic_id == second
    assert (tally(app, first), tally(app, second)) == (0, 1)
    assert audited(app, "transcript.move") == [{"topic": "2.1", "previous": "1.1", "comment": comment_id}]
    # Undone: the passage and its comment go; the turns wait to be placed again.
    undone = analyst.post(f"{url}/passages/{passage_id}/remove", data={"csrf_token": csrf_token_from(page)})
    assert undone.status_code == 303
    assert "Le classement a été annulé" in analyst.get(undone.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Comment, comment_id) is None
        assert db.session.scalar(select(func.count(TranscriptPassage.id))) == 0
    assert tally(app, second) == 0
    assert audited(app, "transcript.unplace")[0] == {"topic_id": second, "first": 2, "last": 5,
                                                      "comment": comment_id}
    queue = analyst.get(f"/staff/consultations/{SLUG}/transcripts/unplaced").get_data(as_text=True)
    assert "3 tours de parole ne sont pas encore classés" in queue


def test_a_transcript_larger_than_its_own_limit_is_refused(app, demo, login, runner, tmp_path, monkeypatch):
    from consult.models import Transcript
    from tests.integration.test_transcripts import upload

    monkeypatch.setitem(app.config, "TRANSCRIPT_MAX_BYTES", 200)
    monkeypatch.setitem(app.config, "PREREADING_MAX_BYTES", 10 * 1024 * 1024)  # not the pre-readings' limit
    forum_id = held_forum(app)
    refused = upload(login(("organizer",)), forum_id, VTT.encode())
    assert refused.status_code == 422
    assert "Le fichier dépasse 1\u00a0ko, la taille maximale d&#39;une transcription." in refused.get_data(as_text=True)
    path = tmp_path / "zoom.vtt"
    path.write_bytes(VTT.encode())
    said = runner.invoke(args=["consult", "import-transcript", str(path), "--consultation", SLUG,
                               "--forum", str(forum_id)], env={"CONSULT_LANG": "en"})
    assert said.exit_code != 0 and "larger than 1 KB, the largest transcript accepted" in said.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Transcript.id))) == 0
    # Within the limit it is read.
    monkeypatch.setitem(app.config, "TRANSCRIPT_MAX_BYTES", 10 * 1024)
    assert upload(login(("organizer",)), forum_id, VTT.encode()).status_code == 303


def test_the_dashboard_counts_sessions_with_and_without_a_transcript(app, demo, login, make_staff):
    with_one = held_forum(app)
    held_forum(app, days_ago=5, people=())  # held, no transcript
    held_forum(app, days_ago=-2, people=())  # not yet held: not counted
    kept_transcript(app, login(("organizer",)), with_one)
    analyst = signed_in(app, make_staff, "analyst")
    html = analyst.get("/staff/").get_data(as_text=True)
    table = html[html.index('id="transcript-totals"'):]
    table = table[:table.index("</table>")]
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S).group(0)
    assert re.findall(r'<td class="num">(?:<a [^>]*>)?(\d+)', row) == ["2", "1", "1", "3"]
    assert f"/staff/consultations/{SLUG}/transcripts/unplaced" in row
    assert f"/staff/consultations/{SLUG}/transcripts/" in row
    overview = analyst.get(f"/staff/consultations/{SLUG}/transcripts/").get_data(as_text=True)
    assert "2 séances tenues" in overview and "1 avec transcription" in overview
    assert "zoom.vtt" in overview and "Aucune transcription" in overview
    english = analyst.get(f"/staff/consultations/{SLUG}/transcripts/?lang=en").get_data(as_text=True)
    assert "2 sessions held" in english and "1 without a transcript" in english


def test_the_queue_is_for_those_who_place_transcripts(app, transcript, login):
    organizer = login(("organizer",))
    assert organizer.get(f"/staff/consultations/{SLUG}/transcripts/unplaced").status_code == 403
    assert organizer.get(f"/staff/consultations/{SLUG}/transcripts/").status_code == 200


def test_a_turn_placed_from_the_queue_with_its_theme_is_coded(app, transcript):
    transcript_id, analyst = transcript
    queue_url = f"/staff/consultations/{SLUG}/transcripts/unplaced"
    with app.app_context():
        from consult.models import Theme

        theme = db.session.scalars(select(Theme).order_by(Theme.id)).first()
        topic, theme_id = theme.topic_id, theme.id
        codebook.ensure_codebook(consultation_of(SLUG))
        db.session.commit()
    token = csrf_token_from(analyst.get(queue_url).get_data(as_text=True))
    placed = analyst.post(queue_url, data={"csrf_token": token, "transcript_id": str(transcript_id), "position": "2",
                                           "topic_id": str(topic), "theme_id": str(theme_id), "rank": "1"})
    assert placed.status_code == 303
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.channel == "transcript"))
        assert [coding.code.theme_id for coding in comment.codings] == [theme_id]
    # A theme of another part is refused.
    other = topic_id(app, "2.1") if topic != topic_id(app, "2.1") else topic_id(app, "1.1")
    refused = analyst.post(queue_url, data={"csrf_token": token, "transcript_id": str(transcript_id),
                                            "position": "5", "topic_id": str(other), "theme_id": str(theme_id)})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.channel == "transcript")) == 1


def test_a_passage_goes_where_the_analysis_places_comments_never_on_a_top_level_node(app, transcript):
    transcript_id, analyst = transcript
    url = f"/staff/consultations/{SLUG}/transcripts/{transcript_id}"
    page = analyst.get(url).get_data(as_text=True)
    axis, orientation = topic_id(app, "1"), topic_id(app, "1.1")
    assert f'<option value="{orientation}"' in page
    assert f'<option value="{axis}"' not in page
    refused = analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["2"], "topic_id": str(axis)})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.channel == "transcript")) == 0
