"""The online questionnaire, through its pages: start, personal links, autosave, two tabs, review,
submission and receipt, editing after submission, closing, bad links, invitations and staff views."""
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    Answer,
    AnswerVersion,
    AuditEvent,
    Consent,
    Consultation,
    Invitation,
    OutboxMessage,
    Participant,
    Question,
    Questionnaire,
    QuestionnairePage,
    Response,
    Topic,
)
from consult.questionnaires import builder
from consult.questionnaires.saving import fingerprint
from consult.structure.importer import import_structure
from consult.tokens import make_token
from tests.conftest import SEEDED_DEMO, csrf_token_from, minimal_document

SLUG = "mini"
PRIVACY_EN = "We collect your name, email and answers to analyse the consultation."
TODAY = datetime.now(timezone.utc).date()


def document(**overrides):
    topics = [
        {"code": "G", "kind": "section", "title": {"fr": "Impressions générales", "en": "Overall impressions"}},
        {"code": "1", "kind": "axis", "title": {"fr": "Axe un", "en": "Axis one"}, "children": [
            {"code": "1.1", "kind": "orientation", "title": {"fr": "Orientation un", "en": "Orientation one"}},
            {"code": "1.2", "kind": "orientation", "title": {"fr": "Orientation deux", "en": "Orientation two"}},
        ]},
        {"code": "2", "kind": "axis", "title": {"fr": "Axe deux", "en": "Axis two"}, "children": [
            {"code": "2.1", "kind": "orientation", "title": {"fr": "Orientation trois", "en": "Orientation three"},
             "summary": {"fr": "Résumé", "en": "Summary of 2.1"}},
        ]},
    ]
    values = dict(
        topics=topics,
        categories=[{"code": "researcher", "name": {"fr": "Chercheuse ou chercheur", "en": "Researcher"}}],
        privacy_notice={"fr": "Nous recueillons vos réponses.", "en": PRIVACY_EN},
        channels=[{"kind": "questionnaire", "opens_at": (TODAY - timedelta(days=1)).isoformat(),
                   "closes_at": (TODAY + timedelta(days=30)).isoformat()}],
    )
    values.update(overrides)
    return minimal_document(**values)


@pytest.fixture
def open_questionnaire(app):
    """An open consultation with a published, open-access questionnaire generated from its tree."""
    with app.app_context():
        consultation = import_structure(document(), source="test").consultation
        questionnaire = builder.get_or_create_questionnaire(consultation)
        builder.generate(questionnaire, agreement=True)
        builder.update_settings(questionnaire, {"status": "published", "access": "open",
                                                "opens_at": datetime.now(timezone.utc) - timedelta(days=1),
                                                "closes_at": datetime.now(timezone.utc) + timedelta(days=30)}, None)
        db.session.commit()
        return SimpleNamespace(id=consultation.id, questionnaire_id=questionnaire.id,
                               category_id=consultation.categories[0].id)


@pytest.fixture
def en(client):
    client.get("/?lang=en")
    return client


def set_questionnaire(app, open_questionnaire, **values):
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, open_questionnaire.questionnaire_id)
        for name, value in values.items():
            setattr(questionnaire, name, value)
        db.session.commit()


def question_id(app, code, prompt):
    with app.app_context():
        return db.session.scalar(select(Question.id).join(Topic, Question.topic_id == Topic.id)
                                 .where(Topic.code == code, Question.prompt == prompt))


def start_data(open_questionnaire, **overrides):
    data = {"name": "Ana Tremblay", "email": "ana@example.org", "organisation": "CLSC",
            "category": str(open_questionnaire.category_id), "region": "QC", "country": "", "preferred_language": "en",
            "consent_processing": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def start(client, open_questionnaire, **overrides):
    page = client.get(f"/consultations/{SLUG}/questionnaire/")
    assert page.status_code == 200, page.status_code
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)),
               **start_data(open_questionnaire, **overrides)}
    return client.post(f"/consultations/{SLUG}/questionnaire/", data=payload)


def token_of(location):
    return re.search(r"/questionnaire/([^/]+)/", location).group(1)


def started(client, open_questionnaire, **overrides):
    """Start, then open the personal link from the email, as the person does."""
    response = start(client, open_questionnaire, **overrides)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/consultations/{SLUG}/questionnaire/check-your-email"
    email = start_data(open_questionnaire, **overrides)["email"].strip().lower()
    app = client.application
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
                                  .order_by(OutboxMessage.id.desc())).first()
    token = token_of(body)
    client.get(f"/questionnaire/{token}/")
    return token


def baselines(html):
    return dict(re.findall(r'name="b-(\d+)" value="([^"]*)"', html))


def post_page(client, token, number, answers, *, go="save", autosave=False, base=None):
    """Post a page the way the browser does: every field of the page, with the digests it was shown with."""
    url = f"/questionnaire/{token}/pages/{number}"
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html)}
    shown = base if base is not None else baselines(html)
    for qid, digest in shown.items():
        data[f"b-{qid}"] = digest
        data.setdefault(f"q-{qid}", "")
    for qid, value in answers.items():
        data[f"q-{qid}"] = value
    if autosave:
        return client.post(url + "/autosave", data=data, headers={"HX-Request": "true"})
    data["go"] = go
    return client.post(url, data=data)


