"""The analysis filter's "Outside Canada" countries come from the regions in use, found with one index
seek per region rather than a read of every participant (EXPLAIN on SQLite and PostgreSQL)."""
from sqlalchemy import select, text

from consult.analysis.forms import _REGIONS_IN_USE, FilterForm, regions_in_use
from consult.extensions import db
from consult.models import Participant
from tests.factories import consultation_of, make_participant


def test_the_regions_in_use_are_every_distinct_one(app, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        for number, region in enumerate(["QC", "ON", "QC", "FR", "US", "FR", "", "NB", "QC"]):
            make_participant(consultation, f"person{number}@example.org", region=region)
        db.session.commit()
        expected = set(db.session.scalars(select(Participant.region).where(
            Participant.consultation_id == consultation.id).distinct()))
        found = regions_in_use(consultation.id)
        assert set(found) == expected and len(found) == len(expected)
        with app.test_request_context("/?lang=en"):
            form = FilterForm(consultation, {})
            outside = dict(form.province.choices)[next(key for key in form.province.choices
                                                       if str(key) == "Outside Canada")]
        assert [code for code, _name in outside] == ["FR", "US"]  # France, United States


def test_the_plan_seeks_the_region_index(app, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        sql = _REGIONS_IN_USE.text
        if db.engine.dialect.name == "sqlite":
            plan = "\n".join(row[-1] for row in db.session.execute(
                text("EXPLAIN QUERY PLAN " + sql), {"consultation_id": consultation.id}))
            assert "ix_participant_consultation_region" in plan
            assert "SCAN participant" not in plan
        else:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(row[0] for row in db.session.execute(
                text("EXPLAIN " + sql), {"consultation_id": consultation.id}))
            assert "ix_participant_consultation_region" in plan
            assert "Seq Scan" not in plan
