"""Staff forms of a consultation held in French alone ask for French text alone: the English fields are
neither shown nor offered, yet an English text already held is carried through the form unchanged.
The settings page, where the languages held are chosen, still offers English."""
import re

import pytest

from consult.analysis import codebook
from consult.extensions import db
from consult.structure.importer import import_structure
from tests.conftest import minimal_document, submit_form
from tests.factories import consultation_of

SLUG = "francais-seulement"


@pytest.fixture
def french_only(app):
    with app.app_context():
        document = minimal_document(slug=SLUG, languages=["fr"], title={"fr": "Énoncé de position"}, topics=[
            {"code": "1", "kind": "axis", "title": {"fr": "Gouvernance partagée"},
             "children": [{"code": "1.1", "kind": "orientation", "title": {"fr": "Des patients dans chaque comité"}}]}])
        consultation = import_structure(document, source="test").consultation
        code = codebook.add_code(consultation, {"label_fr": "Lacune", "label_en": "Gap"}, None)
        db.session.commit()
        return code.id


def english_only(app, slug: str) -> None:
    """An English-only interview study with one part."""
    with app.app_context():
        import_structure(minimal_document(slug=slug, languages=["en"], title={"en": "Interview study"},
                                          topics=[{"code": "1", "kind": "axis", "title": {"en": "Getting care"}}]),
                         source="test")
        db.session.commit()


def visible_english_fields(html: str) -> list[str]:
    return re.findall(r'<(?:input|textarea)(?![^>]*type="hidden")[^>]*\bname="([\w-]*_en)"', html)


@pytest.mark.parametrize("path", ["/analysis/codebook", "/questionnaire/", "/privacy", "/forums/new"])
def test_french_only_consultation_forms_ask_for_no_english(login, french_only, path):
    client = login(("admin", "organizer", "analyst", "coordinator"))
    page = client.get(f"/staff/consultations/{SLUG}{path}?lang=fr")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert visible_english_fields(html) == []
    assert not re.search(r"<fieldset>\s*<legend>Anglais</legend>", html)  # an empty English group shown


def test_an_english_label_already_held_is_kept_when_the_french_one_is_edited(app, login, french_only):
    client = login(("admin", "analyst"))
    url = f"/staff/consultations/{SLUG}/analysis/codebook/{french_only}?lang=fr"
    html = client.get(url).get_data(as_text=True)
    assert visible_english_fields(html) == []
    carried = re.search(r'<input type="hidden" name="label_en" value="([^"]*)">', html)
    assert carried and carried.group(1) == "Gap"
    response = submit_form(client, url, {"label_fr": "Lacune importante", "label_en": carried.group(1),
                                         "description_fr": "", "description_en": "", "shortcut": ""})
    assert response.status_code in (302, 303)
    with app.app_context():
        code = codebook.get_code(consultation_of(SLUG), french_only)
        assert (code.label_fr, code.label_en) == ("Lacune importante", "Gap")


def test_the_settings_page_still_offers_english_to_add_it(login, french_only):
    client = login(("admin",))
    html = client.get(f"/staff/consultations/{SLUG}/settings?lang=fr").get_data(as_text=True)
    assert "title_en" in visible_english_fields(html)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_consultation_forms_give_examples_of_no_other_consultation(login, french_only, lang):
    client = login(("admin",))
    for path in ("/staff/consultations/new", f"/staff/consultations/{SLUG}/settings"):
        html = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        assert not re.search(r"qu[ée]b[ée]c|canadian track|volet canadien|premi[eè]re-ligne|primary-care", html,
                             re.IGNORECASE), path


def test_a_french_only_consultations_sessions_are_offered_in_french_alone(app, login, french_only):
    client = login(("admin", "organizer"))
    html = client.get(f"/staff/consultations/{SLUG}/forums/new?lang=fr").get_data(as_text=True)
    offered = {a or b for a, b in re.findall(r'name="language"[^>]*value="(\w+)"|value="(\w+)"[^>]*name="language"',
                                             html)}
    assert offered == {"fr"}
    # The readability panel judges the French texts alone.
    panel = html.split('class="readability"', 1)[1].split("</section>", 1)[0]
    assert "Description en français\u00a0:" in panel and "en anglais" not in panel


def test_a_forum_of_an_english_only_consultation_defaults_to_english(app, login):
    with app.app_context():
        import_structure(minimal_document(slug="english-only", languages=["en"], title={"en": "Interview study"},
                                          topics=[{"code": "1", "kind": "axis", "title": {"en": "Getting care"}}]),
                         source="test")
        db.session.commit()
    client = login(("organizer",))
    html = client.get("/staff/consultations/english-only/forums/new?lang=en").get_data(as_text=True)
    offered = re.findall(r'<input[^>]*name="language"[^>]*>', html)
    assert len(offered) == 1 and 'value="en"' in offered[0] and "checked" in offered[0]


