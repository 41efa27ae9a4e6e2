"""The analysis as a REFI-QDA project: exported and valid against the standard's schema, coded by a
second coder in another tool, imported back as their blind codings, and compared on the agreement page."""
import io
import re
import uuid
import zipfile

import pytest
from lxml import etree
from sqlalchemy import func, select

from consult.analysis import codebook
from consult.extensions import db
from consult.models import Code, Coding, SecondCoding, StaffUser
from consult.qdpx.export import NS, SCHEMA
from tests.conftest import minimal_document, submit_form
from tests.factories import consultation_of, make_comment, make_participant

SLUG = "politique-premiere-ligne-2025"
Q = f"{{{NS}}}"


@pytest.fixture
def coded(app, demo):
    """Four comments of three participants, each with main codes; returns the codes' keys by comment id."""
    with app.app_context():
        consultation = consultation_of(SLUG)
        codebook.ensure_codebook(consultation)
        codes = {code.key: code for code in db.session.scalars(select(Code).where(
            Code.consultation_id == consultation.id, Code.kind == "modification"))}
        keys = sorted(codes)[:2]
        people = [make_participant(consultation, f"p{n}@example.org", name=f"Personne {n}", region="QC")
                  for n in range(3)]
        main = {}
        for number, (person, key) in enumerate([(people[0], keys[0]), (people[1], keys[1]), (people[2], keys[0]),
                                                (people[0], keys[1])]):
            comment = make_comment(consultation, f"Commentaire {number} sur l'accès.", topic="1.1",
                                   participant=person)
            db.session.add(Coding(comment_id=comment.id, code_id=codes[key].id))
            main[comment.id] = key
        db.session.commit()
        return main, {key: codes[key].id for key in keys}


def export(runner, tmp_path, *extra) -> bytes:
    path = tmp_path / "project.qdpx"
    result = runner.invoke(args=["consult", "export-qdpx", "--consultation", SLUG, "-o", str(path), *extra])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_export_is_a_valid_refi_qda_project(app, coded, runner, tmp_path):
    main, _codes = coded
    with zipfile.ZipFile(io.BytesIO(export(runner, tmp_path))) as archive:
        document = archive.read("project.qde")
        names = archive.namelist()
        root = etree.fromstring(document)
        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        assert schema.validate(root), schema.error_log
        sources = root.findall(f"{Q}Sources/{Q}TextSource")
        assert len(sources) == 4  # one source per origin document (here: each comment stands alone)
        for source in sources:
            text = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode()
            for selection in source.findall(f"{Q}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end].startswith("Commentaire ")
    assert len([name for name in names if name.startswith("sources/")]) == 4
    assert len(root.findall(f".//{Q}Coding")) == 4
    cases = root.findall(f"{Q}Cases/{Q}Case")
    assert len(cases) == 3 and all(case.get("name").startswith("P-") for case in cases)
    assert b"Personne" not in document and b"example.org" not in document  # pseudonymous
    assert {variable.get("name") for variable in root.findall(f"{Q}Variables/{Q}Variable")} == {
        "Mode de participation", "Volet", "Catégorie", "Province ou pays"}


def coded_elsewhere(data: bytes, recode) -> bytes:
    """What another tool gives back: the exported project with the second coder's codings, made on
    selections of its own (new GUIDs), `recode(selection text) -> code GUID or None`."""
    source_archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source_archive.read("project.qde"))
    for source in root.iter(f"{Q}TextSource"):
        text = source_archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode()
        for selection in list(source.findall(f"{Q}PlainTextSelection")):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            code_guid = recode(text[start:end])
            if code_guid is None:
                continue
            mine = etree.SubElement(source, f"{Q}PlainTextSelection", guid=str(uuid.uuid4()),
                                    startPosition=str(start + 2), endPosition=str(end - 1))
            coding = etree.SubElement(mine, f"{Q}Coding", guid=str(uuid.uuid4()))
            etree.SubElement(coding, f"{Q}CodeRef", targetGUID=code_guid)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source_archive.namelist():
            archive.writestr(name, etree.tostring(root, xml_declaration=True, encoding="utf-8")
                             if name == "project.qde" else source_archive.read(name))
    return out.getvalue()


