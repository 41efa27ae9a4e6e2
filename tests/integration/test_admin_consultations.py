"""Administrators create, configure, duplicate, open and archive consultations in the browser."""
import json
import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Code, Consultation, Question, Questionnaire, Topic, Track
from consult.structure.importer import import_structure
from tests.conftest import csrf_token_from, minimal_document, submit_form
from tests.factories import make_comment, make_participant

NEW = "/staff/consultations/new?lang=en"


def new_values(**overrides):
    values = {
        "slug": "interview-study", "languages": ["en"], "title_en": "Interview study", "intro_en": "Tell us.",
        "timezone": "America/Toronto", "opens_on": "2030-03-01", "closes_on": "2030-04-30",
        "submissions-offered": "y", "submissions-opens_on": "2030-03-01", "submissions-closes_on": "2030-04-15",
        "tracks-0-code": "east", "tracks-0-name_en": "Eastern track",
        "categories-0-code": "nurse", "categories-0-name_en": "Nurse",
        "retention_until": "2031-12-31", "privacy_notice_en": "We keep your answers until 2031.",
    }
    values.update(overrides)
    return values


def test_admin_creates_an_english_only_consultation_with_its_settings(app, login, client):
    login(["admin"])
    response = submit_form(client, NEW, new_values())
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/staff/consultations/interview-study/")
    with app.app_context():
        item = db.session.scalar(select(Consultation).where(Consultation.slug == "interview-study"))
        assert (item.status, item.languages, item.timezone, item.title_en) == ("draft", "en", "America/Toronto",
                                                                               "Interview study")
        assert item.closes_at.astimezone(item.tz).isoformat() == "2030-05-01T00:00:00-04:00"  # the last day included
        assert [channel.kind for channel in item.channels] == ["submissions"]
        assert [(track.code, track.name_en) for track in item.tracks] == [("east", "Eastern track")]
        assert [category.code for category in item.categories] == ["nurse"]
        assert item.privacy_notice_en and item.privacy_notice_version
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.create"))


def test_the_creation_form_offers_presets_for_the_level_names_prompts_and_codes(app, login, client):
    login(["admin"])
    page = client.get(NEW).get_data(as_text=True)
    assert "Names of the levels of the structure" in page and ">section / item<" in page
    assert ">Strengths, Concerns, Suggestions<" in page and ">Support, Barrier, Gap<" in page
    response = submit_form(client, NEW, new_values(level_preset="sections", prompt_preset="short",
                                                   codebook_preset="findings"))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(select(Consultation).where(Consultation.slug == "interview-study"))
        assert item.vocabulary.names_for("en") == [("section", "sections"), ("item", "items")]
        assert [prompt["key"] for prompt in item.prompt_set] == ["strengths", "concerns", "suggestions"]
        assert [code["key"] for code in item.codebook_preset["codes"]] == ["SUPPORT", "BARRIER", "GAP"]


