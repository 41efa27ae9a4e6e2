"""The structure editor and the structure file upload, without JavaScript."""
import io
import json

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Consultation, Topic
from consult.structure.exporter import export_structure
from consult.structure.importer import import_structure
from tests.conftest import csrf_token_from, minimal_document, submit_form
from tests.factories import make_comment

TREE = "/staff/consultations/mini/structure/?lang=en"
NEW = "/staff/consultations/mini/structure/nodes/new?lang=en"


def _mini(app, **overrides):
    with app.app_context():
        import_structure(minimal_document(status="draft", **overrides), source="test")
        db.session.commit()


def _topic(code):
    return db.session.scalar(select(Topic).join(Consultation).where(Consultation.slug == "mini", Topic.code == code))


def test_admin_builds_parts_and_sub_parts_and_reorders_them(app, login, client):
    _mini(app)
    login(["admin"])
    response = submit_form(client, NEW, {"code": "2", "parent": "", "root_kind": "axis", "title_fr": "Deux",
                                         "title_en": "Two", "themes-0-code": "2.T1", "themes-0-fr": "Accès",
                                         "themes-0-en": "Access"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        two = _topic("2")
        assert (two.kind, two.parent_id, two.position, two.themes[0].name_en) == ("axis", None, 1, "Access")
        two_id = two.id
    response = submit_form(client, f"/staff/consultations/mini/structure/nodes/new?parent={two_id}&lang=en",
                           {"code": "2.1", "parent": str(two_id), "title_fr": "Deux-un", "title_en": "Two-one"})
    assert response.status_code == 303
    assert submit_form(client, TREE, {"direction": "up"},
                       action=f"/staff/consultations/mini/structure/nodes/{two_id}/move").status_code == 303
    with app.app_context():
        assert _topic("2.1").kind == "orientation" and _topic("2.1").parent.code == "2"
        assert [t.code for t in db.session.scalars(select(Topic).where(Topic.parent_id.is_(None))
                                                   .order_by(Topic.position))] == ["2", "1"]
    tree = client.get(TREE).get_data(as_text=True)
    assert tree.index(">Two<") < tree.index(">Axis one<")
    public = client.get("/consultations/mini/proposal/2.1?lang=en")
    assert public.status_code in (200, 404)  # a draft consultation is not public


def test_rename_and_move_a_part_to_another_parent(app, login, client):
    _mini(app, topics=[
        {"code": "1", "kind": "axis", "title": {"fr": "Un", "en": "One"},
         "children": [{"code": "1.1", "kind": "orientation", "title": {"fr": "Un-un", "en": "One-one"}}]},
        {"code": "2", "kind": "axis", "title": {"fr": "Deux", "en": "Two"}}])
    login(["admin"])
    with app.app_context():
        node_id, two_id = _topic("1.1").id, _topic("2").id
    response = submit_form(client, f"/staff/consultations/mini/structure/nodes/{node_id}?lang=en",
                           {"code": "2.1", "parent": str(two_id), "title_fr": "Nouveau", "title_en": "Renamed"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        moved = db.session.get(Topic, node_id)
        assert (moved.code, moved.parent.code, moved.title_en) == ("2.1", "2", "Renamed")
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "topic.edit"))


def test_a_code_already_used_is_refused_with_everything_typed_kept(app, login, client):
    _mini(app)
    login(["admin"])
    response = submit_form(client, NEW, {"code": "1.1", "parent": "", "root_kind": "axis", "title_fr": "Typed",
                                         "title_en": "Typed in English"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The code “1.1” is already used in this consultation." in html
    assert 'value="Typed in English"' in html and 'href="#code"' in html


def test_deleting_a_part_people_wrote_about_is_refused_and_says_how_many_comments(app, login, client):
    _mini(app)
    login(["admin"])
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        make_comment(consultation, "Un", topic="1.1")
        make_comment(consultation, "Deux", topic="1.1")
        db.session.commit()
        axis_id = _topic("1").id
    page = f"/staff/consultations/mini/structure/nodes/{axis_id}/delete?lang=en"
    html = client.get(page).get_data(as_text=True)
    assert "People wrote 2 comments about this part or the parts under it: it cannot be deleted." in html
    token = csrf_token_from(client.get(TREE).get_data(as_text=True))
    assert client.post(page, data={"csrf_token": token}).status_code == 409
    with app.app_context():
        assert _topic("1") is not None and _topic("1.1") is not None


def test_deleting_a_part_nobody_wrote_about_removes_it_and_its_sub_parts(app, login, client):
    _mini(app)
    login(["admin"])
    with app.app_context():
        axis_id = _topic("1").id
    response = submit_form(client, f"/staff/consultations/mini/structure/nodes/{axis_id}/delete?lang=en", {})
    assert response.status_code == 303
    with app.app_context():
        assert _topic("1") is None and _topic("1.1") is None


def _upload(client, document, name="structure.json"):
    token = csrf_token_from(client.get(TREE).get_data(as_text=True))
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post("/staff/consultations/mini/structure/upload?lang=en",
                       data={"csrf_token": token, "file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_an_uploaded_file_with_errors_lists_each_problem_at_its_part_and_changes_nothing(app, login, client):
    _mini(app)
    login(["admin"])
    document = minimal_document(status="draft")
    document["topics"][0]["children"].append({"kind": "orientation"})  # no code, no title
    del document["topics"][0]["children"][0]["title"]
    response = _upload(client, document)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<strong>1.1</strong> · <code>topics[0].children[0].title</code>" in html
    assert "<strong>part 2 under 1</strong> · <code>topics[0].children[1].code</code>" in html
    # Each missing field named once, at its part.
    assert html.count("the field “code” is required") == 1 and html.count("the field “title” is required") == 2
    with app.app_context():
        assert _topic("1.1").title_en == "Orientation one"


def test_upload_preview_then_apply_in_one_step_keeps_the_privacy_notice(app, login, client):
    _mini(app)
    login(["admin"])
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        consultation.privacy_notice_en = "Set in the browser"
        make_comment(consultation, "Someone wrote", topic="1.1")
        db.session.commit()
    document = minimal_document(status="draft")
    document["topics"][0]["title"]["en"] = "Axis one, renamed"
    document["topics"][0]["children"] = [
        {"code": "1.2", "kind": "orientation", "title": {"fr": "Nouvelle", "en": "New one"}}]
    preview = _upload(client, document)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Added (1)" in html and "1.2" in html
    assert "Renamed (1)" in html and "Axis one, renamed" in html
    assert "Kept although missing from the file (1)" in html
    with app.app_context():
        assert _topic("1.2") is None  # nothing applied before the confirmation
    response = client.post("/staff/consultations/mini/structure/apply?lang=en",
                           data={"csrf_token": csrf_token_from(html),
                                 "document": json.dumps(document)})
    assert response.status_code == 303
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        assert consultation.privacy_notice_en == "Set in the browser"
        assert _topic("1.2") is not None and _topic("1.1") is not None
        assert _topic("1").title_en == "Axis one, renamed"


def test_download_gives_the_structure_file_import_reads(app, login, client):
    _mini(app)
    login(["admin"])
    response = client.get("/staff/consultations/mini/structure.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        assert json.loads(response.get_data(as_text=True)) == export_structure(db.session.scalar(select(Consultation)))


def test_a_file_without_settings_keeps_the_dates_channels_and_status_set_in_the_browser(app, login, client):
    _mini(app, channels=[{"kind": "submissions", "opens_at": "2030-01-01", "closes_at": "2030-02-01"}],
          tracks=[{"code": "east", "name": {"fr": "Est", "en": "East"}}],
          opens_at="2030-01-01", closes_at="2030-03-01")
    login(["admin"])
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        consultation.status = "open"
        db.session.commit()
        before = (consultation.opens_at, consultation.closes_at,
                  [(c.kind, c.opens_at, c.closes_at) for c in consultation.channels],
                  [t.code for t in consultation.tracks])
    document = minimal_document()
    for key in ("status",):
        document.pop(key)
    document["topics"][0]["title"]["en"] = "Axis one, corrected"
    html = _upload(client, document).get_data(as_text=True)
    response = client.post("/staff/consultations/mini/structure/apply?lang=en",
                           data={"csrf_token": csrf_token_from(html), "document": json.dumps(document)})
    assert response.status_code == 303
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        assert consultation.status == "open"
        assert (consultation.opens_at, consultation.closes_at,
                [(c.kind, c.opens_at, c.closes_at) for c in consultation.channels],
                [t.code for t in consultation.tracks]) == before
        assert _topic("1").title_en == "Axis one, corrected"
