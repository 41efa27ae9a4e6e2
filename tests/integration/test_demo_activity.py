"""`seed-demo --with-activity`: participation shaped like the 2025 consultation, made of real records,
then comments, codes and memos; refused when the demo already has activity."""
import html
import re
from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    Code,
    Coding,
    Comment,
    Forum,
    ForumNote,
    Participant,
    Registration,
    Response,
    Submission,
    Topic,
    TopicMemo,
    Transcript,
)
from tests.conftest import SEEDED_DEMO
from tests.factories import consultation_of

SLUG = "politique-premiere-ligne-2025"


@SEEDED_DEMO
def test_seed_demo_with_activity_fills_the_demo_once(app, runner, login, seed_demo):
    result = seed_demo("--with-activity", "--no-staff")
    assert result.exit_code == 0, result.output
    assert re.search(r"Demo activity: 98 participants \(91 took part\), \d+ registrations, 2 questionnaire "
                     r"responses, 35 written submissions", result.output)

    now = datetime.now(timezone.utc)
    with app.app_context():
        consultation = consultation_of(SLUG)
        every_forum = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id)).all()
        forums = [forum for forum in every_forum if forum.ends_at < now]
        # The 13 sessions were held; a second round of 13, nobody registered yet, is open for sign-up.
        assert len(forums) == 13 and len(every_forum) == 26
        assert all(forum.starts_at > now and not forum.registrations for forum in every_forum if forum not in forums)
        statuses = Counter(db.session.scalars(select(Registration.status)))
        assert set(statuses) == {"attended", "no_show"} and statuses["no_show"] >= 6
        assert all(forum.seats_taken <= forum.capacity for forum in forums)
        assert db.session.scalar(select(func.count(Response.id)).where(Response.status == "submitted")) == 2
        assert db.session.scalar(select(func.count(Submission.id)).where(Submission.number.is_not(None))) == 35
        assert db.session.scalar(select(func.count(ForumNote.id))) > 80

        participants = db.session.scalars(select(Participant)).all()
        quotation = Counter(participant.current_consent("quotation") for participant in participants)
        assert quotation[True] > 20 and quotation[False] > 20
        assert all(participant.current_consent("processing") for participant in participants)
        assert all(participant.email.endswith("@example.org") for participant in participants)

        comments = db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)).all()
        assert len(comments) >= 250
        assert {comment.channel for comment in comments} == {"questionnaire", "submission", "forum", "interview",
                                                             "transcript"}
        # Every held session has a short transcript, partly placed on topics.
        transcripts = db.session.scalars(select(Transcript)).all()
        held = {comment.forum_id for comment in comments if comment.channel in ("forum", "interview")}
        assert held <= {transcript.forum_id for transcript in transcripts}
        assert all(transcript.status == "kept" and transcript.passages for transcript in transcripts)
        assert any(len(transcript.passages) < sum(turn.speaker_role == "participant" for turn in transcript.turns)
                   for transcript in transcripts)
        assert {comment.language for comment in comments} == {"fr", "en"}
        written = [comment for comment in comments if comment.channel != "transcript"]  # transcripts: a short script
        assert len({comment.text for comment in written}) > 0.95 * len(written)  # varied
        orientations = {topic.id for topic in db.session.scalars(
            select(Topic).where(Topic.consultation_id == consultation.id, Topic.kind == "orientation"))}
        assert orientations <= {comment.topic_id for comment in comments}

        used = Counter(db.session.scalars(select(Code.key).join(Coding, Coding.code_id == Code.id)))
        assert {"PRECISER", "MODIFIER", "INCLURE", "BONIFIER"} <= set(used)
        assert sum(number for key, number in used.items() if key.startswith("T-")) > 50
        coded = db.session.scalar(select(func.count(func.distinct(Coding.comment_id))))
        assert 0.4 * len(comments) < coded < len(comments)
        assert db.session.scalar(select(func.count(TopicMemo.id))) == 5
        counts = (len(participants), len(comments), sum(used.values()))

    again = runner.invoke(args=["consult", "seed-demo", "--with-activity", "--no-staff"], env={"CONSULT_LANG": "en"})
    assert again.exit_code == 0, again.output
    assert "already has participation" in again.output and "no activity was added" in again.output
    assert re.search(r"participation \(\d+ registrations, \d+ questionnaire responses, \d+ written submissions",
                     again.output)
    with app.app_context():
        assert (db.session.scalar(select(func.count(Participant.id))),
                db.session.scalar(select(func.count(Comment.id))),
                db.session.scalar(select(func.count(Coding.id)))) == counts

    # The report draft has quotes from the seeded comments, attributed anonymously.
    page = html.unescape(login(["coordinator"]).get(f"/staff/consultations/{SLUG}/reports/draft",
                                                    query_string={"lang": "en"}).get_data(as_text=True))
    assert len(re.findall(r"<blockquote", page)) > 20
    with app.app_context():
        for participant in db.session.scalars(select(Participant)):
            assert participant.email not in page and participant.name not in page


def test_sessions_still_to_come_are_moved_into_the_past(app, demo):
    from consult.demo.activity import ActivityRefused, seed_activity
    from consult.demo.forums import add_demo_forums

    now = datetime.now(timezone.utc)
    with app.app_context():
        consultation = consultation_of(demo)
        assert add_demo_forums(consultation, now.date()) == 13
        made = seed_activity(consultation, now)
        db.session.commit()
        assert made.moved_sessions == 13 and made.took_part == 91
        forums = db.session.scalars(select(Forum)).all()
        assert all(forum.ends_at < now for forum in forums)
        try:
            seed_activity(consultation, now)
        except ActivityRefused as refused:
            assert refused.reason == "exists" and refused.details["comments"] == made.comments
        else:
            raise AssertionError("a second run must be refused")


@SEEDED_DEMO
def test_the_demo_comments_read_as_people_wrote_them(app, seed_demo):
    result = seed_demo("--with-activity", "--no-staff")
    assert result.exit_code == 0, result.output
    with app.app_context():
        consultation = consultation_of(SLUG)
        written = db.session.scalars(select(Comment.text).where(
            Comment.consultation_id == consultation.id, Comment.channel.in_(["questionnaire", "submission"]))).all()
        # No sentence pattern repeated: no two remarks open with the same four words.
        openings = Counter(" ".join(text.split()[:4]) for text in written)
        assert openings.most_common(1)[0][1] == 1, openings.most_common(3)
        # Short and long, as people write.
        lengths = sorted(len(text) for text in written)
        assert lengths[0] < 25 and lengths[-1] > 250
        # A few are about something else than the proposal, and no code fits them.
        from consult.demo.texts import COMMENTS, OFF_TOPIC

        elsewhere = {entry["text"] for entry in COMMENTS["remarks"] if entry["topic"] == OFF_TOPIC}
        coded = set(db.session.scalars(select(Comment.text).where(
            Comment.consultation_id == consultation.id, Comment.codings.any())))
        off = [text for text in written if any(remark in text for remark in elsewhere)]
        assert off and not any(remark in text for text in coded for remark in elsewhere)