def test_bad_input_is_located_and_everything_typed_comes_back(app, login, client):
    login(["admin"])
    response = submit_form(client, NEW, new_values(
        closes_on="2030-02-01", **{"tracks-1-code": "east", "tracks-1-name_en": "Again", "categories-0-name_en": "",
                                   "submissions-closes_on": "2030-01-01"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The last day cannot come before the opening day." in html
    assert "The code “east” is used twice." in html
    assert "Give the name in this language." in html
    assert 'href="#tracks-1-code"' in html and 'href="#submissions-closes_on"' in html
    assert 'value="Interview study"' in html and "We keep your answers until 2031." in html
    with app.app_context():
        assert db.session.scalar(select(Consultation)) is None


def test_a_slug_already_used_is_refused_and_nothing_is_written(app, login, client, demo):
    login(["admin"])
    response = submit_form(client, NEW, new_values(slug=demo))
    assert response.status_code == 422
    assert "Another consultation already uses this address name." in response.get_data(as_text=True)


def test_only_administrators_manage_consultations(login, client):
    login(["coordinator"])
    assert client.get(NEW).status_code == 403
    assert client.get("/staff/consultations/").status_code == 403


def _imported(app, **overrides):
    with app.app_context():
        import_structure(minimal_document(**overrides), source="test")
        db.session.commit()


def test_a_consultation_from_the_documented_format_never_says_open_where_people_would_be_refused(app, client):
    # No privacy notice and no questionnaire: every form would refuse people.
    _imported(app, channels=[{"kind": "submissions", "opens_at": "2020-01-01"},
                             {"kind": "questionnaire", "opens_at": "2020-01-01"}])
    page = client.get("/consultations/mini/?lang=en").get_data(as_text=True)
    ways = page.split('id="ways-title"')[1]
    assert ">Open<" not in ways
    assert ways.count("Not open yet") == 2
    assert "Send a written submission" not in ways and "Answer the questionnaire" not in ways
    assert client.get("/consultations/mini/submissions/new?lang=en").status_code == 410


def test_with_a_notice_the_submissions_channel_opens_and_the_questionnaire_waits_for_its_questions(app, client):
    _imported(app, privacy_notice={"fr": "Avis", "en": "Notice"},
              channels=[{"kind": "submissions", "opens_at": "2020-01-01"},
                        {"kind": "questionnaire", "opens_at": "2020-01-01"}])
    ways = client.get("/consultations/mini/?lang=en").get_data(as_text=True).split('id="ways-title"')[1]
    assert "Send a written submission" in ways and "Answer the questionnaire" not in ways
    assert client.get("/consultations/mini/submissions/new?lang=en").status_code == 200


def test_opening_is_refused_with_the_list_of_what_is_missing(app, login, client):
    login(["admin"])
    _imported(app, status="draft", channels=[{"kind": "questionnaire"}])
    settings = "/staff/consultations/mini/settings?lang=en"
    response = submit_form(client, settings, {}, action="/staff/consultations/mini/open")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The consultation cannot be opened yet." in html
    assert "The privacy notice in French is missing" in html and "The privacy notice in English is missing" in html
    assert "The online questionnaire is offered but has no questions" in html
    with app.app_context():
        assert db.session.scalar(select(Consultation.status)) == "draft"


def test_a_way_of_taking_part_without_its_own_dates_follows_the_consultation_s(app, login, client):
    """Offered without an opening day, submissions open when the consultation opens (and the settings
    page says so, in French with its own punctuation), not never."""
    login(["admin"])
    _imported(app, status="draft", privacy_notice={"fr": "Avis", "en": "Notice"}, channels=[{"kind": "submissions"}])
    settings = "/staff/consultations/mini/settings"
    assert "Contributions écrites\u00a0: ouverture à venir" in client.get(settings + "?lang=fr").get_data(as_text=True)
    # A draft has no public page to link to yet.
    assert 'href="/consultations/mini/"' not in client.get("/staff/consultations/mini/").get_data(as_text=True)
    assert submit_form(client, settings + "?lang=en", {}, action="/staff/consultations/mini/open").status_code == 303
    page = client.get(settings + "?lang=fr").get_data(as_text=True)
    assert "Contributions écrites\u00a0: accueille les participations" in page
    assert 'href="/consultations/mini/"' in client.get("/staff/consultations/mini/").get_data(as_text=True)
    assert "Left empty, it opens with the consultation." in client.get(settings + "?lang=en").get_data(as_text=True)
    assert client.get("/consultations/mini/submissions/new?lang=en").status_code == 200


def test_a_language_added_later_must_have_its_texts_before_the_consultation_opens(app, login, client):
    """A French-only consultation to which English was added: opening names each text the English pages
    would lack (the levels' names, the questions asked about each part, the parts' titles), with a link to
    where to write them, and counts in the right number."""
    login(["admin"])
    levels = [{"singular": {"fr": "axe"}, "plural": {"fr": "axes"}},
              {"singular": {"fr": "recommandation"}, "plural": {"fr": "recommandations"}}]
    _imported(app, status="draft", languages=["fr"], title={"fr": "Énoncé"}, levels=levels,
              prompts=[{"key": "liked", "label": {"fr": "Ce que vous appuyez"}}],
              privacy_notice={"fr": "Avis"}, channels=[{"kind": "submissions"}],
              topics=[{"code": "1", "kind": "axis", "title": {"fr": "Axe un"},
                       "children": [{"code": "1.1", "kind": "orientation", "title": {"fr": "Un"}},
                                    {"code": "1.2", "kind": "orientation", "title": {"fr": "Deux"}}]}])
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        consultation.languages, consultation.title_en, consultation.privacy_notice_en = "fr,en", "Statement", "Notice"
        db.session.commit()
    settings = "/staff/consultations/mini/settings?lang=en"
    refused = submit_form(client, settings, {}, action="/staff/consultations/mini/open")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "The names of the proposal's levels in English are missing" in html
    assert "Some of the questions asked about each part have no wording in English" in html
    assert "3 parts of the proposal have no title in English." in html
    assert 'href="/staff/consultations/mini/vocabulary/"' in html
    assert "no title in French" not in html and "levels in French" not in html
    with app.app_context():
        assert db.session.scalar(select(Consultation.status)) == "draft"


def test_a_ready_consultation_opens_then_is_archived(app, login, client):
    login(["admin"])
    _imported(app, status="draft", privacy_notice={"fr": "Avis", "en": "Notice"},
              channels=[{"kind": "submissions"}])
    settings = "/staff/consultations/mini/settings?lang=en"
    assert submit_form(client, settings, {}, action="/staff/consultations/mini/open").status_code == 303
    assert submit_form(client, settings, {}, action="/staff/consultations/mini/archive").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Consultation.status)) == "archived"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"consultation.open", "consultation.archived"} <= actions