def answers_of(app, email="ana@example.org"):
    with app.app_context():
        rows = db.session.execute(select(Question.id, Answer.value).join(Answer.question).join(Answer.response)
                                  .join(Response.participant).where(Participant.email == email)).all()
        return {qid: value for qid, value in rows}


def outbox(app):
    with app.app_context():
        return [(m.to_address, m.subject, m.body_text)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def response_row(app, email="ana@example.org"):
    with app.app_context():
        response = db.session.scalar(select(Response).join(Response.participant).where(Participant.email == email))
        return None if response is None else SimpleNamespace(
            id=response.id, status=response.status, version=response.version, started_at=response.started_at,
            submitted_at=response.submitted_at)


# -- builder --------------------------------------------------------------------------------

def test_generation_makes_one_page_per_section_or_axis_and_five_prompts_per_orientation(app, open_questionnaire):
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, open_questionnaire.questionnaire_id)
        pages = sorted(questionnaire.pages, key=lambda page: page.position)
        assert [page.title_en for page in pages] == ["Overall impressions", "Axis one", "Axis two"]
        axis_one = pages[1]
        prompts = [(question.topic.code, question.prompt) for question in sorted(axis_one.questions,
                                                                                   key=lambda q: q.position)]
        assert prompts == [("1.1", p) for p in ("liked", "disliked", "unclear", "adjust", "missing", "agreement")] + [
            ("1.2", p) for p in ("liked", "disliked", "unclear", "adjust", "missing", "agreement")]
        # A section without sub-sections is asked about itself.
        assert {question.topic.code for question in pages[0].questions} == {"G"}
        first = sorted(axis_one.questions, key=lambda q: q.position)[0]
        assert (first.label_fr, first.label_en, first.kind, first.max_length, first.required) == (
            "Ce que vous appréciez", "What you like", "long_text", 5000, False)


def test_generating_again_adds_nothing_and_keeps_edits(app, open_questionnaire):
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, open_questionnaire.questionnaire_id)
        count = db.session.scalar(select(func.count()).select_from(Question))
        edited = db.session.get(Question, question_id(app, "1.1", "liked"))
        edited.label_en = "What works"
        report = builder.generate(questionnaire, agreement=True)
        db.session.commit()
        assert (report.pages_created, report.questions_created) == (0, 0)
        assert db.session.scalar(select(func.count()).select_from(Question)) == count
        assert db.session.get(Question, edited.id).label_en == "What works"


def test_organizer_generates_with_own_labels_from_the_builder(app, login, open_questionnaire):
    with app.app_context():
        db.session.delete(db.session.get(Questionnaire, open_questionnaire.questionnaire_id))
        db.session.commit()
    client = login(["organizer"])
    url = f"/staff/consultations/{SLUG}/questionnaire/"
    html = client.get(url, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Create the questionnaire" in html
    data = {"csrf_token": csrf_token_from(html), "agreement": ""}
    for prompt, (fr, en) in {"liked": ("Points forts", "Strengths"), "disliked": ("Faiblesses", "Weaknesses"),
                             "unclear": ("Flou", "Unclear"), "adjust": ("À ajuster", "To adjust"),
                             "missing": ("Manques", "Missing")}.items():
        data[f"{prompt}_fr"], data[f"{prompt}_en"] = fr, en
    response = client.post(url + "generate", data=data)
    assert response.status_code == 303
    with app.app_context():
        labels = set(db.session.scalars(select(Question.label_en)))
        assert labels == {"Strengths", "Weaknesses", "Unclear", "To adjust", "Missing"}
        assert db.session.scalar(select(func.count()).select_from(Question)) == 4 * 5  # G, 1.1, 1.2, 2.1
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "questionnaire.generated"))
    # A label left empty in both languages is refused, nothing else is lost.
    data["liked_fr"] = data["liked_en"] = ""
    refused = client.post(url + "generate", data=data)
    assert refused.status_code == 422
    assert 'value="Weaknesses"' in refused.get_data(as_text=True)


