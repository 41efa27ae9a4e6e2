"""What is refused on the way in, with its reason in the reader's language and nothing half-kept: files
that are not transcripts, timecodes out of order or overlapping, a tampered speakers' mapping, a session
not yet held, and REFI-QDA projects from elsewhere; and the command line's counts in both languages."""
import io
import zipfile

import pytest
from lxml import etree
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Coding, Participant, SecondCoding, Transcript, Turn
from tests.conftest import csrf_token_from, minimal_document, submit_form
from tests.factories import consultation_of, make_comment
from tests.integration.test_transcripts import SLUG, VTT, held_forum, person_id, upload

pytestmark = pytest.mark.usefixtures("uploads_in_tmp")

OVERLAPPING = b"WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA: un\n\n00:00:03.000 --> 00:00:06.000\nB: deux\n"
UNORDERED = b"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA: un\n\n00:00:01.000 --> 00:00:02.000\nB: deux\n"
NO_SPEAKERS = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour.\n\n00:00:02.000 --> 00:00:03.000\nSalut.\n"


def nothing_kept(app):
    with app.app_context():
        assert db.session.scalar(select(func.count(Transcript.id))) == 0
        assert db.session.scalar(select(func.count(Turn.id))) == 0


@pytest.mark.parametrize(("data", "filename", "french", "english"), [
    (OVERLAPPING, "zoom.vtt", "Le sous-titre 2 chevauche le précédent.", "Cue 2 overlaps the one above it."),
    (UNORDERED, "zoom.vtt", "le sous-titre 2 commence avant le précédent", "cue 2 starts before the one above it"),
    (NO_SPEAKERS, "teams.vtt", "ne nomment pas leurs interlocuteurs", "do not name their speakers"),
    (b"PK\x03\x04 not a zip", "notes.docx", "Le document Word n", "The Word document could not be read."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png", "n&#39;est pas du texte", "The file is not text"),
])
def test_a_bad_file_is_refused_in_both_languages_and_nothing_is_kept(app, demo, login, data, filename, french,
                                                                       english):
    forum_id = held_forum(app)
    client = login(("organizer",))
    refused = upload(client, forum_id, data, filename)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert french in html, html[html.find("error-summary"):][:600]
    assert 'value="2030-01-31"' in html  # what was typed is kept
    client.get("/?lang=en")
    refused = upload(client, forum_id, data, filename)
    assert refused.status_code == 422
    assert english in refused.get_data(as_text=True)
    nothing_kept(app)


def test_a_speaker_mapped_to_someone_not_at_the_session_keeps_nothing(app, demo, login):
    forum_id = held_forum(app)
    with app.app_context():
        outsider = Participant(consultation_id=consultation_of(SLUG).id, email="x@example.org", name="Hors Séance",
                               region="QC", preferred_language="fr")
        db.session.add(outsider)
        db.session.commit()
        outsider_id = outsider.id
    client = login(("organizer",))
    location = upload(client, forum_id, VTT.encode()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    refused = client.post(location, data={"csrf_token": csrf_token_from(page), "speaker_1": "facilitator",
                                          "speaker_2": str(outsider_id),
                                          "speaker_3": str(person_id(app, "Claire Dubé")),
                                          "speaker_4": "unidentified"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Jean Roy\u00a0: Choisissez l'une des personnes proposées." in html
    with app.app_context():
        assert db.session.scalar(select(Transcript.status)) == "draft"
        assert db.session.scalar(select(func.count(Turn.id)).where(Turn.participant_id.is_not(None))) == 0


def test_the_command_line_counts_in_both_languages_and_refuses_a_session_not_held(app, demo, runner, tmp_path):
    held = held_forum(app)
    upcoming = held_forum(app, days_ago=-3, people=())
    path = tmp_path / "zoom.vtt"
    path.write_text(VTT, encoding="utf-8")
    one = tmp_path / "one.srt"
    one.write_text("1\n00:00:01,000 --> 00:00:02,000\nAna: Bonjour.\n", encoding="utf-8")

    def run(file, forum, lang, *extra):
        return runner.invoke(args=["consult", "import-transcript", str(file), "--consultation", SLUG,
                                   "--forum", str(forum), *extra], env={"CONSULT_LANG": lang})

    assert run(path, held, "en", "--dry-run").output.splitlines()[0] == "6 turns, 4 speakers"
    assert run(path, held, "fr", "--dry-run").output.splitlines()[0] == "6 tours de parole, 4 interlocuteurs"
    assert run(one, held, "en", "--dry-run").output.splitlines()[0] == "1 turn, 1 speaker"
    assert run(one, held, "fr", "--dry-run").output.splitlines()[0] == "1 tour de parole, 1 interlocuteur"
    nothing_kept(app)
    for lang, said in (("en", "has not been held yet"), ("fr", "pas encore eu lieu")):
        refused = run(path, upcoming, lang)
        assert refused.exit_code != 0 and said in refused.output
        assert "6 " not in refused.output  # refused before the file is read
    refused = run(path, 999999, "fr")
    assert refused.exit_code != 0 and "Aucune séance 999999" in refused.output
    nothing_kept(app)


@pytest.fixture
def second_coder(app, demo, make_staff):
    from consult.analysis import codebook

    with app.app_context():
        consultation = consultation_of(SLUG)
        codebook.ensure_codebook(consultation)
        make_comment(consultation, "Commentaire sur l'accès.", topic="1.1")
        db.session.commit()
    return make_staff("second@example.org", ("analyst",))


def import_on_the_page(client, data, coder_id, lang=None):
    url = f"/staff/consultations/{SLUG}/analysis/agreement/import" + (f"?lang={lang}" if lang else "")
    return submit_form(client, url, {"coder": str(coder_id), "project": (io.BytesIO(data), "coded.qdpx")},
                       content_type="multipart/form-data")


def test_a_project_from_elsewhere_is_refused_on_the_page_in_both_languages(app, second_coder, runner, tmp_path,
                                                                           login):
    from consult.structure.importer import import_structure

    with app.app_context():
        other = import_structure(minimal_document(), source="test").consultation
        make_comment(other, "Ailleurs.", topic="1.1")
        db.session.commit()
    other_path = tmp_path / "other.qdpx"
    assert runner.invoke(args=["consult", "export-qdpx", "--consultation", "mini", "-o", str(other_path)]
                         ).exit_code == 0
    coordinator = login(("coordinator",))
    refused = import_on_the_page(coordinator, other_path.read_bytes(), second_coder)
    assert refused.status_code == 422
    assert "pas été exporté de cette consultation" in refused.get_data(as_text=True)
    refused = import_on_the_page(coordinator, other_path.read_bytes(), second_coder, "en")
    assert "was not exported from this consultation" in refused.get_data(as_text=True)
    # Sources added in the other tool: named, and nothing is written.
    path = tmp_path / "mine.qdpx"
    assert runner.invoke(args=["consult", "export-qdpx", "--consultation", SLUG, "-o", str(path)]).exit_code == 0
    archive = zipfile.ZipFile(path)
    root = etree.fromstring(archive.read("project.qde"))
    namespace = root.tag.split("}")[0] + "}"
    extra = etree.SubElement(root.find(f"{namespace}Sources"), f"{namespace}TextSource",
                             guid="0f8fad5b-d9cb-469f-a165-70867728950e", name="Entrevue ajoutée")
    etree.SubElement(extra, f"{namespace}PlainTextContent").text = "Texte"
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as out:
        for name in archive.namelist():
            out.writestr(name, etree.tostring(root) if name == "project.qde" else archive.read(name))
    refused = import_on_the_page(coordinator, changed.getvalue(), second_coder)
    assert refused.status_code == 422
    assert "Entrevue ajoutée" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SecondCoding.id))) == 0
        assert db.session.scalar(select(func.count(Coding.id)).where(Coding.blind.is_(True))) == 0
