"""The demo holds evaluation answers for its held sessions and a glossary marked on its proposal pages."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import EvaluationAnswer, EvaluationInvitation, Forum, GlossaryTerm
from tests.conftest import SEEDED_DEMO
from tests.factories import consultation_of

SLUG = "politique-premiere-ligne-2025"


@SEEDED_DEMO
def test_demo_has_evaluations_and_a_marked_glossary(app, seed_demo, client, login):
    result = seed_demo("--with-activity", "--no-staff")
    assert result.exit_code == 0, result.output
    now = datetime.now(timezone.utc)
    with app.app_context():
        consultation = consultation_of(SLUG)
        forums = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id)).all()
        held = {forum.id for forum in forums if forum.ends_at < now}
        answered_in = set(db.session.scalars(select(EvaluationAnswer.forum_id).distinct()))
        assert answered_in and answered_in <= held
        assert db.session.scalar(select(func.count(EvaluationInvitation.id)).where(
            EvaluationInvitation.answered.is_(True))) > 40
        terms = {term.term_fr for term in db.session.scalars(select(GlossaryTerm))}
        assert {"GMF", "IPS", "CLSC", "DSQ", "RLS"} <= terms

    french = client.get(f"/consultations/{SLUG}/proposal/1.1?lang=fr").get_data(as_text=True)
    assert '<abbr title="Groupe de médecine de famille">GMF</abbr>' in french
    assert '<abbr title="Infirmière praticienne spécialisée">IPS</abbr>' in french
    english = client.get(f"/consultations/{SLUG}/proposal/1.1?lang=en").get_data(as_text=True)
    assert '<abbr title="Family medicine group">FMG</abbr>' in english

    login(("coordinator",))
    results = client.get(f"/staff/consultations/{SLUG}/evaluation/").get_data(as_text=True)
    assert "evaluation-session" in results and ("fewer than 5" in results or "moins de 5" in results)
