"""The participation dashboard: who took part (by a precise definition), by track, channel, category,
province and organisation; fill and attendance rates; questionnaire completion; its CSV."""
import csv
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Answer, AnswerVersion, AuditEvent, Forum, Question, Response, Submission
from tests.conftest import SEEDED_DEMO
from tests.factories import consultation_of, make_participant, topic_of

SLUG = "politique-premiere-ligne-2025"
PAGE = f"/staff/consultations/{SLUG}/reports/participation"
CSV = PAGE + ".csv"


def table(page: str, table_id: str) -> dict[str, list[str]]:
    """{row header: [cells]} of the table with this id."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert match, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", match.group(0), re.S):
        header = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if header:
            cells = [html.unescape(cell.strip()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            rows[html.unescape(header.group(1).strip())] = cells
    return rows


def column_headers(page: str, table_id: str) -> list[str]:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</thead>', page, re.S)
    return [html.unescape(cell.strip()) for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', match.group(0))]


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@SEEDED_DEMO
def test_the_dashboard_reports_the_reference_figures_after_seeding_the_demo(app, seed_demo, login):
    result = seed_demo("--with-activity", "--no-staff")
    assert result.exit_code == 0, result.output
    client = login(["coordinator"])
    page = client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)

    assert re.search(r'id="total-participants">91<', page)
    assert {label: cells[0] for label, cells in table(page, "table-channel").items()} == {
        "Forum": "86", "Interview": "3", "Questionnaire": "2", "Written submission": "35"}
    tracks = table(page, "table-track")
    # participants, at a forum, in an interview, organisations, provinces
    assert tracks["Québec track"] == ["60", "60", "0", "24", "1"]
    assert tracks["Canadian track"] == ["29", "26", "3", "14", "6"]
    assert tracks["No forum or interview"][0] == "2"
    assert tracks["All participants"][0] == "91"

    headers = column_headers(page, "table-category")
    qc = headers.index("Québec track") - 1
    categories = {label: int(cells[qc]) for label, cells in table(page, "table-category").items()}
    assert categories == {"Professors or professor-researchers": 26, "Health or other professionals": 19,
                          "Doctoral students": 3, "Clinicians or clinician-researchers": 10,
                          "Care users and citizen partners": 2}
    ca = headers.index("Canadian track") - 1
    provinces = {label for label, cells in table(page, "table-region").items() if int(cells[ca])}
    assert provinces == {"British Columbia", "Alberta", "Saskatchewan", "Manitoba", "Ontario", "Nova Scotia"}

    sessions = table(page, "table-sessions")
    assert sessions["All interviews"][3:5] == ["3", "0"]  # attended, no-show
    assert sessions["All forums"][5] != "—"  # an attendance rate
    assert "2 submitted responses" in page

    response = client.get(CSV, query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-participation.csv"'
    rows = read_csv(response)
    assert rows[0] == ["Section", "Label", "Value"]
    figures = {(section, label): value for section, label, value in rows[1:]}
    assert figures[("Participants", "Took part")] == "91"
    assert figures[("By channel", "Forum")] == "86"
    assert figures[("By channel", "Written submission")] == "35"
    assert figures[("Forum participants by track", "Canadian track")] == "26"
    assert figures[("Organizations by track", "Québec track")] == "24"
    assert figures[("By category — Québec track", "Doctoral students")] == "3"
    assert figures[("Questionnaire", "Submitted responses")] == "2"
    assert any(re.fullmatch(r"\d+\.\d", value) for value in figures.values())  # rates: 85.0
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.participation_export"))
        assert event is not None and event.detail["rows"] == len(rows) - 1
    # In French, what a French-locale spreadsheet expects: semicolons, and decimal commas.
    text = client.get(CSV, query_string={"lang": "fr"}).get_data(as_text=True)
    french = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert french[0] == ["Section", "Libellé", "Valeur"] and all(len(row) == 3 for row in french)
    assert any(re.fullmatch(r"\d+,\d", row[2]) for row in french)


def _scenario(app):
    """One forum: attended, no-show, confirmed, waitlisted; a submitted and a draft response; a sent and a
    draft submission."""
    from consult.forums import registration as seats
    from consult.questionnaires.builder import ensure_demo_questionnaire
    from consult.submissions.services import send_submission

    now = datetime.now(timezone.utc)
    with app.app_context():
        consultation = consultation_of(SLUG)
        forum = Forum(consultation_id=consultation.id, kind="forum", title_fr="Forum passé", title_en="Past forum",
                      capacity=3, starts_at=now - timedelta(days=2), track=consultation.tracks[0])
        db.session.add(forum)
        db.session.flush()
        people = {name: make_participant(consultation, f"{name}@example.org", category="clinician",
                                         region=region, organisation=organisation)
                  for name, region, organisation in [
                      ("attended", "AB", "Org A"), ("absent", "QC", "Org B"), ("confirmed", "QC", "Org B"),
                      ("waiting", "QC", ""), ("respondent", "ON", "org a "), ("drafter", "QC", ""),
                      ("writer", "NS", "Org C"), ("unsent", "QC", "")]}
        for name in ("attended", "absent", "confirmed", "waiting"):
            seats.register(forum, people[name])
        registrations = {registration.participant_id: registration for registration in forum.registrations}
        seats.mark_attendance(registrations[people["attended"].id], True)
        seats.mark_attendance(registrations[people["absent"].id], False)

        questionnaire = ensure_demo_questionnaire(consultation, now)
        orientation = topic_of(consultation, "1.1")
        question = db.session.scalar(select(Question).where(Question.topic_id == orientation.id,
                                                            Question.kind == "long_text"))
        for name, status in (("respondent", "submitted"), ("drafter", "draft")):
            response = Response(questionnaire_id=questionnaire.id, participant_id=people[name].id, status=status,
                                version=1 if status == "submitted" else 0, started_at=now,
                                submitted_at=now if status == "submitted" else None)
            db.session.add(response)
            db.session.flush()
            answer = Answer(response_id=response.id, question_id=question.id, value="Une réponse")
            answer.versions.append(AnswerVersion(value="Une réponse", response_version=1))
            db.session.add(answer)
        for name in ("writer", "attended", "unsent"):
            submission = Submission(consultation_id=consultation.id, participant_id=people[name].id,
                                    general_text="Texte")
            db.session.add(submission)
            db.session.flush()
            if name != "unsent":
                send_submission(submission, receipt=False)
        db.session.commit()


def test_took_part_counts_what_happened_not_sign_ups(app, demo, login):
    _scenario(app)
    client = login(["organizer"])
    page = client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)

    # Attended, submitted response, sent submissions: attended (also wrote), respondent, writer.
    assert re.search(r'id="total-participants">3<', page)
    assert {label: cells[0] for label, cells in table(page, "table-channel").items()} == {
        "Forum": "1", "Interview": "0", "Questionnaire": "1", "Written submission": "2"}
    summary = html.unescape(page)
    assert re.search(r"Known but did not take part</dt><dd>5<", summary)
    assert re.search(r"In more than one channel</dt><dd>1<", summary)
    for definition in ("marked as attended at a forum", "submitted their response (a draft does not count)",
                       "sent a submission"):
        assert definition in summary
    # Organisations compare without case or spaces: "org a " is Org A.
    organisations = table(page, "table-organisation")
    assert organisations["Org A"][0] == "2"
    assert "Org B" not in organisations
    regions = table(page, "table-region")
    assert set(regions) == {"Alberta", "Ontario", "Nova Scotia"}

    sessions = table(page, "table-sessions")
    # track, date, capacity, seats taken, fill rate, attended, no-show, attendance rate
    assert sessions["Past forum"][2:] == ["3", "3", "100 %", "1", "1", "50 %"]
    completion = table(page, "table-completion")
    first = next(label for label in completion if label.startswith("1.1 "))
    assert completion[first] == ["1", "100 %"]
    assert all(cells == ["0", "0 %"] for label, cells in completion.items() if label != first)


def test_an_empty_consultation_says_so(demo, login):
    client = login(["coordinator"])
    page = client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)
    assert "No one has taken part yet" in page
    assert "No forum or interview is scheduled yet." in page
    assert "No questionnaire response has been submitted yet." in page
    assert "<svg" not in page
    rows = read_csv(client.get(CSV, query_string={"lang": "en"}))
    assert ["Participants", "Took part", "0"] in rows


def test_every_chart_has_a_text_alternative_and_a_table(app, demo, login):
    _scenario(app)
    client = login(["analyst"])
    page = client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)
    charts = re.findall(r'<svg class="chart" id="chart-([a-z]+)" role="img" aria-labelledby="([^"]+)"', page)
    assert {name for name, _ids in charts} >= {"channel", "track", "category", "region", "organisation", "fill",
                                              "completion"}
    for _name, labelled_by in charts:
        title_id, desc_id = labelled_by.split()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', page)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', page)
    for table_id in ("table-channel", "table-track", "table-category", "table-region", "table-organisation",
                     "table-sessions", "table-completion"):
        assert f'id="{table_id}"' in page
    assert "style=" not in page
    assert "<script>" not in page


def test_anonymous_visitors_sign_in_first(demo, client):
    assert client.get(PAGE).status_code == 302
    assert client.get(CSV).status_code == 302


@pytest.mark.parametrize("role", ["organizer", "analyst", "coordinator", "admin"])
def test_every_staff_role_reads_the_dashboard(demo, login, role):
    client = login([role])
    assert client.get(PAGE).status_code == 200
    assert client.get(CSV).status_code == 200


def test_a_consultation_without_tracks_shows_no_track_figures(app, login):
    from consult.outcome.services import figures
    from consult.structure.importer import import_structure
    from tests.conftest import minimal_document
    from tests.factories import make_forum

    with app.app_context():
        document = minimal_document(slug="sans-volets", languages=["fr"], title={"fr": "Énoncé"},
                                    topics=[{"code": "1", "kind": "axis", "title": {"fr": "Gouvernance"}}])
        consultation = import_structure(document, source="test").consultation
        make_forum(consultation)
        db.session.commit()
        assert [table.key for table in figures(consultation).tables] == ["category", "region"]
    client = login(["coordinator"])
    page = client.get("/staff/consultations/sans-volets/reports/participation?lang=fr").get_data(as_text=True)
    assert 'id="table-track"' not in page and "Par volet" not in page and "colonnes par volet" not in page
    assert column_headers(page, "table-sessions")[:2] == ["Séance", "Date"]
    rows = read_csv(client.get("/staff/consultations/sans-volets/reports/participation.csv?lang=fr"))
    assert not [row for row in rows if "volet" in row[0].lower()]
