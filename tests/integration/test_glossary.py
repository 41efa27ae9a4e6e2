"""The glossary: terms defined once, plain text only, first uses marked on the proposal's pages; plain-language
summaries shown first; the readability indicator against the coordinator's target."""
import pytest

from consult.extensions import db
from consult.models import GlossaryTerm, Topic
from consult.structure.exporter import export_structure
from consult.structure.importer import import_structure
from consult.structure.validation import StructureError
from tests.conftest import minimal_document, submit_form

GMF = {"term": {"fr": "GMF", "en": "FMG"},
       "expansion": {"fr": "Groupe de médecine de famille", "en": "Family medicine group"},
       "definition": {"fr": "Équipe de médecins et d’autres professionnels.", "en": "A team of doctors and others."}}


def _consultation(app, **topic_texts):
    document = minimal_document(glossary=[GMF])
    document["topics"][0]["children"][0].update(topic_texts)
    with app.app_context():
        consultation = import_structure(document, source="test").consultation
        db.session.commit()
        return consultation.slug


def test_first_use_is_marked_and_defined_at_the_foot_without_javascript(app, client):
    slug = _consultation(app, body={"fr": "Le GMF travaille avec le GMF voisin.", "en": "The FMG works with others."})
    html = client.get(f"/consultations/{slug}/proposal/1.1?lang=fr").get_data(as_text=True)
    assert html.count('class="term"') == 1, "only the first use is marked"
    assert '<abbr title="Groupe de médecine de famille">GMF</abbr>' in html
    term_id = html.split('href="#term-')[1].split('"')[0]
    assert f'aria-describedby="term-{term_id}-definition"' in html
    assert f'<dt id="term-{term_id}"><dfn>' in html
    assert "Équipe de médecins" in html
    english = client.get(f"/consultations/{slug}/proposal/1.1?lang=en").get_data(as_text=True)
    assert '<abbr title="Family medicine group">FMG</abbr>' in english
    glossary = client.get(f"/consultations/{slug}/glossary?lang=en").get_data(as_text=True)
    assert "Family medicine group: A team of doctors and others." in glossary
    french = client.get(f"/consultations/{slug}/glossary?lang=fr").get_data(as_text=True)
    assert "Groupe de médecine de famille\u00a0: Équipe de médecins" in french  # a no-break space before the colon


def test_plain_language_summary_comes_first_full_text_one_step_away(app, client):
    slug = _consultation(app, plain_summary={"fr": "En bref : plus de soins près de chez vous."},
                         body={"fr": "Le texte complet de l’orientation."})
    html = client.get(f"/consultations/{slug}/proposal/1.1?lang=fr").get_data(as_text=True)
    assert html.index("En bref") < html.index("<details") < html.index("Le texte complet")


def test_structure_glossary_round_trip_and_bad_input(app):
    with app.app_context():
        slug = _consultation(app)
        from tests.factories import consultation_of
        assert export_structure(consultation_of(slug))["glossary"] == [GMF]
        twice = minimal_document(glossary=[GMF, {"term": {"fr": "gmf"}, "definition": {"fr": "Autre"}}])
        with pytest.raises(StructureError, match="twice|deux fois"):
            import_structure(twice, source="test")
        markup = minimal_document(glossary=[{"term": {"fr": "IPS"}, "definition": {"fr": "<b>Infirmière</b>"}}])
        with pytest.raises(StructureError, match="markup|balisage"):
            import_structure(markup, source="test")
        db.session.rollback()
        assert db.session.query(GlossaryTerm).count() == 1


