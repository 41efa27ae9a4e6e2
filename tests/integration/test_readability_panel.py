"""One readability panel on every staff form that edits public text: the consultation's introduction, the
vocabulary's prompts, questionnaire questions, decisions and the rest, against the coordinator's target, in both
languages; shown without JavaScript from the texts as saved, and recomputed by htmx from what is typed."""
import html as html_module
import json
import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import Consultation, Topic
from consult.questionnaires import builder
from consult.structure.importer import import_structure
from tests.conftest import minimal_document, submit_form

EASY_FR = "Vous pouvez voir un médecin près de chez vous. Une infirmière peut aussi vous aider. C’est simple."
HARD_FR = ("L’interdisciplinarité et la collaboration interprofessionnelle constituent des conditions essentielles "
           "à l’accessibilité organisationnelle des services de première ligne québécois.")
EASY_EN = "You can see a doctor close to home. A nurse can help you too. It is simple and quick for you."


def _consultation(app, **fields) -> str:
    with app.app_context():
        consultation = import_structure(minimal_document(), source="test").consultation
        for name, value in fields.items():
            setattr(consultation, name, value)
        db.session.commit()
        return consultation.slug


def _panel(html: str, panel_id: str = "readability") -> str:
    start = html.index(f'id="{panel_id}"')
    return html[start:html.index("</section>", start)]


def _spec(panel: str) -> list:
    value = re.search(r'name="readability_spec" value="([^"]*)"', panel).group(1)
    return json.loads(html_module.unescape(value))


def test_the_introduction_is_judged_in_both_languages_against_the_target(app, client, login):
    slug = _consultation(app, intro_fr=HARD_FR, intro_en=EASY_EN)
    login(("admin",))
    html = client.get(f"/staff/consultations/{slug}/settings?lang=en").get_data(as_text=True)
    panel = _panel(html)
    assert "the target set for this consultation is 60" in panel
    french = re.search(r"Introduction in French:(.*?)</li>", panel, re.S).group(1)
    english = re.search(r"Introduction in English:(.*?)</li>", panel, re.S).group(1)
    assert "status-warning" in french and "status-ok" in english
    assert "Privacy notice in French" in panel


def test_the_panel_follows_what_is_typed_through_htmx(app, client, login):
    slug = _consultation(app, intro_fr=HARD_FR, intro_en="")
    login(("admin",))
    html = client.get(f"/staff/consultations/{slug}/settings?lang=en").get_data(as_text=True)
    panel = _panel(html)
    assert 'hx-trigger="input changed delay:800ms from:closest form"' in panel
    spec = _spec(panel)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    response = client.post(f"/staff/consultations/{slug}/readability?lang=en", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "intro_fr": EASY_FR, "intro_en": "Too short.",
                                 "readability_spec": json.dumps(spec), "readability_panel": "readability",
                                 "readability_level": "2"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fresh = response.get_data(as_text=True)
    assert "status-ok" in re.search(r"Introduction in French:(.*?)</li>", fresh, re.S).group(1)
    assert "too short to judge" in re.search(r"Introduction in English:(.*?)</li>", fresh, re.S).group(1)
    assert "<html" not in fresh and 'id="readability"' in fresh

    # Without JavaScript the panel's button previews the same on a page of its own; nothing is saved.
    preview = client.post(f"/staff/consultations/{slug}/readability?lang=en",
                          data={"csrf_token": token, "intro_fr": EASY_FR, "intro_en": "",
                                "readability_spec": json.dumps(spec), "readability_panel": "readability",
                                "readability_level": "2"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<html" in page and "Nothing was saved" in page
    assert "status-ok" in re.search(r"Introduction in French:(.*?)</li>", page, re.S).group(1)
    assert 'formaction' not in _panel(page)
    with app.app_context():
        assert db.session.scalar(select(Consultation.intro_fr).where(Consultation.slug == slug)) == HARD_FR
    assert 'formaction="/staff/consultations/' in panel and "formnovalidate" in panel

    bad = client.post(f"/staff/consultations/{slug}/readability", data={
        "csrf_token": token, "readability_spec": json.dumps([["x", "de", ["intro_fr"]]])})
    assert bad.status_code == 400
    client.post("/staff/logout", data={"csrf_token": token})
    anonymous = app.test_client().post(f"/staff/consultations/{slug}/readability",
                                       data={"readability_spec": json.dumps(spec)})
    assert anonymous.status_code in (302, 400)


def test_the_target_is_the_coordinators(app, client, login):
    text = ("Les personnes peuvent consulter une équipe de soins près de leur domicile, avec un suivi adapté "
            "à leurs besoins et à leur situation.")
    slug = _consultation(app, intro_fr=text)
    login(("admin",))
    first = _panel(client.get(f"/staff/consultations/{slug}/settings?lang=en").get_data(as_text=True))
    score = int(re.search(r"Introduction in French:\s*<strong[^>]*>(\d+)</strong>", first).group(1))
    assert submit_form(client, f"/staff/consultations/{slug}/engagement-settings", {
        "evaluation_delay_minutes": "60", "readability_target": str(min(100, score + 1))}).status_code == 303
    raised = _panel(client.get(f"/staff/consultations/{slug}/settings?lang=en").get_data(as_text=True))
    assert f"the target set for this consultation is {min(100, score + 1)}" in raised
    assert "status-warning" in re.search(r"Introduction in French:(.*?)</li>", raised, re.S).group(1)


def test_the_prompts_are_judged_together_on_the_words_page(app, client, login):
    slug = _consultation(app)
    login(("admin",))
    html = client.get(f"/staff/consultations/{slug}/vocabulary/?lang=en").get_data(as_text=True)
    panel = _panel(html)
    assert "Questions asked about each part, in French" in panel
    assert "Questions asked about each part, in English" in panel
    names = dict((lang, names) for _, lang, names in _spec(panel))
    assert "prompt0_fr" in names["fr"] and "prompt1_fr" in names["fr"]
    assert re.search(r"<h2 id=\"readability-title\">", panel)


def test_other_public_texts_have_the_panel(app, client, login):
    slug = _consultation(app)
    login(("admin",))
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        builder.generate(builder.get_or_create_questionnaire(consultation))
        topic_id = db.session.scalar(select(Topic.id).where(Topic.consultation_id == consultation.id,
                                                            Topic.code == "1.1"))
        db.session.commit()
    base = f"/staff/consultations/{slug}"
    pages = [f"{base}/questionnaire/settings", f"{base}/questionnaire/questions/new", f"{base}/outcome",
             f"{base}/evaluation/items/new", f"{base}/analysis/topics/{topic_id}/memo"]
    for page in pages:
        response = client.get(page + "?lang=en")
        assert response.status_code == 200, page
        assert 'class="readability"' in response.get_data(as_text=True), page
