"""Organizers upload a held session's transcript and say who each speaker is; analysts place turns
on topics, which become comments of the "transcript" channel; the command line does the same."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Comment, Consent, Forum, Participant, Registration, Topic, Transcript, Turn
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.factories import consultation_of

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")

SLUG = "politique-premiere-ligne-2025"

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Marie Animatrice: Bienvenue, commençons par l'accès.

2
00:00:04.500 --> 00:00:09.000
Jean Roy: Trouver un médecin de famille prend des mois.

3
00:00:09.000 --> 00:00:12.000
Jean Roy: Et la ligne 811 ne répond pas la nuit.

4
00:00:12.500 --> 00:00:15.000
Marie Animatrice: Merci. Et vous?

5
00:00:15.500 --> 00:00:19.000
Claire Dubé: Je ne veux pas être enregistrée, mais je dis ceci.

6
00:00:19.500 --> 00:00:24.000
Jean Roy: J'ajoute que le transport est un problème en région.

7
00:00:24.500 --> 00:00:28.000
Invité 3: Je suis d'accord avec monsieur.
"""


def held_forum(app, *, days_ago=2, people=(("Jean Roy", True), ("Claire Dubé", False))) -> int:
    """A forum held `days_ago` days ago (negative: still to come) with registrants and their recording consent."""
    with app.app_context():
        consultation = consultation_of(SLUG)
        forum = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum tenu", title_en="Held forum",
                      starts_at=datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=days_ago),
                      duration_minutes=90, capacity=20, language="fr", recorded=True)
        db.session.add(forum)
        db.session.flush()
        for name, consents in people:
            person = Participant(consultation_id=consultation.id, email=f"{name.split()[0].lower()}@example.org",
                                 name=name, region="QC", preferred_language="fr")
            person.consents.append(Consent(purpose="recording", granted=consents, source="test"))
            person.consents.append(Consent(purpose="quotation", granted=True, source="test"))
            db.session.add(person)
            db.session.flush()
            db.session.add(Registration(forum_id=forum.id, participant_id=person.id, status="attended"))
            forum.seats_taken += 1
        db.session.commit()
        return forum.id


def upload(client, forum_id, data: bytes, filename="zoom.vtt"):
    url = f"/staff/consultations/{SLUG}/forums/{forum_id}/transcripts"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "language": "fr",
                                  "retain_until": "2030-01-31", "transcript": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def person_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Participant.id).where(Participant.name == name))


def test_upload_preview_then_keep_with_speakers_mapped(app, demo, login):
    forum_id = held_forum(app)
    client = login(("organizer",))
    response = upload(client, forum_id, VTT.encode())
    assert response.status_code == 303
    review = client.get(response.headers["Location"])
    page = review.get_data(as_text=True)
    # Cues 2 and 3 of Jean Roy are one turn: 6 turns, 4 speakers, nothing kept yet.
    assert "6 tours de parole, 4 interlocuteurs" in page
    with app.app_context():
        assert db.session.scalar(select(Transcript.status)) == "draft"
    # Suggested by name: Jean Roy and Claire Dubé are registrants.
    jean, claire = person_id(app, "Jean Roy"), person_id(app, "Claire Dubé")
    assert re.search(rf'<option selected value="{jean}">|<option value="{jean}" selected', page)
    kept = client.post(response.headers["Location"], data={
        "csrf_token": csrf_token_from(page), "speaker_1": "facilitator", "speaker_2": str(jean),
        "speaker_3": str(claire), "speaker_4": "unidentified"})
    assert kept.status_code == 303
    with app.app_context():
        transcript = db.session.scalar(select(Transcript))
        assert transcript.status == "kept"
        # Claire did not consent to being recorded: her turn is not kept; no name is kept.
        assert [(turn.speaker_role, turn.participant_id) for turn in transcript.turns] == [
            ("facilitator", None), ("participant", jean), ("facilitator", None), ("participant", jean),
            ("unidentified", None)]
        assert not any("Claire" in turn.text or turn.speaker_label for turn in transcript.turns)
        assert "Je ne veux pas" not in " ".join(turn.text for turn in transcript.turns)
    assert "1 tour de parole a été laissé de côté" in client.get(kept.headers["Location"]).get_data(as_text=True)


def test_the_same_person_for_two_speakers_keeps_nothing(app, demo, login):
    forum_id = held_forum(app)
    client = login(("organizer",))
    location = upload(client, forum_id, VTT.encode()).headers["Location"]
    jean = person_id(app, "Jean Roy")
    page = client.get(location).get_data(as_text=True)
    refused = client.post(location, data={"csrf_token": csrf_token_from(page), "speaker_1": "facilitator",
                                          "speaker_2": str(jean), "speaker_3": str(jean), "speaker_4": "unidentified"})
    assert refused.status_code == 422
    assert "La même personne est choisie pour deux interlocuteurs" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Transcript.status)) == "draft"
        assert db.session.scalar(select(Turn).where(Turn.speaker_role == "participant")) is None


