"""Importing, re-importing and exporting a consultation's structure."""
import copy
import json

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import AuditEvent, ChangeTarget, Consultation, Theme, Topic, Track
from consult.structure.exporter import export_structure
from consult.structure.importer import import_structure
from tests.conftest import minimal_document


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def demo_file():
    from importlib import resources

    return json.loads(resources.files("consult.data").joinpath("demo-consultation.json").read_text("utf-8"))


def test_demo_has_the_reference_structure(ctx):
    report = import_structure(demo_file(), source="demo")
    db.session.commit()
    assert report.counts["axis"] == 5
    assert report.counts["orientation"] == 14
    consultation = report.consultation
    orientation = db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id, Topic.code == "4.2"))
    assert orientation.parent.code == "4"
    assert [theme.name_fr for theme in orientation.themes][:2] == ["Financement", "Distribution des fonds"]
    assert all(theme.name_en for theme in orientation.themes)
    assert [track.code for track in consultation.tracks] == ["qc", "ca"]


def test_reimport_updates_titles_without_duplicating_or_detaching(ctx):
    first = import_structure(demo_file(), source="demo")
    db.session.commit()
    ids_before = dict(db.session.execute(select(Topic.code, Topic.id)).all())
    theme_ids_before = set(db.session.scalars(select(Theme.id)))
    totals = (count(Topic), count(Theme), count(ChangeTarget), count(Track))

    corrected = demo_file()
    corrected["topics"][2]["children"][0]["title"]["en"] = "Corrected English title"
    report = import_structure(corrected, source="corrected")
    db.session.commit()

    assert not report.created and report.consultation.id == first.consultation.id
    assert (count(Topic), count(Theme), count(ChangeTarget), count(Track)) == totals
    assert dict(db.session.execute(select(Topic.code, Topic.id)).all()) == ids_before
    assert set(db.session.scalars(select(Theme.id))) == theme_ids_before
    assert db.session.scalar(select(Topic.title_en).where(Topic.code == "1.1")) == "Corrected English title"
    assert count(Consultation) == 1


def test_topics_absent_from_a_new_file_are_kept_unless_pruned(ctx):
    import_structure(demo_file(), source="demo")
    db.session.commit()
    smaller = demo_file()
    smaller["topics"][2]["children"].pop()  # orientation 1.4
    report = import_structure(smaller, source="smaller")
    db.session.commit()
    assert "topic 1.4" in report.kept_absent
    assert db.session.scalar(select(Topic).where(Topic.code == "1.4")) is not None

    report = import_structure(smaller, source="smaller", prune=True)
    db.session.commit()
    assert "topic 1.4" in report.pruned
    assert db.session.scalar(select(Topic).where(Topic.code == "1.4")) is None


def test_export_round_trips(ctx):
    import_structure(demo_file(), source="demo")
    db.session.commit()
    consultation = db.session.scalar(select(Consultation))
    exported = export_structure(consultation)
    # Re-importing the export changes nothing, and exporting again gives the same document.
    import_structure(copy.deepcopy(exported), source="export")
    db.session.commit()
    db.session.expire_all()
    assert export_structure(db.session.scalar(select(Consultation))) == exported
    original = demo_file()
    assert exported["slug"] == original["slug"]
    assert exported["topics"][2]["children"][0]["themes"] == original["topics"][2]["children"][0]["themes"]
    assert exported["topics"][0]["title"] == original["topics"][0]["title"]
    assert exported["tracks"] == original["tracks"]


def test_moving_a_topic_to_another_axis_keeps_its_identity(ctx):
    document = minimal_document()
    document["topics"].append({"code": "2", "kind": "axis", "title": {"fr": "Axe deux"}})
    import_structure(copy.deepcopy(document), source="a")
    db.session.commit()
    topic_id = db.session.scalar(select(Topic.id).where(Topic.code == "1.1"))
    orientation = document["topics"][0]["children"].pop()
    document["topics"][1]["children"] = [orientation]
    import_structure(document, source="b")
    db.session.commit()
    moved = db.session.scalar(select(Topic).where(Topic.code == "1.1"))
    assert moved.id == topic_id and moved.parent.code == "2"


def test_import_is_audited(ctx):
    import_structure(minimal_document(), source="mini.json", actor_label="cli")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "structure.import"))
    assert event.detail["source"] == "mini.json" and event.object_id == "mini"


def test_a_closing_date_includes_that_whole_day(ctx):
    import_structure(minimal_document(opens_at="2025-05-06", closes_at="2025-06-13"), source="a")
    db.session.commit()
    consultation = db.session.scalar(select(Consultation))
    local_close = consultation.closes_at.astimezone(consultation.tz)
    assert (local_close.date().isoformat(), local_close.hour) == ("2025-06-14", 0)
    assert consultation.opens_at.astimezone(consultation.tz).isoformat() == "2025-05-06T00:00:00-04:00"


def test_pruning_never_removes_a_topic_people_wrote_about(ctx):
    from datetime import datetime, timedelta, timezone

    from consult.models import Forum

    import_structure(demo_file(), source="demo")
    db.session.commit()
    consultation = db.session.scalar(select(Consultation))
    topic = db.session.scalar(select(Topic).where(Topic.code == "1.4"))
    forum = Forum(consultation_id=consultation.id, title_fr="F",
                  starts_at=datetime.now(timezone.utc) + timedelta(days=3))
    forum.topics = [topic]
    db.session.add(forum)
    db.session.commit()
    smaller = demo_file()
    smaller["topics"][2]["children"].pop()  # orientation 1.4
    report = import_structure(smaller, source="smaller", prune=True)
    db.session.commit()
    assert "topic 1.4 (1 linked records)" in report.kept_absent
    assert db.session.scalar(select(Topic).where(Topic.code == "1.4")) is not None