def test_settings_keep_a_track_people_used_and_say_why(app, login, client, demo):
    login(["admin"])
    settings = f"/staff/consultations/{demo}/settings?lang=en"
    html = client.get(settings).get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        code = item.tracks[0].code
        make_comment(item, "Un commentaire", topic="1.1", track=code)
        db.session.commit()
    form = _form_fields(html)
    form["tracks-0-code"] = form["tracks-0-name_fr"] = form["tracks-0-name_en"] = ""
    form["title_en"] = "Changed title, kept on the page"
    form["csrf_token"] = csrf_token_from(html)
    response = client.post(settings, data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Track {code} cannot be removed: 1 session or comment belongs to it." in body
    assert 'value="Changed title, kept on the page"' in body
    with app.app_context():
        item = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        assert code in [track.code for track in item.tracks] and item.title_en != "Changed title, kept on the page"


def _form_fields(html: str) -> dict:
    """The values of a page's form as a browser would send them (inputs, checked boxes, textareas, selects)."""
    import re
    from html import unescape

    values: dict = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = unescape((re.search(r'value="([^"]*)"', tag) or [None, "y"])[1])
        if kind in ("checkbox", "radio"):
            if "checked" in tag:
                values.setdefault(name.group(1), []).append(value)
        elif kind != "submit":
            values[name.group(1)] = value
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = unescape(text.lstrip("\n"))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            values[name] = chosen.group(1) or chosen.group(2)
    return values


def test_saving_the_settings_unchanged_keeps_everything(app, login, client, demo):
    login(["admin"])
    settings = f"/staff/consultations/{demo}/settings?lang=en"
    html = client.get(settings).get_data(as_text=True)
    with app.app_context():
        before = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        snapshot = (before.opens_at, before.closes_at, before.privacy_notice_fr, before.retention_until,
                    [(c.kind, c.opens_at, c.closes_at) for c in before.channels], [t.code for t in before.tracks])
    form = _form_fields(html)
    form["csrf_token"] = csrf_token_from(html)
    response = client.post(settings, data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        after = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        assert (after.opens_at, after.closes_at, after.privacy_notice_fr, after.retention_until,
                [(c.kind, c.opens_at, c.closes_at) for c in after.channels],
                [t.code for t in after.tracks]) == snapshot


def test_duplicate_copies_structure_questionnaire_and_codebook_but_no_people(app, login, client, demo):
    login(["admin"])
    with app.app_context():
        from consult.analysis.codebook import ensure_codebook
        from consult.questionnaires.builder import generate, get_or_create_questionnaire

        item = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        generate(get_or_create_questionnaire(item))
        ensure_codebook(item)
        make_participant(item, "ana@example.org")
        make_comment(item, "Un avis", topic="1.1")
        db.session.commit()
        source_questions = db.session.scalar(select(db.func.count(Question.id)))
        source_codes = len(db.session.scalars(select(Code).where(Code.consultation_id == item.id)).all())
    response = submit_form(client, f"/staff/consultations/{demo}/duplicate?lang=en",
                           {"slug": "copie-2027", "title_fr": "Copie 2027"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        copy = db.session.scalar(select(Consultation).where(Consultation.slug == "copie-2027"))
        original = db.session.scalar(select(Consultation).where(Consultation.slug == demo))
        assert copy.status == "draft" and copy.title_fr == "Copie 2027"
        assert copy.privacy_notice_fr == original.privacy_notice_fr
        assert len(copy.topics) == len(original.topics) and len(copy.tracks) == len(original.tracks)
        questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == copy.id))
        copied = [q for page in questionnaire.pages for q in page.questions]
        assert len(copied) * 2 == db.session.scalar(select(db.func.count(Question.id))) == source_questions * 2
        assert all(q.topic is None or q.topic.consultation_id == copy.id for q in copied)
        assert len(db.session.scalars(select(Code).where(Code.consultation_id == copy.id)).all()) == source_codes
        from consult.models import Participant
        from consult.models.analysis import Comment
        assert not db.session.scalars(select(Participant).where(Participant.consultation_id == copy.id)).all()
        assert not db.session.scalars(select(Comment).where(Comment.consultation_id == copy.id)).all()
        assert json.dumps(sorted(t.code for t in copy.topics)) == json.dumps(sorted(t.code for t in original.topics))
        assert {track.code for track in copy.tracks} == {track.code for track in db.session.scalars(
            select(Track).where(Track.consultation_id == original.id))}
        assert db.session.scalar(select(Topic).where(Topic.consultation_id == copy.id, Topic.code == "1.1"))


def test_publishing_the_questionnaire_turns_its_way_of_taking_part_to_open_on_the_kept_page(app):
    from consult.questionnaires.builder import generate, get_or_create_questionnaire

    _imported(app, privacy_notice={"fr": "Avis", "en": "Notice"},
              channels=[{"kind": "questionnaire", "opens_at": "2020-01-01"}])
    visitor = app.test_client()
    before = visitor.get("/consultations/mini/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Answer the questionnaire" not in before and "being prepared" in before
    with app.app_context():
        questionnaire = get_or_create_questionnaire(db.session.scalar(select(Consultation)))
        generate(questionnaire)
        questionnaire.status = "published"
        db.session.commit()
    after = visitor.get("/consultations/mini/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Answer the questionnaire" in after
    assert visitor.get("/consultations/mini/questionnaire/?lang=en").status_code == 200


def test_the_new_consultation_form_proposes_levels_no_consultation_in_particular_uses(app, login, client):
    login(["admin"])
    for lang, words in (("fr", "section / élément"), ("en", "section / item")):
        page = client.get(f"/staff/consultations/new?lang={lang}").get_data(as_text=True)
        selected = re.search(r'<select[^>]*name="level_preset".*?</select>', page, re.S).group(0)
        chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", selected).group(1)
        assert chosen.strip() == words