def test_the_sessions_list_has_no_track_column_without_tracks(app, login, french_only):
    from tests.factories import make_forum

    with app.app_context():
        make_forum(consultation_of(SLUG))
        db.session.commit()
    client = login(("organizer",))
    html = client.get(f"/staff/consultations/{SLUG}/forums/?lang=fr").get_data(as_text=True)
    assert "Forum test" in html and ">Volet<" not in html


def test_the_structure_summary_counts_no_absent_sections_or_tracks(login, french_only):
    client = login(("admin",))
    html = client.get(f"/staff/consultations/{SLUG}/?lang=fr").get_data(as_text=True)
    stats = re.sub(r"<[^>]+>", "", html.split('<ul class="stats">', 1)[1].split("</ul>", 1)[0])
    assert not re.search(r"\b0 (section|volet)\b", stats), stats


def test_the_comment_filters_offer_no_track_without_tracks(login, french_only):
    client = login(("analyst",))
    html = client.get(f"/staff/consultations/{SLUG}/analysis/comments?lang=fr").get_data(as_text=True)
    assert 'name="channel"' in html and 'name="track"' not in html


@pytest.mark.parametrize("path", ["/exports/", "/forums/interview-slots", "/evaluation/"])
def test_help_texts_speak_of_no_track_without_tracks(login, french_only, path):
    client = login(("admin", "organizer", "coordinator"))
    html = client.get(f"/staff/consultations/{SLUG}{path}?lang=fr").get_data(as_text=True)
    assert not re.search(r"(son|même) volet", html), path


def test_reviewers_of_a_french_only_consultation_get_their_emails_in_french(app, login):
    from consult.models import Reviewer

    with app.app_context():
        import_structure(minimal_document(slug="revue-fr", languages=["fr"], title={"fr": "Énoncé"},
                                          topics=[{"code": "1", "kind": "axis", "title": {"fr": "Gouvernance"}}]),
                         source="test")
        db.session.commit()
    client = login(("coordinator",))
    page = client.get("/staff/consultations/revue-fr/reports/versions/?lang=fr").get_data(as_text=True)
    assert "<option value=\"en\"" not in page and 'name="language"' in page
    response = submit_form(client, "/staff/consultations/revue-fr/reports/versions/?lang=fr",
                           {"email": "relecture@example.org", "language": "fr", "required": "y"},
                           action="/staff/consultations/revue-fr/reports/reviewers")
    assert response.status_code == 303
    forged = submit_form(client, "/staff/consultations/revue-fr/reports/versions/?lang=fr",
                         {"email": "autre@example.org", "language": "en", "required": "y"},
                         action="/staff/consultations/revue-fr/reports/reviewers")
    assert forged.status_code == 422
    with app.app_context():
        assert [reviewer.language for reviewer in db.session.scalars(db.select(Reviewer))] == ["fr"]


def test_the_submissions_language_filter_agrees_in_french(login, french_only):
    client = login(("coordinator",))
    html = client.get(f"/staff/consultations/{SLUG}/submissions/?lang=fr").get_data(as_text=True)
    language_filter = html.split('id="filter-language"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">Toutes</option>' in language_filter


def test_a_forum_without_title_in_an_english_only_consultation_is_refused_next_to_the_english_title(app, login):
    english_only(app, "english-titles")
    client = login(("organizer",))
    url = "/staff/consultations/english-titles/forums/new?lang=en"
    response = submit_form(client, url, {"kind": "forum", "language": "en", "title_en": "", "start_date": "2031-03-04",
                                         "start_time": "18:00", "duration_minutes": "90", "capacity": "20",
                                         "prereading_kind": "none"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#title_en"' in html and 'href="#title_fr"' not in html
    assert "Give the session a title." in html


@pytest.mark.parametrize(("path", "field"), [("/analysis/codebook", "label"), ("/glossary/new", "term"),
                                             ("/evaluation/items/new", "label")])
def test_a_text_missing_in_an_english_only_consultation_is_reported_next_to_the_english_field(app, login, path,
                                                                                              field):
    english_only(app, "english-labels")
    client = login(("admin", "analyst", "coordinator"))
    url = f"/staff/consultations/english-labels{path}?lang=en"
    response = submit_form(client, url, {f"{field}_fr": "", f"{field}_en": "", "kind": "long_text"},
                           action=url.split("?")[0])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}_en"' in html and f'href="#{field}_fr"' not in html


def test_the_evaluation_summary_puts_a_no_break_space_before_its_semicolon(login, french_only):
    client = login(("coordinator",))
    html = client.get(f"/staff/consultations/{SLUG}/evaluation/?lang=fr").get_data(as_text=True)
    assert "évaluer sa séance\u00a0;" in html and "séance;" not in html


def test_a_new_code_without_a_label_and_with_a_reserved_key_hears_of_both_at_once(app, login):
    english_only(app, "english-labels")
    client = login(("analyst",))
    url = "/staff/consultations/english-labels/analysis/codebook?lang=en"
    response = submit_form(client, url, {"label_en": "", "shortcut": "j"}, action=url.split("?")[0])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the code a label, in French or in English." in html
    assert "J, K and ? move between comments and open the help: choose another key." in html
    assert 'href="#shortcut"' in html
