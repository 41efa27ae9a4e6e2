"""The demo consultation comes with its forums laid out as the 2025 consultation ran."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from consult.demo.forums import add_demo_forums
from consult.extensions import db
from consult.models import Consultation, Forum


def test_demo_forums_follow_the_reference_method(app, demo):
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        assert add_demo_forums(consultation, date.today()) == 13
        db.session.commit()
        forums = db.session.scalars(select(Forum)).all()
        by_track = {}
        for forum in forums:
            by_track.setdefault((forum.track.code, forum.kind), []).append(forum)
        quebec = by_track[("qc", "forum")]
        canada = by_track[("ca", "forum")]
        interviews = by_track[("ca", "interview")]
        assert len(quebec) == 4 and {f.duration_minutes for f in quebec} == {90}
        assert all(len(f.topics) == 5 and f.prereading_kind == "synoptic" and f.recorded for f in quebec)
        assert len(canada) == 6 and {f.duration_minutes for f in canada} == {75}
        assert all(f.prereading_kind == "dossier" and f.topics for f in canada)
        assert len(interviews) == 3 and {(f.capacity, f.duration_minutes) for f in interviews} == {(1, 60)}
        now = datetime.now(timezone.utc)
        assert all(f.starts_at > now and f.starts_at.weekday() < 5 for f in forums)
        # Noon in Montréal is stored as 16:00 or 17:00 UTC depending on daylight saving time.
        assert all(f.starts_at.astimezone(consultation.tz).hour == 12 for f in quebec)
        # Loading the demo again adds nothing.
        assert add_demo_forums(consultation, date.today()) == 0


def test_demo_sessions_can_all_be_signed_up_for(app, runner):
    """Every demo session falls while the demo's forum sign-up is open."""
    result = runner.invoke(args=["consult", "seed-demo", "--no-staff"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        channel = next(channel for channel in consultation.channels if channel.kind == "forums")
        now = datetime.now(timezone.utc)
        assert channel.state(now) == "open"
        assert all(now < forum.starts_at < channel.closes_at for forum in db.session.scalars(select(Forum)))
