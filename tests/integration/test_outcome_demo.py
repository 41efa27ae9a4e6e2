"""The demo shows the whole loop at first start: items on comments of several channels, decisions on
some, a reviewed final version and a published outcome page."""
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    ConsultationOutcome,
    Decision,
    ItemSupport,
    ModificationItem,
    ReportVersion,
    ReviewComment,
    ReviewVerdict,
)
from tests.conftest import SEEDED_DEMO


@SEEDED_DEMO
def test_seed_demo_with_activity_publishes_the_loop(app, runner, client, seed_demo):
    result = seed_demo("--with-activity", "--no-staff")
    assert result.exit_code == 0, result.output
    assert "Demo outcome: 5 modification items" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ModificationItem.id))) == 5
        channels = db.session.scalars(select(ItemSupport).where(ItemSupport.item_id == select(
            func.min(ModificationItem.id)).scalar_subquery())).all()
        assert len({support.comment.channel for support in channels}) >= 2
        assert 0 < db.session.scalar(select(func.count(Decision.id))) < 5
        assert db.session.scalar(select(func.count(ReportVersion.id))) == 2
        assert db.session.scalar(select(ReportVersion.final_at).where(ReportVersion.number == 2)) is not None
        assert db.session.scalar(select(ReviewComment.resolved_at)) is not None
        assert db.session.scalar(select(func.count(ReviewVerdict.id))) == 2
        assert db.session.scalar(select(ConsultationOutcome.published_at)) is not None
    page = client.get("/consultations/politique-premiere-ligne-2025/outcome?lang=en").get_data(as_text=True)
    assert "Retained" in page and "Download the final report" in page
    # Loading it again adds nothing.
    again = runner.invoke(args=["consult", "seed-demo", "--with-activity", "--no-staff"], env={"CONSULT_LANG": "en"})
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(ModificationItem.id))) == 5