def test_organizer_edits_reorders_adds_and_removes_questions(app, login, open_questionnaire):
    client = login(["organizer"])
    base = f"/staff/consultations/{SLUG}/questionnaire"
    liked, disliked = question_id(app, "1.1", "liked"), question_id(app, "1.1", "disliked")
    edit = client.get(f"{base}/questions/{liked}/edit").get_data(as_text=True)
    response = client.post(f"{base}/questions/{liked}/edit", data={
        "csrf_token": csrf_token_from(edit), "label_fr": "Ce qui marche", "label_en": "What works",
        "help_fr": "", "help_en": "Be specific.", "required": "y", "max_length": "800"})
    assert response.status_code == 303
    with app.app_context():
        question = db.session.get(Question, liked)
        assert (question.label_en, question.help_en, question.required, question.max_length) == (
            "What works", "Be specific.", True, 800)
    # Both labels empty: 422 with what was typed.
    refused = client.post(f"{base}/questions/{liked}/edit", data={
        "csrf_token": csrf_token_from(edit), "label_fr": "", "label_en": "", "help_en": "Kept help"})
    assert refused.status_code == 422 and "Kept help" in refused.get_data(as_text=True)

    token = csrf_token_from(edit)
    assert client.post(f"{base}/questions/{disliked}/move", data={"csrf_token": token,
                                                                  "direction": "up"}).status_code == 303
    with app.app_context():
        assert db.session.get(Question, disliked).position < db.session.get(Question, liked).position

    # A general question of each kind, with options.
    new = client.get(f"{base}/questions/new").get_data(as_text=True)
    with app.app_context():
        page_id = db.session.get(Question, liked).page_id
    for kind in ("long_text", "single_choice", "multiple_choice", "likert"):
        response = client.post(f"{base}/questions/new", data={
            "csrf_token": csrf_token_from(new), "page_id": str(page_id), "kind": kind,
            "label_fr": f"Question {kind}", "label_en": f"Question {kind}", "max_length": "5000",
            "options": "" if kind in ("long_text", "likert") else "Oui | Yes\nNon | No"})
        assert response.status_code == 303, (kind, response.get_data(as_text=True))
    with app.app_context():
        added = {q.kind: q for q in db.session.scalars(select(Question).where(Question.topic_id.is_(None)))}
        assert added["single_choice"].options == [{"value": "1", "label_fr": "Oui", "label_en": "Yes"},
                                                  {"value": "2", "label_fr": "Non", "label_en": "No"}]
        assert len(added["likert"].options) == 5
        removable = added["long_text"].id
    # A choice question needs two options.
    refused = client.post(f"{base}/questions/new", data={
        "csrf_token": csrf_token_from(new), "page_id": str(page_id), "kind": "single_choice",
        "label_en": "Lonely", "options": "Only | Only"})
    assert refused.status_code == 422
    assert client.post(f"{base}/questions/{removable}/delete", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(Question, removable) is None


def test_a_question_with_answers_cannot_be_removed(app, client, login, open_questionnaire):
    token = started(client, open_questionnaire)
    liked = question_id(app, "G", "liked")
    assert post_page(client, token, 1, {liked: "Bien"}).status_code == 303
    staff = app.test_client()
    from consult.auth.services import create_or_update_staff
    from tests.conftest import STAFF_PASSWORD
    with app.app_context():
        create_or_update_staff("org@example.org", ["organizer"], STAFF_PASSWORD)
        db.session.commit()
    login_page = staff.get("/staff/login").get_data(as_text=True)
    staff.post("/staff/login", data={"csrf_token": csrf_token_from(login_page), "email": "org@example.org",
                                     "password": STAFF_PASSWORD})
    builder_html = staff.get(f"/staff/consultations/{SLUG}/questionnaire/?lang=en").get_data(as_text=True)
    assert f"/questions/{liked}/delete" not in builder_html
    staff.post(f"/staff/consultations/{SLUG}/questionnaire/questions/{liked}/delete",
               data={"csrf_token": csrf_token_from(builder_html)})
    with app.app_context():
        assert db.session.get(Question, liked) is not None


def test_settings_set_dates_as_whole_days_and_access(app, login, open_questionnaire):
    client = login(["admin"])
    url = f"/staff/consultations/{SLUG}/questionnaire/settings"
    html = client.get(url).get_data(as_text=True)
    response = client.post(url, data={
        "csrf_token": csrf_token_from(html), "title_fr": "Questionnaire", "title_en": "Questionnaire EN",
        "intro_fr": "", "intro_en": "Intro", "access": "invitation", "status": "published",
        "opens_on": "2030-05-06", "closes_on": "2030-06-13"})
    assert response.status_code == 303
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, open_questionnaire.questionnaire_id)
        assert questionnaire.access == "invitation"
        # Montréal is UTC-4 in summer: the whole of June 13 is included.
        assert questionnaire.opens_at == datetime(2030, 5, 6, 4, tzinfo=timezone.utc)
        assert questionnaire.closes_at == datetime(2030, 6, 14, 4, tzinfo=timezone.utc)
    refused = client.post(url, data={"csrf_token": csrf_token_from(html), "title_en": "T", "access": "open",
                                     "status": "published", "opens_on": "2030-06-13", "closes_on": "2030-05-06"})
    assert refused.status_code == 422


# -- starting, identity, one response per person --------------------------------------------

def test_consultation_page_links_to_the_questionnaire(en, open_questionnaire):
    html = en.get(f"/consultations/{SLUG}/").get_data(as_text=True)
    assert f'href="/consultations/{SLUG}/questionnaire/"' in html