def test_staff_editor_refuses_a_second_definition_and_markup_keeping_what_was_typed(app, client, login):
    slug = _consultation(app)
    login(("coordinator",))
    url = f"/staff/consultations/{slug}/glossary/new"
    twice = submit_form(client, url, {"term_fr": "gmf", "definition_fr": "Encore", "term_en": "", "definition_en": ""})
    assert twice.status_code == 422
    assert "already in the glossary" in twice.get_data(as_text=True) or "déjà" in twice.get_data(as_text=True)
    assert "Encore" in twice.get_data(as_text=True)
    marked = submit_form(client, url, {"term_fr": "IPS", "definition_fr": "<script>x</script>"})
    assert marked.status_code == 422
    ok = submit_form(client, url, {"term_fr": "IPS", "expansion_fr": "Infirmière praticienne spécialisée",
                                   "definition_fr": "Infirmière qui peut poser des diagnostics."})
    assert ok.status_code == 303
    with app.app_context():
        assert db.session.query(GlossaryTerm).count() == 2


def test_readability_indicator_against_the_target(app, client, login):
    slug = _consultation(app, plain_summary={
        "fr": "Vous pouvez voir un médecin près de chez vous. Une infirmière peut aussi vous aider. C’est simple."},
        body={"fr": "L’interdisciplinarité et la collaboration interprofessionnelle constituent des conditions "
                    "essentielles à l’accessibilité organisationnelle des services de première ligne québécois."})
    login(("admin",))
    html = client.get(f"/staff/consultations/{slug}/topics/1.1/edit").get_data(as_text=True)
    section = html[html.index('id="readability-title"'):]
    assert "status-ok" in section and "status-warning" in section
    with app.app_context():
        topic = db.session.query(Topic).filter_by(code="1.1").one()
        assert topic.plain_summary_fr.startswith("Vous pouvez")


def test_the_pre_reading_starts_with_the_glossary_and_marks_terms(app, demo, client):
    from datetime import timedelta

    from consult.models import Forum
    from consult.models.base import utcnow
    from tests.factories import consultation_of, topic_of

    with app.app_context():
        consultation = consultation_of(demo)
        forum = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", capacity=5,
                      starts_at=utcnow() + timedelta(days=10), prereading_kind="dossier",
                      topics=[topic_of(consultation, "1.4")])
        db.session.add(forum)
        db.session.commit()
        forum_id = forum.id
    html = client.get(f"/consultations/{demo}/forums/{forum_id}/dossier?lang=fr").get_data(as_text=True)
    assert html.index('id="dossier-terms"') < html.index('id="dossier-1"')
    for acronym in ("GMF", "IPS", "CLSC", "DSQ", "RLS"):
        assert f">{acronym}</abbr></dfn>" in html
    assert '<a class="term" href="#term-' in html


def test_a_new_term_shows_at_once_on_kept_pages(app, login):
    slug = _consultation(app, body={"fr": "Une IPS suit la personne."})
    visitor = app.test_client()
    page = f"/consultations/{slug}/proposal/1.1?lang=fr"
    assert 'class="term"' not in visitor.get(page).get_data(as_text=True)
    staff = login(("coordinator",))
    assert submit_form(staff, f"/staff/consultations/{slug}/glossary/new", {
        "term_fr": "IPS", "expansion_fr": "Infirmière praticienne spécialisée",
        "definition_fr": "Infirmière qui peut poser des diagnostics."}).status_code == 303
    assert '<abbr title="Infirmière praticienne spécialisée">IPS</abbr>' in app.test_client().get(page).get_data(
        as_text=True)


def test_the_structure_editor_takes_a_plain_language_summary_and_shows_its_readability(app, client, login):
    slug = _consultation(app)
    login(("admin",))
    new = f"/staff/consultations/{slug}/structure/nodes/new?lang=en"
    plain = "You can see a doctor close to home. A nurse can help you too. It is simple and quick for you."
    response = submit_form(client, new, {"code": "2", "parent": "", "root_kind": "axis", "title_fr": "Deux",
                                         "title_en": "Two", "plain_summary_en": plain})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        topic = db.session.query(Topic).filter_by(code="2").one()
        assert topic.plain_summary_en == plain
        topic_id = topic.id
    html = client.get(f"/staff/consultations/{slug}/structure/nodes/{topic_id}?lang=en").get_data(as_text=True)
    assert 'id="readability-title"' in html and "status-ok" in html
