"""A blind second coder cannot read the first coder's codes in exports or the report while their sample is
unsettled; the others can, and so can they once it is settled."""
# ruff: noqa: F811  (pytest fixtures imported from the coding tests are parameters here)
from datetime import datetime, timezone

from sqlalchemy import update

from consult.extensions import db
from consult.models import SecondCoding
from tests.integration.test_analysis_coding import to_code, two_coders  # noqa: F401

SLUG = "politique-premiere-ligne-2025"
PAGES = [f"/staff/consultations/{SLUG}/exports/", f"/staff/consultations/{SLUG}/exports/comments.csv",
         f"/staff/consultations/{SLUG}/reports/draft", f"/staff/consultations/{SLUG}/reports/draft.docx"]


def test_exports_and_the_report_wait_for_the_blind_sample_to_be_settled(app, to_code, two_coders):
    second, coordinator = two_coders["second"], two_coders["coordinator"]
    for url in PAGES:
        response = second.get(url + "?lang=en")
        assert response.status_code == 403, url
        html = response.get_data(as_text=True)
        assert "Not while you code blind" in html and "PRECISER" not in html and "Préciser" not in html
    assert coordinator.get(PAGES[1]).status_code == 200  # who does not code blind exports as before

    with app.app_context():
        db.session.execute(update(SecondCoding).values(settled_at=datetime.now(timezone.utc)))
        db.session.commit()
    for url in PAGES:
        assert second.get(url).status_code == 200, url


VERSIONS = f"/staff/consultations/{SLUG}/reports/versions/"


def test_frozen_report_versions_wait_for_the_blind_sample_to_be_settled_too(app, to_code, two_coders):
    """A coordinator who also codes blind may manage the review, but not read a version while unsettled."""
    from consult.consultations import get_consultation
    from consult.models import StaffUser
    from consult.outcome import review

    second, coordinator = two_coders["second"], two_coders["coordinator"]
    with app.app_context():
        user = db.session.query(StaffUser).filter_by(email="second@example.org").one()
        user.grant("coordinator")
        review.freeze(get_consultation(SLUG), None, datetime.now(timezone.utc))
        db.session.commit()
    pages = [VERSIONS, VERSIONS + "1", VERSIONS + "1.docx"]
    assert coordinator.get(pages[1]).status_code == 200  # who does not code blind reads it as before
    for url in pages:
        response = second.get(url + "?lang=en")
        assert response.status_code == 403, url
        html = response.get_data(as_text=True)
        assert "Not while you code blind" in html and "Version 1" not in html

    with app.app_context():
        db.session.execute(update(SecondCoding).values(settled_at=datetime.now(timezone.utc)))
        db.session.commit()
    for url in pages:
        assert second.get(url).status_code == 200, url