def test_a_newcomer_gets_the_link_by_email_and_lands_on_their_personal_page(app, en, open_questionnaire):
    response = start(en, open_questionnaire)
    assert response.status_code == 303
    # Even for a new address the link is not shown: whoever typed it may not own it.
    assert response.headers["Location"] == f"/consultations/{SLUG}/questionnaire/check-your-email"
    [(to, subject, body)] = outbox(app)
    assert to == "ana@example.org" and subject.startswith("Your link to continue")
    location = re.search(r"http://[^/\s]+(/questionnaire/[\w.-]+/)", body).group(1)
    page = en.get(location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 of 4 orientations answered" in html
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert (participant.name, participant.region, participant.preferred_language) == ("Ana Tremblay", "QC", "en")
        assert participant.current_consent("processing") and not participant.current_consent("quotation")
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    # Back through the start form from the same browser: straight to the answers this time.
    again = start(en, open_questionnaire)
    assert re.match(r"^/questionnaire/[\w.-]+/$", again.headers["Location"])


def test_a_one_language_consultation_asks_no_language_and_writes_in_its_own(app, client, open_questionnaire):
    with app.app_context():
        db.session.get(Consultation, open_questionnaire.id).languages = "en"
        db.session.commit()
    page = client.get(f"/consultations/{SLUG}/questionnaire/?lang=fr").get_data(as_text=True)
    assert "Langue de nos courriels" not in page and 'name="preferred_language"' not in page
    response = start(client, open_questionnaire, preferred_language=None)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Participant.preferred_language)) == "en"


def test_start_form_errors_keep_everything_typed(en, open_questionnaire):
    response = start(en, open_questionnaire, consent_processing=None, organisation="Typed organisation")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tick this box to answer the questionnaire" in html
    assert 'value="Typed organisation"' in html and 'value="ana@example.org"' in html


