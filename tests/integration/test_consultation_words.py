"""A consultation's own words: level names, prompts and codes from its structure file or its staff
page, checked with located messages; re-imports that keep what was set in the browser; the synoptic
table; a comment's language read from its text."""
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.analysis.codebook import ensure_codebook
from consult.channels.questionnaire import sync_response
from consult.extensions import db
from consult.models import Answer, Code, Comment, Consultation, Question, Response
from consult.questionnaires.builder import generate, get_or_create_questionnaire
from consult.structure.exporter import export_structure
from consult.structure.importer import import_structure
from consult.structure.validation import StructureError
from consult.vocabulary import services as vocabulary
from tests.conftest import minimal_document, submit_form
from tests.factories import consultation_of, make_participant

ROOT = Path(__file__).resolve().parents[2]
RECOMMENDATIONS = [
    {"singular": {"fr": "recommandation principale"}, "plural": {"fr": "recommandations principales"}},
    {"singular": {"fr": "recommandation détaillée"}, "plural": {"fr": "recommandations détaillées"}},
]


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Command-line and service messages in English (outside a request they follow CONSULT_LANG)."""
    monkeypatch.setenv("CONSULT_LANG", "en")


def french_only(**overrides):
    document = minimal_document(
        slug="position", languages=["fr"], title={"fr": "Énoncé de position"}, levels=RECOMMENDATIONS,
        privacy_notice={"fr": "Nous recueillons vos commentaires pour préparer l'énoncé final."},
        topics=[{"code": "1", "kind": "axis", "title": {"fr": "Reconnaître les proches aidants"},
                 "themes": [{"code": "1.T1", "name": {"fr": "Reconnaissance"}}],
                 "children": [{"code": "1.1", "kind": "orientation", "title": {"fr": "Les nommer au dossier"}}]}])
    document.update(overrides)
    return document


# -- the structure file ---------------------------------------------------------------------------

def test_every_field_the_file_accepts_is_documented_and_the_documented_example_imports(ctx):
    doc = (ROOT / "docs" / "structure-format.md").read_text("utf-8")
    schema = json.loads((ROOT / "consult" / "structure" / "schema.json").read_text("utf-8"))
    for name in schema["properties"]:
        assert f"`{name}`" in doc, name
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1).replace("…", "x"))
    consultation = import_structure(example, source="doc").consultation
    assert consultation.vocabulary.term(0, lang="en").text == "main recommendation"
    assert [prompt["key"] for prompt in consultation.prompt_set] == ["liked", "missing"]


def test_a_file_with_several_missing_fields_names_each_once(app, runner, tmp_path):
    document = minimal_document(topics=[{"children": []}, {"code": "2", "kind": "axis"}])
    del document["title"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["consult", "import", str(path)], env={"CONSULT_LANG": "en"})
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if "is required" in line]
    assert sorted(lines) == sorted({
        f"{path}: title: the field “title” is required",
        f"{path}: topics[0].code: the field “code” is required",
        f"{path}: topics[0].kind: the field “kind” is required",
        f"{path}: topics[0].title: the field “title” is required",
        f"{path}: topics[1].title: the field “title” is required",
    }), result.output


def test_levels_prompts_and_codes_are_checked_with_their_place_and_nothing_is_written(ctx):
    document = french_only(
        levels=[RECOMMENDATIONS[0], {"singular": {"fr": "détail"}, "plural": {"fr": ""}}],
        prompts=[{"key": "a", "label": {"fr": "Un"}}, {"key": "a", "label": {"en": "Two"}}],
        codebook={"groups": {"clarify": {"fr": "À préciser"}},
                  "codes": [{"key": "X", "label": {"fr": "X"}, "group": "clarify", "shortcut": "1"},
                            {"key": "X", "label": {"fr": "Y"}, "group": "strengthen", "shortcut": "1"}]})
    with pytest.raises(StructureError) as raised:
        import_structure(document, source="position.json")
    problems = {str(problem) for problem in raised.value.problems}
    assert "levels[1].plural.fr: the plural name is missing in French" in problems
    assert "prompts[1].key: the key “a” is used twice" in problems
    assert "prompts[1].label.en: “en” is not one of the consultation's languages (fr)" in problems or \
        "prompts[1].label.fr: the label is missing in French" in problems
    assert "codebook.codes[1].key: the code “X” is used twice" in problems
    assert "codebook.codes[1].shortcut: the key “1” is given to two codes" in problems
    assert "codebook.groups.strengthen.fr: the group's heading is missing in French" in problems
    assert db.session.scalar(select(Consultation).where(Consultation.slug == "position")) is None


def test_a_second_level_topic_needs_a_second_level_name(ctx):
    with pytest.raises(StructureError) as raised:
        import_structure(french_only(levels=RECOMMENDATIONS[:1]), source="f.json")
    assert [str(problem) for problem in raised.value.problems] == [
        "topics[0].children[0].kind: “levels” names one level: a second-level topic needs a second name"]


def test_a_reimport_keeps_the_privacy_notice_and_dates_set_in_the_browser(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    consultation.privacy_notice_fr = "Avis modifié dans le navigateur."
    consultation.closes_at = datetime(2031, 1, 1, tzinfo=timezone.utc)
    consultation.status = "closed"
    db.session.commit()
    corrected = french_only(title={"fr": "Énoncé de position, corrigé"})
    for name in ("privacy_notice", "status", "levels"):
        corrected.pop(name, None)
    import_structure(corrected, source="f.json")
    db.session.commit()
    consultation = consultation_of("position")
    assert consultation.title_fr == "Énoncé de position, corrigé"
    assert consultation.privacy_notice_fr == "Avis modifié dans le navigateur."
    assert consultation.closes_at == datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert consultation.status == "closed"
    assert consultation.vocabulary.term(1, lang="fr").text == "recommandation détaillée"


def test_export_writes_the_words_back_and_reads_them_again(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    vocabulary.set_prompts(consultation, "short")
    exported = export_structure(consultation)
    assert exported["levels"] == RECOMMENDATIONS
    assert [prompt["label"] for prompt in exported["prompts"]] == [
        {"fr": "Points forts"}, {"fr": "Préoccupations"}, {"fr": "Suggestions"}]
    assert all(set(text) == {"fr"} for text in exported["codebook"]["groups"].values())
    exported["slug"] = "copy"
    copy = import_structure(exported, source="copy").consultation
    assert copy.levels == consultation.levels and copy.prompts == consultation.prompts


# -- the words everywhere ---------------------------------------------------------------------------

def test_pages_count_and_name_the_levels_in_the_consultation_s_words(app, client):
    with app.app_context():
        import_structure(french_only(), source="f.json")
        db.session.commit()
    page = client.get("/consultations/position/?lang=fr").get_data(as_text=True)
    assert "La proposition compte 1 recommandation principale, 1 recommandation détaillée." in page
    english = client.get("/consultations/position/?lang=en").get_data(as_text=True)
    # English interface, French-only names: marked as French inside the English sentence.
    assert 'The proposal has 1 <span lang="fr">recommandation principale</span>' in english
    assert "This consultation is held in French only." in english
    assert not re.search(r"\b(axis|axes|orientation)", re.sub(r"<[^>]+>", " ", english), re.I)
    # The tab's title holds text only: the name's language is marked up in the page, not in the title.
    topic = client.get("/consultations/position/proposal/1.1?lang=en").get_data(as_text=True)
    assert re.search(r"<title>Recommandation détaillée 1\.1 – Les nommer au dossier · [^<]*</title>", topic), \
        re.search(r"<title>.*?</title>", topic, re.S).group(0)
    assert '<p class="eyebrow"><span lang="fr">Recommandation détaillée</span> 1.1</p>' in topic


def test_the_synoptic_table_shows_first_level_themes_and_says_once_that_texts_fall_back(app, client):
    with app.app_context():
        import_structure(french_only(), source="f.json")
        db.session.commit()
    page = client.get("/consultations/position/synoptic?lang=en").get_data(as_text=True)
    assert "Reconnaissance" in page  # a theme of the first-level topic
    assert page.count("Texts missing in this language are shown in French.") == 1
    assert "Available in French only" not in page
    assert "Change targets" not in page  # the consultation has none: no empty column


def test_the_questionnaire_asks_the_consultation_s_prompts(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    vocabulary.set_prompts(consultation, [{"label": {"fr": "Ce qui vous rejoint"}},
                                          {"label": {"fr": "Ce qui manque"}}])
    questionnaire = get_or_create_questionnaire(consultation)
    generate(questionnaire)
    labels = [question.label_fr for page in questionnaire.pages for question in page.questions]
    assert labels == ["Ce qui vous rejoint", "Ce qui manque"]
    assert "recommandation détaillée" in questionnaire.intro_fr and "orientation" not in questionnaire.intro_fr


def test_the_codebook_and_the_report_follow_the_codebook_preset(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    vocabulary.set_codebook_preset(consultation, "findings")
    db.session.commit()
    ensure_codebook(consultation)
    keys = set(db.session.scalars(select(Code.key).where(Code.consultation_id == consultation.id,
                                                         Code.kind == "modification")))
    assert keys == {"SUPPORT", "BARRIER", "GAP"}
    from consult.reports.report_draft import group_title
    assert group_title("strengthen", consultation, "fr") == "Ce qui manque"


def test_a_level_without_a_name_in_a_held_language_is_refused_by_the_service(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    with pytest.raises(vocabulary.VocabularyError) as raised:
        vocabulary.set_levels(consultation, [{"singular": {"fr": "partie"}, "plural": {"fr": "parties"}}])
    assert raised.value.problems == [(["levels"], "the tree has a second level: name it too")]
    with pytest.raises(vocabulary.VocabularyError):
        vocabulary.set_levels(consultation, [{"singular": {"fr": ""}, "plural": {"fr": "x"}}, RECOMMENDATIONS[1]])
    assert consultation.levels == RECOMMENDATIONS


# -- the staff page ---------------------------------------------------------------------------------

def test_the_staff_page_saves_the_words_and_keeps_what_was_typed_on_an_error(app, login):
    with app.app_context():
        import_structure(french_only(), source="f.json")
        db.session.commit()
    client = login(["admin"])
    url = "/staff/consultations/position/vocabulary/"
    page = client.get(url + "?lang=fr").get_data(as_text=True)
    assert 'value="recommandation principale"' in page and "level0_singular_en" not in page
    data = {"depth": "2", "level0_singular_fr": "section", "level0_plural_fr": "sections",
            "level1_singular_fr": "élément", "level1_plural_fr": "",
            "prompt0_fr": "Vos commentaires", "prompt1_fr": "", "group_clarify_fr": "À revoir",
            "group_strengthen_fr": "À ajouter", "codebook_preset": "", "prompt_preset": ""}
    refused = submit_form(client, url, data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="level1_plural_fr-error"' in html and 'value="élément"' in html and 'value="Vos commentaires"' in html
    with app.app_context():
        assert consultation_of("position").levels == RECOMMENDATIONS
    saved = submit_form(client, url, {**data, "level1_plural_fr": "éléments"})
    assert saved.status_code == 303
    with app.app_context():
        consultation = consultation_of("position")
        assert consultation.vocabulary.plural(1, lang="fr").text == "éléments"
        assert [prompt["label"] for prompt in consultation.prompts] == [{"fr": "Vos commentaires"}]
        assert consultation.codebook["groups"]["clarify"] == {"fr": "À revoir"}


def test_a_language_added_later_starts_with_empty_fields_not_the_other_language_s_words(app, login):
    """English added to a French-only consultation: the words page leaves every English field empty
    (levels, prompts, the report's headings), so that nothing French is saved as English."""
    with app.app_context():
        import_structure(french_only(codebook={
            "groups": {"clarify": {"fr": "À préciser"}, "strengthen": {"fr": "À ajouter"}},
            "codes": [{"key": "X", "label": {"fr": "X"}, "group": "clarify", "shortcut": "1"}]}), source="f.json")
        consultation_of("position").languages = "fr,en"
        db.session.commit()
    client = login(["admin"])
    page = client.get("/staff/consultations/position/vocabulary/?lang=en").get_data(as_text=True)
    for name in ("level0_singular_en", "level1_plural_en", "group_clarify_en", "group_strengthen_en"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'value=""' in field or "value=" not in field, field
    assert 'value="À préciser"' in page and 'value="recommandation principale"' in page


def test_only_administrators_edit_the_words(app, login):
    with app.app_context():
        import_structure(french_only(), source="f.json")
        db.session.commit()
    client = login(["analyst"])
    assert client.get("/staff/consultations/position/vocabulary/").status_code == 403


# -- languages ---------------------------------------------------------------------------------------

def _answer(consultation, text, preferred_language):
    questionnaire = get_or_create_questionnaire(consultation)
    generate(questionnaire)
    participant = make_participant(consultation, f"p{preferred_language}{len(text)}@example.org",
                                   language=preferred_language)
    response = Response(questionnaire_id=questionnaire.id, participant=participant, status="submitted",
                        submitted_at=datetime.now(timezone.utc))
    db.session.add(response)
    db.session.flush()
    question = db.session.scalars(select(Question).where(Question.topic_id.is_not(None))).first()
    db.session.add(Answer(response_id=response.id, question_id=question.id, value=text))
    db.session.flush()
    sync_response(response)
    return db.session.scalar(select(Comment).join(Answer).where(Answer.response_id == response.id))


def test_a_french_answer_in_a_french_only_consultation_is_labelled_french(ctx):
    consultation = import_structure(french_only(), source="f.json").consultation
    comment = _answer(consultation, "Il faudrait nommer la personne proche aidante dans le dossier du patient.", "en")
    assert (comment.language, comment.language_source) == ("fr", "detected")


def test_an_english_answer_is_read_as_english_and_a_very_short_one_keeps_the_person_s_choice(ctx):
    consultation = import_structure(minimal_document(), source="m.json").consultation
    english = _answer(consultation, "The care team never asked what I could take on at home.", "fr")
    short = _answer(consultation, "Oui.", "en")
    assert (english.language, english.language_source) == ("en", "detected")
    assert (short.language, short.language_source) == ("en", "person")


def test_an_analyst_corrects_the_language_filters_on_it_and_the_correction_stays(app, login):
    with app.app_context():
        consultation = import_structure(minimal_document(), source="m.json").consultation
        comment = _answer(consultation, "Oui, tout à fait.", "en")
        db.session.commit()
        comment_id, revision = comment.id, comment.revision
    client = login(["analyst"])
    workspace = "/staff/consultations/mini/analysis/comments"
    response = submit_form(client, workspace + "?lang=en",
                           {"language": "fr", "revision": str(revision)},
                           action=f"/staff/consultations/mini/analysis/comments/{comment_id}/language")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.language, comment.language_source) == ("fr", "analyst")
        response_row = db.session.get(Answer, comment.answer_id).response
        sync_response(response_row)  # deriving again keeps the analyst's language
        assert db.session.get(Comment, comment_id).language == "fr"
    french = client.get(workspace, query_string={"language": "fr", "lang": "en"}).get_data(as_text=True)
    english = client.get(workspace, query_string={"language": "en", "lang": "en"}).get_data(as_text=True)
    assert f'id="comment-{comment_id}"' in french and f'id="comment-{comment_id}"' not in english
    assert "corrected by an analyst" in french


def test_a_french_only_report_leaves_the_staff_interface_in_english(app, login):
    with app.app_context():
        import_structure(french_only(), source="f.json")
        db.session.commit()
    client = login(["coordinator"])
    page = client.get("/staff/consultations/position/reports/draft?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and '<article class="report-draft" lang="fr">' in page
    assert "Written in French." in page and "Ce que nous avons entendu" in page
    assert '<html lang="en">' in client.get("/staff/").get_data(as_text=True)


def test_the_topic_editor_offers_only_the_languages_held_and_keeps_the_others(app, login):
    with app.app_context():
        consultation = import_structure(french_only(), source="f.json").consultation
        topic = next(topic for topic in consultation.topics if topic.code == "1.1")
        topic.title_en = "Kept English title"
        db.session.commit()
    client = login(["admin"])
    url = "/staff/consultations/position/topics/1.1/edit"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert 'name="title_fr"' in page and 'name="title_en"' not in page
    saved = submit_form(client, url, {"title_fr": "Les nommer au dossier, corrigé", "summary_fr": "", "body_fr": ""})
    assert saved.status_code == 303
    with app.app_context():
        topic = next(topic for topic in consultation_of("position").topics if topic.code == "1.1")
        assert (topic.title_fr, topic.title_en) == ("Les nommer au dossier, corrigé", "Kept English title")


def test_the_import_report_counts_in_the_consultations_words_and_agrees_in_number(app, runner, tmp_path):
    document = minimal_document(slug="etude-entrevues", languages=["en"], title={"en": "Interview study"},
                                levels=[{"singular": {"en": "key element"}, "plural": {"en": "key elements"}}],
                                topics=[{"code": "0", "kind": "section", "title": {"en": "About the study"}},
                                        {"code": "1", "kind": "axis", "title": {"en": "Trust"}}])
    path = tmp_path / "study.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["consult", "import", str(path)], env={"CONSULT_LANG": "fr"})
    assert result.exit_code == 0, result.output
    assert "1 section, 1 key element, 0 thème, 0 cible de changement." in result.output
    english = runner.invoke(args=["consult", "import", str(path)], env={"CONSULT_LANG": "en"})
    assert "1 section, 1 key element, 0 themes, 0 change targets." in english.output
    assert not re.search(r"\b(axis|axes|orientations?)\b", result.output + english.output)