@pytest.mark.parametrize(("data", "said"), [
    (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour.\n", "ne nomment pas"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "ne commence pas"),
])
def test_a_file_that_is_not_a_transcript_is_refused_and_nothing_kept(app, demo, login, data, said):
    forum_id = held_forum(app)
    response = upload(login(("organizer",)), forum_id, data)
    assert response.status_code == 422
    assert said in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Transcript)) is None


def test_a_session_not_yet_held_takes_no_transcript(app, demo, login):
    forum_id = held_forum(app, days_ago=-3)
    client = login(("organizer",))
    page = client.get(f"/staff/consultations/{SLUG}/forums/{forum_id}/transcripts").get_data(as_text=True)
    assert "pas encore eu lieu" in page
    response = upload(client, forum_id, VTT.encode())
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Transcript)) is None


def kept_transcript(app, client, forum_id) -> int:
    location = upload(client, forum_id, VTT.encode()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    client.post(location, data={"csrf_token": csrf_token_from(page), "speaker_1": "facilitator",
                                "speaker_2": str(person_id(app, "Jean Roy")),
                                "speaker_3": str(person_id(app, "Claire Dubé")), "speaker_4": "unidentified"})
    with app.app_context():
        return db.session.scalar(select(Transcript.id))


def signed_in(app, make_staff, role):
    other = app.test_client()
    make_staff(f"{role}@example.org", (role,))
    assert submit_form(other, "/staff/login", {"email": f"{role}@example.org", "password": STAFF_PASSWORD}
                       ).status_code == 303
    return other


def test_analyst_places_consecutive_turns_as_one_comment(app, demo, login, make_staff):
    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    analyst = signed_in(app, make_staff, "analyst")
    url = f"/staff/consultations/{SLUG}/transcripts/{transcript_id}"
    page = analyst.get(url).get_data(as_text=True)
    assert "Jean Roy" not in page and "Claire" not in page  # pseudonyms only
    with app.app_context():
        pseudonym = db.session.scalar(select(Participant.pseudonym).where(Participant.name == "Jean Roy"))
        topic_id = db.session.scalar(select(Topic.id).where(Topic.code == "1.1"))
    assert pseudonym in page and "00:00:04" in page
    # Turns 2 and 5 are Jean Roy's, with the facilitator's question between them as context (turn 4,
    # Claire's, was not kept).
    placed = analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["2", "5"],
                                     "topic_id": str(topic_id)})
    assert placed.status_code == 303
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.channel == "transcript"))
        assert comment.topic_id == topic_id and comment.forum_id == forum_id
        assert comment.participant.name == "Jean Roy"
        assert "médecin de famille" in comment.text and "transport" in comment.text
        assert "Merci. Et vous" not in comment.text  # the facilitator's words are not the comment
    # Two speakers in one passage, or a turn already placed, are refused and nothing is placed.
    page = analyst.get(url).get_data(as_text=True)
    refused = analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["5", "6"], "topic_id": ""})
    assert refused.status_code == 422
    assert "plusieurs interlocuteurs" in refused.get_data(as_text=True)
    refused = analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["5"], "topic_id": ""})
    assert refused.status_code == 422
    # The unidentified speaker's turn alone, without a topic yet: a comment waiting to be placed.
    assert analyst.post(url, data={"csrf_token": csrf_token_from(page), "turns": ["6"], "topic_id": ""}
                        ).status_code == 303
    with app.app_context():
        comments = db.session.scalars(select(Comment).where(Comment.channel == "transcript")
                                      .order_by(Comment.id)).all()
        assert len(comments) == 2
        assert comments[1].topic_id is None and comments[1].participant_id is None
    # The workspace filters by the transcript channel and its search finds the placed words.
    workspace = analyst.get(f"/staff/consultations/{SLUG}/analysis/comments",
                            query_string={"channel": "transcript", "q": "médecin"}).get_data(as_text=True)
    assert "médecin de famille" in workspace and pseudonym in workspace
    assert "Jean Roy" not in workspace


def test_command_line_import(app, demo, runner, tmp_path):
    forum_id = held_forum(app)
    path = tmp_path / "zoom.vtt"
    path.write_text(VTT, encoding="utf-8")
    dry = runner.invoke(args=["consult", "import-transcript", str(path), "--consultation", SLUG,
                              "--forum", str(forum_id), "--dry-run"], env={"LANG": "en"})
    assert dry.exit_code == 0, dry.output
    assert "6 " in dry.output and "4 " in dry.output
    with app.app_context():
        assert db.session.scalar(select(Transcript)) is None
    kept = runner.invoke(args=["consult", "import-transcript", str(path), "--consultation", SLUG,
                               "--forum", str(forum_id), "--facilitator", "Marie Animatrice"])
    assert kept.exit_code == 0, kept.output
    with app.app_context():
        transcript = db.session.scalar(select(Transcript))
        assert transcript.status == "kept"
        roles = [turn.speaker_role for turn in transcript.turns]
        assert roles == ["facilitator", "participant", "facilitator", "participant", "unidentified"]
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSans nom.\n", encoding="utf-8")
    refused = runner.invoke(args=["consult", "import-transcript", str(bad), "--consultation", SLUG,
                                  "--forum", str(forum_id)])
    assert refused.exit_code != 0