def test_a_known_email_gets_the_link_by_email_never_on_screen(app, en, open_questionnaire):
    started(en, open_questionnaire)
    stranger = app.test_client()
    stranger.get("/?lang=en")
    response = start(stranger, open_questionnaire, name="Someone Else", organisation="Elsewhere", region="ON")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{SLUG}/questionnaire/check-your-email"
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in page and "/questionnaire/ey" not in page
    [(to, subject, body)] = outbox(app)
    assert to == "ana@example.org" and subject.startswith("Your link to continue")
    assert re.search(r"http://\S+/questionnaire/[\w.-]+/", body)
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert (participant.name, participant.organisation, participant.region) == ("Ana Tremblay", "CLSC", "QC")
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_double_submitted_start_form_opens_the_same_response(app, en, open_questionnaire):
    first = started(en, open_questionnaire)
    again = start(en, open_questionnaire)
    assert again.status_code == 303 and token_of(again.headers["Location"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert first


def test_lost_link_answers_the_same_whether_the_address_is_known(app, en, open_questionnaire):
    started(en, open_questionnaire)
    html = en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)
    for email in ("ana@example.org", "nobody@example.org"):
        response = en.post(f"/consultations/{SLUG}/questionnaire/my-link",
                           data={"csrf_token": csrf_token_from(html), "email": email})
        assert response.headers["Location"] == f"/consultations/{SLUG}/questionnaire/check-your-email"
    assert [to for to, _subject, _body in outbox(app)] == ["ana@example.org"]


# -- answering ------------------------------------------------------------------------------

def test_autosave_saves_and_answers_with_the_time_and_new_digests(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    response = post_page(en, token, 2, {liked: "Clear goals.\r\nGood."}, autosave=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # "Saved at 2:30 p.m.": the time's own period ends the sentence, no second one.
    assert re.search(r"Saved at \d{1,2}:\d{2}\s[ap]\.m\.<", html), html
    digest = fingerprint("Clear goals.\nGood.")
    assert f'id="b-{liked}" name="b-{liked}" value="{digest}" hx-swap-oob="true"' in html
    assert answers_of(app) == {liked: "Clear goals.\nGood."}
    assert response_row(app).started_at is not None
    # The same post again changes nothing.
    assert post_page(en, token, 2, {liked: "Clear goals.\r\nGood."}, autosave=True).status_code == 200
    assert answers_of(app) == {liked: "Clear goals.\nGood."}


def test_two_tabs_lose_no_text(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked, missing = question_id(app, "1.1", "liked"), question_id(app, "1.1", "missing")
    # Both tabs open page 2 while it is empty.
    shown = baselines(en.get(f"/questionnaire/{token}/pages/2").get_data(as_text=True))
    # Tab B writes "missing"; tab A, still showing the old page, writes "liked" and sends "missing" empty.
    post_page(en, token, 2, {missing: "Tab B text"}, autosave=True, base=shown)
    post_page(en, token, 2, {liked: "Tab A text"}, autosave=True, base=shown)
    assert answers_of(app) == {liked: "Tab A text", missing: "Tab B text"}
    # The same question in both tabs: the last write wins, and the text it replaced is kept.
    post_page(en, token, 2, {liked: "Tab B later"}, autosave=True, base=shown)
    assert answers_of(app)[liked] == "Tab B later"
    with app.app_context():
        kept = db.session.scalars(select(AnswerVersion.value).join(Answer).where(Answer.question_id == liked))
        assert "Tab A text" in list(kept)


def test_plain_save_buttons_save_and_move(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    agreement = question_id(app, "1.1", "agreement")
    response = post_page(en, token, 2, {liked: "Typed", agreement: "4"}, go="next")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/questionnaire/{token}/pages/3"
    assert answers_of(app) == {liked: "Typed", agreement: "4"}
    assert post_page(en, token, 3, {}, go="previous").headers["Location"] == f"/questionnaire/{token}/pages/2"
    assert post_page(en, token, 3, {}, go="next").headers["Location"] == f"/questionnaire/{token}/review"
    saved = post_page(en, token, 2, {liked: "Typed again"}, go="save")
    assert saved.headers["Location"] == f"/questionnaire/{token}/pages/2"
    html = en.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Your answers are saved." in html and "Typed again</textarea>" in html
    assert '<span class="badge badge-open">Answered</span>' in html
    assert "1 of 4 orientations answered" in html


def test_too_long_answers_are_refused_with_the_text_kept(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked, unclear = question_id(app, "1.1", "liked"), question_id(app, "1.1", "unclear")
    long_text = "x" * 5001
    html = en.get(f"/questionnaire/{token}/pages/2").get_data(as_text=True)
    assert 'maxlength="5000"' in html and "0 / 5000 characters" in html
    response = post_page(en, token, 2, {liked: long_text, unclear: "Short and fine"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This answer has 5001 characters; the limit is 5000." in page
    assert long_text in page and 'aria-invalid="true"' in page
    assert answers_of(app) == {unclear: "Short and fine"}
    autosaved = post_page(en, token, 2, {liked: long_text}, autosave=True)
    assert autosaved.status_code == 422
    assert "Some answers were not saved" in autosaved.get_data(as_text=True)
    # A choice that is not offered is refused too.
    assert post_page(en, token, 2, {question_id(app, "1.1", "agreement"): "9"}).status_code == 422


def test_send_me_a_link_emails_a_link_that_resumes_on_another_device(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "2.1", "liked")
    post_page(en, token, 3, {liked: "Draft from the laptop"}, autosave=True)
    html = en.get(f"/questionnaire/{token}/pages/3").get_data(as_text=True)
    response = en.post(f"/questionnaire/{token}/send-link",
                       data={"csrf_token": csrf_token_from(html), "back": f"/questionnaire/{token}/pages/3"})
    assert response.status_code == 303 and response.headers["Location"] == f"/questionnaire/{token}/pages/3"
    [(to, _subject, body)] = outbox(app)
    link = re.search(r"http://[^/\s]+(/questionnaire/[\w.-]+/)", body).group(1)
    phone = app.test_client()
    assert "Draft from the laptop</textarea>" in phone.get(link + "pages/3").get_data(as_text=True)


def test_save_and_send_me_a_link_keeps_what_was_typed_on_the_page(app, en, open_questionnaire):
    """On a page the button belongs to the page's form: without JavaScript (no autosave), the text typed
    since the last save is saved before the link goes, and the person stays on that page."""
    token = started(en, open_questionnaire)
    liked = question_id(app, "2.1", "liked")
    html = en.get(f"/questionnaire/{token}/pages/3").get_data(as_text=True)
    assert "/send-link" not in html and 'name="go" value="link"' in html
    data = {"csrf_token": csrf_token_from(html), f"q-{liked}": "Typed just before leaving", "go": "link"}
    data.update({f"b-{qid}": digest for qid, digest in baselines(html).items()})
    response = en.post(f"/questionnaire/{token}/pages/3", data=data)
    assert response.status_code == 303 and response.headers["Location"] == f"/questionnaire/{token}/pages/3"
    assert answers_of(app) == {liked: "Typed just before leaving"}
    [(_to, subject, _body)] = outbox(app)
    assert subject.startswith("Your link to continue")
    assert "We have emailed a link to continue" in en.get(response.headers["Location"]).get_data(as_text=True)


def test_review_submit_receipt_and_a_double_submit_counts_once(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked, agreement = question_id(app, "1.1", "liked"), question_id(app, "1.1", "agreement")
    post_page(en, token, 2, {liked: "Strong focus on access.", agreement: "5"})
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    assert "Strong focus on access." in review and "Strongly agree" in review and "Not answered" in review
    data = {"csrf_token": csrf_token_from(review), "version": "0"}
    first = en.post(f"/questionnaire/{token}/submit", data=data)
    second = en.post(f"/questionnaire/{token}/submit", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == f"/questionnaire/{token}/receipt"
    row = response_row(app)
    assert (row.status, row.version) == ("submitted", 1)
    receipt = en.get(f"/questionnaire/{token}/receipt").get_data(as_text=True)
    reference = f"Q{open_questionnaire.questionnaire_id}-{row.id:05d}-1"
    assert reference in receipt and "A copy of your answers is on its way to ana@example.org." in receipt
    [(to, subject, body)] = [message for message in outbox(app) if message[1].startswith("Receipt")]
    assert to == "ana@example.org" and subject.startswith(f"Receipt {reference}")
    assert "Strong focus on access." in body and "Strongly agree" in body and "1.1 – Orientation one" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(func.count()).select_from(AnswerVersion)) == 2


def test_required_questions_must_be_answered_before_submitting(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    required = question_id(app, "2.1", "missing")
    with app.app_context():
        db.session.get(Question, required).required = True
        db.session.commit()
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    response = en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review),
                                                               "version": "0"})
    assert response.status_code == 422
    assert f"/questionnaire/{token}/pages/3#q-{required}" in response.get_data(as_text=True)
    assert response_row(app).status == "draft"
    assert not [subject for _to, subject, _body in outbox(app) if subject.startswith("Receipt")]


def test_answers_can_change_after_submission_and_every_change_is_kept(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    post_page(en, token, 2, {liked: "First version"})
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    post_page(en, token, 2, {liked: "Second version"}, autosave=True)
    post_page(en, token, 2, {liked: "Third version"}, autosave=True)
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    assert "Submit my changes" in review
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "1"})
    with app.app_context():
        versions = db.session.execute(select(AnswerVersion.value, AnswerVersion.response_version)
                                      .order_by(AnswerVersion.id)).all()
    assert versions == [("First version", 1), ("Second version", 1), ("Third version", 1)]
    assert response_row(app).version == 2
    receipts = [subject for _to, subject, _body in outbox(app) if subject.startswith("Receipt")]
    assert len(receipts) == 2 and receipts[1].startswith(f"Receipt Q{open_questionnaire.questionnaire_id}-")
    # Nothing changed since: no new version, no new email.
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    assert "have not changed since" in review
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "2"})
    assert response_row(app).version == 2
    assert len([s for _to, s, _body in outbox(app) if s.startswith("Receipt")]) == 2


# -- closed, not yet open, bad links --------------------------------------------------------

def test_after_closing_the_answers_are_read_only_and_say_why(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    post_page(en, token, 2, {liked: "Saved before closing"})
    html = en.get(f"/questionnaire/{token}/pages/2").get_data(as_text=True)
    set_questionnaire(app, open_questionnaire, closes_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    page = en.get(f"/questionnaire/{token}/pages/2").get_data(as_text=True)
    assert "This questionnaire closed on" in page and "Saved before closing" in page and "<textarea" not in page
    # A page posted after closing is refused and what was typed is shown, to copy.
    response = en.post(f"/questionnaire/{token}/pages/2", data={
        "csrf_token": csrf_token_from(html), f"q-{liked}": "Typed too late", "go": "save"})
    assert response.status_code == 409
    assert "Typed too late" in response.get_data(as_text=True)
    assert answers_of(app) == {liked: "Saved before closing"}
    autosave = en.post(f"/questionnaire/{token}/pages/2/autosave", data={
        "csrf_token": csrf_token_from(html), f"q-{liked}": "Typed too late"}, headers={"HX-Request": "true"})
    assert autosave.status_code == 422 and "the questionnaire is closed" in autosave.get_data(as_text=True)
    start_page = en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)
    assert "The questionnaire closed on" in start_page and 'name="email"' not in start_page.split("lost-link")[0]


def test_not_yet_open(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    set_questionnaire(app, open_questionnaire, opens_at=datetime.now(timezone.utc) + timedelta(days=3))
    response = en.get(f"/questionnaire/{token}/")
    assert response.status_code == 403
    assert "This questionnaire is not open yet" in response.get_data(as_text=True)
    assert "The questionnaire opens on" in en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)


def test_a_draft_questionnaire_is_not_public(app, en, open_questionnaire):
    set_questionnaire(app, open_questionnaire, status="draft")
    assert en.get(f"/consultations/{SLUG}/questionnaire/").status_code == 404


def test_expired_and_tampered_links_get_clear_pages_in_the_persons_language(app, client, open_questionnaire):
    token = started(client, open_questionnaire)
    tampered = client.get(f"/questionnaire/{token[:-3]}abc/", headers={"Accept-Language": "en"})
    assert tampered.status_code == 404
    assert "This link does not work" in tampered.get_data(as_text=True)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
        expired = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="consult.questionnaire",
                                         signer_kwargs={"digest_method": __import__("hashlib").sha256})
        old = expired.dumps({"id": response_id, "v": 1, "n": "x"})
    import time
    from unittest import mock

    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() + 200 * 24 * 3600):
        gone = client.get(f"/questionnaire/{old}/", headers={"Accept-Language": "en"})
    assert gone.status_code == 410
    assert "This link has expired" in gone.get_data(as_text=True)
    # A link made for something else (a forum registration) opens nothing here.
    with app.app_context():
        other = make_token("registration", response_id, 1)
    assert client.get(f"/questionnaire/{other}/").status_code == 404


# -- invitations ----------------------------------------------------------------------------

def test_invitation_only_needs_an_invitation(app, en, open_questionnaire):
    set_questionnaire(app, open_questionnaire, access="invitation")
    page = en.get(f"/consultations/{SLUG}/questionnaire/")
    html = page.get_data(as_text=True)
    assert "by invitation only" in html and 'name="consent_processing"' not in html
    refused = en.post(f"/consultations/{SLUG}/questionnaire/",
                      data={"csrf_token": csrf_token_from(html), **start_data(open_questionnaire)})
    assert refused.status_code == 403
    assert "Only the people invited by the organizers can answer it" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def invite(client, text, language="en", upload=None):
    url = f"/staff/consultations/{SLUG}/questionnaire/invitations"
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html), "emails": text, "language": language}
    if upload is not None:
        data["upload"] = upload
    return client.post(url, data=data, content_type="multipart/form-data")


def test_invitations_report_bad_lines_queue_personal_links_and_never_twice(app, login, open_questionnaire):
    import io

    set_questionnaire(app, open_questionnaire, access="invitation")
    client = login(["organizer"])
    client.get("/?lang=en")
    response = invite(client, "bob@example.org, Bob Gagnon\nnot an email\nCarla@Example.org\nbob@example.org")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Line 2: not an email" in html and "\nnot an email</textarea>" in html
    sent = outbox(app)
    assert sorted(to for to, _s, _b in sent) == ["bob@example.org", "carla@example.org"]
    assert all(re.search(r"/questionnaire/[\w.-]+/", body) for _to, _s, body in sent)
    upload = (io.BytesIO("email;name\ncarla@example.org;Carla\ndan@example.org;Dan\n".encode()), "list.csv")
    again = invite(client, "", upload=upload)
    assert again.status_code == 303
    assert len(outbox(app)) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3
        assert db.session.scalar(select(Participant.name).where(Participant.email == "bob@example.org")) == \
            "Bob Gagnon"
    status = client.get(f"/staff/consultations/{SLUG}/questionnaire/invitations?lang=en").get_data(as_text=True)
    assert status.count(">Waiting to be sent</span>") == 3  # sent once the outbox has delivered them


def invitation_link(app, email):
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                    .order_by(OutboxMessage.id))
        return re.search(r"http://[^/\s]+(/questionnaire/[\w.-]+/)", message.body_text).group(1)