def code_guids(data: bytes) -> dict[str, str]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    return {code.get("name").split(" – ")[0]: code.get("guid") for code in root.iter(f"{Q}Code")}


def test_second_coder_codings_come_back_and_agreement_shows_kappa(app, coded, runner, tmp_path, login, make_staff):
    main, _codes = coded
    make_staff("second@example.org", ("analyst",))
    blank = export(runner, tmp_path, "--without-codings")
    assert b"<Coding " not in zipfile.ZipFile(io.BytesIO(blank)).read("project.qde")
    guids = code_guids(blank)
    keys = sorted(set(main.values()))
    # The second coder agrees on comments 0, 1 and 3, and gives comment 2 the other code.
    recode = {"Commentaire 0": keys[0], "Commentaire 1": keys[1], "Commentaire 2": keys[1], "Commentaire 3": keys[1]}
    data = coded_elsewhere(blank, lambda text: guids[recode[text[:13]]])
    coordinator = login(("coordinator",))
    page_url = f"/staff/consultations/{SLUG}/analysis/agreement/import"
    with app.app_context():
        second_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == "second@example.org"))
    response = submit_form(coordinator, page_url, {"coder": str(second_id),
                                                   "project": (io.BytesIO(data), "coded.qdpx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SecondCoding)
                                 .where(SecondCoding.coded_at.is_not(None))) == 4
        blind = db.session.scalar(select(func.count()).select_from(Coding).where(Coding.blind.is_(True)))
        assert blind == 4
    page = coordinator.get(f"/staff/consultations/{SLUG}/analysis/agreement").get_data(as_text=True)
    # 4 comments x 2 codes: 6 of 8 decisions agree; kappa = 0.5.
    assert re.search(r"0,50", page), "the overall kappa is shown"


def test_a_project_from_elsewhere_or_with_unknown_sources_is_refused(app, coded, runner, tmp_path, login,
                                                                       make_staff):
    from consult.structure.importer import import_structure

    make_staff("second@example.org", ("analyst",))
    data = export(runner, tmp_path)
    # Another consultation's export.
    with app.app_context():
        other = import_structure(minimal_document(), source="test").consultation
        make_comment(other, "Ailleurs.", topic="1.1")
        db.session.commit()
    other_path = tmp_path / "other.qdpx"
    assert runner.invoke(args=["consult", "export-qdpx", "--consultation", "mini", "-o", str(other_path)]
                         ).exit_code == 0
    refused = runner.invoke(args=["consult", "import-qdpx", str(other_path), "--consultation", SLUG,
                                  "--coder", "second@example.org"])
    assert refused.exit_code != 0 and "consultation" in refused.output
    # A source added in the other tool.
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    sources = root.find(f"{Q}Sources")
    extra = etree.SubElement(sources, f"{Q}TextSource", guid=str(uuid.uuid4()), name="Entrevue ajoutée")
    etree.SubElement(extra, f"{Q}PlainTextContent").text = "Texte"
    out = tmp_path / "extra.qdpx"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", etree.tostring(root))
    refused = runner.invoke(args=["consult", "import-qdpx", str(out), "--consultation", SLUG,
                                  "--coder", "second@example.org"])
    assert refused.exit_code != 0 and "Entrevue ajoutée" in refused.output
    # Not a project at all.
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"not a zip")
    assert runner.invoke(args=["consult", "import-qdpx", str(junk), "--consultation", SLUG,
                               "--coder", "second@example.org"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SecondCoding)) == 0
        assert db.session.scalar(select(func.count()).select_from(Coding).where(Coding.blind.is_(True))) == 0


def test_a_consultation_without_comments_exports_a_valid_empty_project(app, runner, tmp_path):
    """Set up but not yet open: the project still opens in another tool (codebook, no sources)."""
    from consult.structure.importer import import_structure

    with app.app_context():
        import_structure(minimal_document(), source="test")
        db.session.commit()
    path = tmp_path / "empty.qdpx"
    result = runner.invoke(args=["consult", "export-qdpx", "--consultation", "mini", "-o", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log
    assert root.find(f"{Q}Sources") is None