def place_jean(app, transcript_id):
    from consult.transcripts import services

    with app.app_context():
        transcript = db.session.get(Transcript, transcript_id)
        topic = db.session.scalar(select(Topic).where(Topic.code == "1.1"))
        services.place(transcript, 2, 5, topic, None)
        db.session.commit()


def test_my_data_lists_the_sessions_spoken_in_and_downloads_ones_turns(app, demo, login):
    from consult.privacy.services import my_data_token

    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    with app.test_request_context():
        token = my_data_token(db.session.get(Participant, person_id(app, "Jean Roy")))
        other = my_data_token(db.session.get(Participant, person_id(app, "Claire Dubé")))
    visitor = app.test_client()
    page = visitor.get(f"/my-data/{token}").get_data(as_text=True)
    assert "Forum tenu" in page and "2 tours de parole" in page
    turns = visitor.get(f"/my-data/{token}/transcripts.txt")
    assert turns.status_code == 200 and "attachment" in turns.headers["Content-Disposition"]
    text = turns.get_data(as_text=True)
    assert "[00:00:04–00:00:12] Trouver un médecin" in text and "transport" in text
    assert "Bienvenue" not in text and "Invité" not in text  # only their own words
    assert "Aucune transcription" in visitor.get(f"/my-data/{other}").get_data(as_text=True)
    assert transcript_id


def test_erasure_blanks_the_persons_turns(app, demo, login):
    from consult.privacy.services import erase

    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    place_jean(app, transcript_id)
    with app.app_context():
        erase(db.session.get(Participant, person_id(app, "Jean Roy")), reason="request")
        db.session.commit()
        transcript = db.session.get(Transcript, transcript_id)
        assert [turn.text for turn in transcript.turns if turn.position in (2, 5)] == ["", ""]
        assert all(turn.participant_id is None for turn in transcript.turns)
        assert "Bienvenue" in transcript.turns[0].text  # the others' turns stay


def test_purge_deletes_transcripts_past_their_retention_date(app, demo, login, runner):
    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    place_jean(app, transcript_id)
    result = runner.invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Transcript, transcript_id) is not None
        db.session.get(Transcript, transcript_id).retain_until = (datetime.now(timezone.utc) - timedelta(days=1)).date()
        db.session.commit()
    result = runner.invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 transcription" in result.output
    with app.app_context():
        assert db.session.get(Transcript, transcript_id) is None
        assert db.session.scalar(select(Comment).where(Comment.channel == "transcript")) is None


def test_the_report_quotes_a_speaker_only_with_quotation_consent(app, demo, login):
    from consult.reports.report_draft import may_quote
    from consult.transcripts import services

    forum_id = held_forum(app)
    transcript_id = kept_transcript(app, login(("organizer",)), forum_id)
    place_jean(app, transcript_id)
    with app.app_context():
        transcript = db.session.get(Transcript, transcript_id)
        services.place(transcript, 6, 6, None, None)  # the unidentified speaker
        db.session.commit()
        jean, unidentified = db.session.scalars(select(Comment).where(Comment.channel == "transcript")
                                                .order_by(Comment.id)).all()
        assert may_quote(jean) and not may_quote(unidentified)
        jean.participant.consents.append(Consent(purpose="quotation", granted=False, source="my-data"))
        db.session.commit()
        assert not may_quote(db.session.get(Comment, jean.id))


def test_a_kept_transcript_is_deleted_only_from_a_page_that_says_what_goes_with_it(app, demo, login):
    forum_id = held_forum(app)
    organizer = login(("organizer",))
    transcript_id = kept_transcript(app, organizer, forum_id)
    place_jean(app, transcript_id)
    slug = demo
    listing = organizer.get(f"/staff/consultations/{slug}/forums/{forum_id}/transcripts?lang=en").get_data(as_text=True)
    delete_url = f"/staff/consultations/{slug}/forums/{forum_id}/transcripts/{transcript_id}/delete"
    assert f'href="{delete_url}"' in listing  # a link to the confirmation, not a button that deletes
    page = organizer.get(delete_url + "?lang=en").get_data(as_text=True)
    assert "1 placed passage: the comment made of it and its codes are deleted" in page
    with app.app_context():
        assert db.session.get(Transcript, transcript_id) is not None
        assert db.session.scalar(select(Comment.id).where(Comment.passage_id.is_not(None))) is not None
    response = submit_form(organizer, delete_url, {})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Transcript, transcript_id) is None
        assert db.session.scalar(select(Comment.id).where(Comment.passage_id.is_not(None))) is None