def test_an_invited_person_answers_the_profile_once_and_statuses_follow(app, login, open_questionnaire):
    set_questionnaire(app, open_questionnaire, access="invitation")
    staff = login(["organizer"])
    invite(staff, "bob@example.org\ncarla@example.org")
    link = invitation_link(app, "bob@example.org")
    bob = app.test_client()
    bob.get("/?lang=en")
    first = bob.get(link)
    assert first.status_code == 302 and first.headers["Location"].endswith("/about-you")
    profile = bob.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="email"' not in profile
    refused = bob.post(first.headers["Location"], data={"csrf_token": csrf_token_from(profile), "name": "Bob",
                                                         "region": "", "preferred_language": "en"})
    assert refused.status_code == 422 and 'value="Bob"' in refused.get_data(as_text=True)
    done = bob.post(first.headers["Location"], data={
        "csrf_token": csrf_token_from(profile), "name": "Bob Gagnon", "region": "outside", "country": "France",
        "category": str(open_questionnaire.category_id), "preferred_language": "en", "consent_processing": "y"})
    assert done.status_code == 303
    assert bob.get(link).status_code == 200  # asked once
    with app.app_context():
        assert db.session.scalar(select(Participant.region).where(Participant.email == "bob@example.org")) == "FRA"
    token = token_of(link)
    post_page(bob, token, 1, {question_id(app, "G", "liked"): "Started"})
    status = staff.get(f"/staff/consultations/{SLUG}/questionnaire/invitations?lang=en").get_data(as_text=True)
    assert ">Started</span>" in status and ">Waiting to be sent</span>" in status

    # Remind those who have not submitted: once a day however often the button is pressed.
    for _ in range(2):
        staff.post(f"/staff/consultations/{SLUG}/questionnaire/invitations/remind",
                   data={"csrf_token": csrf_token_from(status)})
    reminders = [to for to, subject, _b in outbox(app) if subject.startswith("Reminder")]
    assert sorted(reminders) == ["bob@example.org", "carla@example.org"]

    review = bob.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    bob.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    status = staff.get(f"/staff/consultations/{SLUG}/questionnaire/invitations?lang=en").get_data(as_text=True)
    assert ">Submitted</span>" in status


