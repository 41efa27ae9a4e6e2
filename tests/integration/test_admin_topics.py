"""Administrators edit topic titles and summaries in both languages."""
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Topic
from tests.conftest import csrf_token_from, submit_form

SLUG = "politique-premiere-ligne-2025"
EDIT = f"/staff/consultations/{SLUG}/topics/3.1/edit"


def form_values(client):
    client.get("/?lang=en")
    html = client.get(EDIT).get_data(as_text=True)
    return html, csrf_token_from(html)


def test_dashboard_shows_the_structure_with_counts(login, demo):
    client = login(["coordinator"])
    html = client.get("/staff/?lang=en").get_data(as_text=True)
    assert f'href="/staff/consultations/{SLUG}/"' in html
    structure = client.get(f"/staff/consultations/{SLUG}/?lang=en").get_data(as_text=True)
    assert "<strong>14</strong> orientations" in structure
    assert "<strong>5</strong> axes" in structure
    assert 'id="topic-3.1"' in structure
    assert "/topics/3.1/edit" not in structure  # coordinators do not edit the structure


def test_admin_edits_the_english_title_and_the_public_page_shows_it(app, login, demo, client):
    login(["admin"])
    response = submit_form(client, EDIT, {
        "title_fr": "Adapter les soins et services à la réalité locale et rapprocher les décisions des communautés",
        "title_en": "Adapt care to local realities",
        "summary_fr": "Résumé", "summary_en": "Summary", "body_fr": "", "body_en": "",
    })
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/consultations/{SLUG}/#topic-3.1")
    public = client.get(f"/consultations/{SLUG}/proposal/3.1?lang=en").get_data(as_text=True)
    assert "Adapt care to local realities" in public
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "topic.edit"))
        assert event.detail["code"] == "3.1"
        assert event.detail["changes"]["title_en"]["to"] == "Adapt care to local realities"


def test_confirmation_message_after_saving(login, demo, client):
    login(["admin"])
    html, token = form_values(client)
    client.post(EDIT, data={"csrf_token": token, "title_fr": "Titre", "title_en": "Title"})
    page = client.get(f"/staff/consultations/{SLUG}/?lang=en").get_data(as_text=True)
    assert "Topic 3.1 saved." in page


def test_empty_titles_are_refused_and_what_was_typed_is_kept(login, demo, client):
    login(["admin"])
    response = submit_form(client, EDIT + "?lang=en", {
        "title_fr": " ", "title_en": "", "summary_en": "My carefully written summary <b>bold</b>",
    }, action=EDIT)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a title in at least one language." in html
    assert "My carefully written summary &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'class="error-summary"' in html and 'href="#title_fr"' in html


def test_too_long_title_is_refused(login, demo, client):
    login(["admin"])
    response = submit_form(client, EDIT, {"title_fr": "x" * 401, "title_en": "ok"})
    assert response.status_code == 422


def test_htmx_posts_get_the_fragment_or_a_redirect_header(login, demo, client):
    login(["admin"])
    _html, token = form_values(client)
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    invalid = client.post(EDIT, data={"title_fr": "", "title_en": ""}, headers=headers)
    assert invalid.status_code == 422
    fragment = invalid.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="topic-form">') and "<html" not in fragment
    assert "HX-Request" in invalid.headers["Vary"]
    valid = client.post(EDIT, data={"title_fr": "Nouveau", "title_en": "New"}, headers=headers)
    assert valid.status_code == 204
    assert valid.headers["HX-Redirect"].endswith(f"/staff/consultations/{SLUG}/#topic-3.1")


def test_saving_without_changes_says_so(app, login, demo, client):
    login(["admin"])
    client.get("/?lang=en")
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.code == "3.1"))
        values = {name: getattr(topic, name) for name in ("title_fr", "title_en", "summary_fr", "summary_en",
                                                         "body_fr", "body_en")}
    submit_form(client, EDIT, values)
    page = client.get(f"/staff/consultations/{SLUG}/?lang=en").get_data(as_text=True)
    assert "Nothing to save: topic 3.1 was not changed." in page


def test_unknown_topic_is_404(login, demo, client):
    login(["admin"])
    assert client.get(f"/staff/consultations/{SLUG}/topics/9.9/edit").status_code == 404


def test_admins_find_an_edit_link_for_every_topic(login, demo):
    client = login(["admin"])
    structure = client.get(f"/staff/consultations/{SLUG}/?lang=en").get_data(as_text=True)
    assert structure.count("/edit\">Edit") == 5 + 5 + 14  # sections (G, V, V.1-V.3), axes, orientations


def test_the_structure_page_leads_each_role_to_its_work(login, demo):
    base = f"/staff/consultations/{SLUG}"
    expected = {
        "organizer": [f"{base}/forums/", f"{base}/questionnaire/", f"{base}/submissions/"],
        "analyst": [f"{base}/forums/", f"{base}/questionnaire/responses", f"{base}/submissions/"],
        "coordinator": [f"{base}/questionnaire/responses", f"{base}/submissions/"],
    }
    for role, links in expected.items():
        client = login([role])
        html = client.get(f"{base}/?lang=en").get_data(as_text=True)
        for link in links:
            assert f'href="{link}"' in html, (role, link)
            assert client.get(link).status_code == 200, (role, link)
        client.post("/staff/logout", data={"csrf_token": csrf_token_from(html)})
