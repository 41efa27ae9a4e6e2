"""The flask consult commands, run as an operator would."""
import json

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Consultation, Forum, StaffUser, Topic
from tests.conftest import minimal_document


def write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_then_export_the_same_format(app, runner, tmp_path):
    source = write(tmp_path / "mini.json", minimal_document())
    result = runner.invoke(args=["consult", "import", str(source)], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Created consultation “mini”" in result.output
    out = tmp_path / "out.json"
    result = runner.invoke(args=["consult", "export", "mini", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text("utf-8"))
    assert exported["topics"][0]["children"][0]["themes"] == minimal_document()["topics"][0]["children"][0]["themes"]
    result = runner.invoke(args=["consult", "import", str(out)], env={"CONSULT_LANG": "en"})
    assert "Updated consultation “mini”" in result.output


def test_a_broken_file_names_file_and_place_and_writes_nothing(app, runner, tmp_path):
    document = minimal_document()
    document["topics"][0]["children"][0]["kind"] = "axis"
    source = write(tmp_path / "broken.json", document)
    result = runner.invoke(args=["consult", "import", str(source)], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 1
    assert f"{source}: topics[0].children[0].kind: a “axis” cannot be inside a “axis”" in result.output
    assert "Nothing was imported." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_invalid_json_file(app, runner, tmp_path):
    source = tmp_path / "bad.json"
    source.write_text('{"slug": "x",}', encoding="utf-8")
    result = runner.invoke(args=["consult", "import", str(source)], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 1
    assert f"{source}: line 1, column 14: not valid JSON" in result.output


def test_export_of_an_unknown_slug_fails(runner):
    result = runner.invoke(args=["consult", "export", "nope"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 1 and "nope" in result.output


def test_seed_demo_loads_the_policy_and_prints_staff_logins(app, runner):
    result = runner.invoke(args=["consult", "seed-demo"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    for email in ("admin@example.org", "organizer@example.org", "analyst@example.org", "coordinator@example.org"):
        assert email in result.output
    assert "Created 13 demo forums and interview slots." in result.output
    # The second demo, in English only, counts in its own words.
    assert "caregivers-interview-study" in result.output and "3 key elements, 5 sub-headings" in result.output
    # Running it again changes nothing in the structure.
    again = runner.invoke(args=["consult", "seed-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 2
        reference = db.session.scalar(select(Consultation).where(Consultation.slug == "politique-premiere-ligne-2025"))
        assert db.session.scalar(select(func.count()).select_from(Topic).where(
            Topic.kind == "orientation", Topic.consultation_id == reference.id)) == 14
        assert db.session.scalar(select(func.count()).select_from(Forum)) == 13
        consultation = reference
        from datetime import datetime, timezone

        assert consultation.is_open(datetime.now(timezone.utc))


def test_create_staff_with_several_roles(app, runner):
    result = runner.invoke(args=["consult", "create-staff", "Ana@Example.org", "--role", "analyst",
                                 "--role", "coordinator", "--password", "a long enough password"],
                           env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser))
        assert user.email == "ana@example.org"
        assert user.roles == {"analyst", "coordinator"}
        assert user.password_hash.startswith("$argon2")


def test_create_staff_refuses_a_short_password_and_an_unknown_role(app, runner):
    short = runner.invoke(args=["consult", "create-staff", "a@example.org", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1
    unknown = runner.invoke(args=["consult", "create-staff", "a@example.org", "--role", "king", "--password", "x" * 20])
    assert unknown.exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0