# -- staff views of the responses -----------------------------------------------------------

def test_staff_read_responses_with_counts_per_orientation(app, en, login, open_questionnaire):
    token = started(en, open_questionnaire)
    post_page(en, token, 2, {question_id(app, "1.1", "liked"): "Good", question_id(app, "1.2", "unclear"): "Hmm"})
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    other = app.test_client()
    other_token = started(other, open_questionnaire, email="eve@example.org", name="Eve")
    post_page(other, other_token, 2, {question_id(app, "1.1", "missing"): "Data"})

    staff = login(["analyst"])
    html = staff.get(f"/staff/consultations/{SLUG}/questionnaire/responses?lang=en").get_data(as_text=True)
    assert "Ana Tremblay" in html and "Eve" in html
    assert ">Submitted</span>" in html and ">In progress</span>" in html
    counts = re.findall(r'<span class="code">([\w.]+)</span>.*?</th><td class="num">(\d+)</td><td class="num">(\d+)',
                        html)
    assert counts == [("G", "0", "0"), ("1.1", "2", "1"), ("1.2", "1", "1"), ("2.1", "0", "0")]
    only_submitted = staff.get(f"/staff/consultations/{SLUG}/questionnaire/responses?status=submitted&lang=en")
    assert "Eve" not in only_submitted.get_data(as_text=True)
    response_id = response_row(app).id
    detail = staff.get(f"/staff/consultations/{SLUG}/questionnaire/responses/{response_id}?lang=en")
    assert detail.status_code == 200
    assert "Good" in detail.get_data(as_text=True) and "Hmm" in detail.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "questionnaire.response_read")) == 1


def test_consents_of_a_known_person_are_never_withdrawn_by_the_start_form(app, en, open_questionnaire):
    started(en, open_questionnaire, consent_quotation="y")
    stranger = app.test_client()
    start(stranger, open_questionnaire)  # without quotation consent
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert participant.current_consent("quotation") is True
        assert db.session.scalar(select(func.count()).select_from(Consent)
                                 .where(Consent.purpose == "quotation")) == 1


@SEEDED_DEMO
def test_seed_demo_creates_an_open_questionnaire_from_the_tree(app, runner, seed_demo):
    result = seed_demo("--no-staff")
    assert result.exit_code == 0, result.output
    assert "Demo questionnaire:" in result.output
    again = runner.invoke(args=["consult", "seed-demo", "--no-staff"], env={"CONSULT_LANG": "en"})
    assert again.exit_code == 0, again.output
    with app.app_context():
        reference = db.session.scalar(select(Consultation).where(Consultation.slug == "politique-premiere-ligne-2025"))
        questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == reference.id))
        assert questionnaire.access == "open" and questionnaire.state(datetime.now(timezone.utc)) == "open"
        # 14 orientations, 3 vision sub-sections and the overall impressions: 18 subjects × (5 prompts + agreement).
        questions = select(func.count()).select_from(Question).join(QuestionnairePage).where(
            QuestionnairePage.questionnaire_id == questionnaire.id)
        assert db.session.scalar(questions) == 18 * 6
        assert len(questionnaire.pages) == 7
        # The English-only demo asks its own three questions: 5 sub-headings and its section × (3 + agreement).
        other = db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id != reference.id))
        assert sorted({question.prompt for page in other.pages for question in page.questions}) == [
            "agreement", "missing", "rings-true", "would-help"]
    client = app.test_client()
    html = client.get("/consultations/politique-premiere-ligne-2025/?lang=en").get_data(as_text=True)
    assert 'href="/consultations/politique-premiere-ligne-2025/questionnaire/"' in html


def test_no_invitation_for_a_draft_questionnaire_and_no_reminder_after_closing(app, login, open_questionnaire):
    set_questionnaire(app, open_questionnaire, access="invitation", status="draft")
    client = login(["organizer"])
    client.get("/?lang=en")
    response = invite(client, "bob@example.org")
    assert response.status_code == 422
    assert "Invitations can be sent once the questionnaire is published" in response.get_data(as_text=True)
    assert outbox(app) == []


def test_answers_wait_for_the_about_you_page(app, login, open_questionnaire):
    """An invited person who skipped "About you" (no consent yet) cannot save or submit answers."""
    set_questionnaire(app, open_questionnaire, access="invitation")
    client = login(["organizer"])
    invite(client, "bob@example.org")
    [(_to, _subject, body)] = outbox(app)
    token = token_of(body)
    visitor = app.test_client()
    visitor.get("/?lang=en")
    overview = visitor.get(f"/questionnaire/{token}/")
    assert overview.status_code == 302 and overview.headers["Location"].endswith("/about-you")
    page = visitor.get(f"/questionnaire/{token}/pages/1", follow_redirects=True).get_data(as_text=True)
    autosave = visitor.post(f"/questionnaire/{token}/pages/1/autosave",
                            data={"csrf_token": csrf_token_from(page)}, headers={"HX-Request": "true"})
    assert autosave.status_code == 409
    submit = visitor.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(page)})
    assert submit.status_code == 302 and submit.headers["Location"].endswith("/about-you")
    with app.app_context():
        assert not db.session.scalar(select(func.count()).select_from(Response)
                                     .where(Response.status == "submitted"))


def test_an_out_of_date_review_page_does_not_pretend_the_changes_were_sent(app, en, open_questionnaire):
    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    post_page(en, token, 2, {liked: "First version"})
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    post_page(en, token, 2, {liked: "Changed later"}, autosave=True)
    # A review page opened before the first submission is sent again (version 0 is out of date).
    stale = en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    assert stale.headers["Location"] == f"/questionnaire/{token}/review"
    page = en.get(stale.headers["Location"]).get_data(as_text=True)
    assert "Your answers changed since this review page was opened." in page
    assert response_row(app).version == 1
