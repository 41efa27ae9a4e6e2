"""The export page, the downloads and the command line, as coordinators, analysts and administrators
use them: who may export what, what the audit log keeps, and clear errors for bad requests."""
import csv
import io
import json
import re
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.i18n import LOCALE_COOKIE
from consult.models import AuditEvent
from tests.conftest import csrf_token_from
from tests.factories import consultation_of, make_comment, make_participant

SLUG = "politique-premiere-ligne-2025"
PAGE = f"/staff/consultations/{SLUG}/exports/"
DOWNLOAD = f"/staff/consultations/{SLUG}/exports/comments."
IDENTIFIED = f"/staff/consultations/{SLUG}/exports/identified"


@pytest.fixture
def comments(app, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        person = make_participant(consultation, "claire.private@example.org", name="Claire Privée",
                                  organisation="CLSC du Plateau", region="QC")
        ids = {
            "4.1": make_comment(consultation, "Le financement doit suivre les patients.", topic="4.1",
                                participant=person).id,
            "4.2": make_comment(consultation, "=cmd|' /C calc'!A0", topic="4.2", participant=person).id,
            "hidden": make_comment(consultation, "Hors sujet", topic="4.2", participant=person,
                                   visibility="hidden").id,
            "1.1": make_comment(consultation, "Accès aux soins", topic="1.1", participant=person).id,
        }
        db.session.commit()
        return ids


def audit_events(app, action=None):
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return [(event.action, event.actor_id, event.actor_label, event.detail)
                for event in db.session.scalars(query)]


def checked(html: str, name: str) -> str:
    """The value of the radio button checked in a group."""
    [value] = re.findall(rf'<input checked[^>]* name="{name}" type="radio" value="([^"]*)"', html)
    return value


def read_csv(response, delimiter=","):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


# -- the page ---------------------------------------------------------------------------------------


def test_coordinator_sees_each_axis_with_its_count_and_no_identified_export(login, comments):
    client = login(["coordinator"])
    response = client.get(PAGE, query_string={"lang": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Comment exports" in html
    assert "Axis 4 – Resources to support integrated primary care and services (2 comments, 1 hidden)" in html
    assert "Axis 2 – A partnership with people and communities (0 comments)" in html
    assert "The whole consultation (3 comments, 1 hidden)" in html
    assert f'formaction="{DOWNLOAD}xlsx"' in html and f'formaction="{DOWNLOAD}json"' in html
    assert "Identified export" not in html and IDENTIFIED not in html
    # A French interface offers the semicolon French spreadsheets expect; an English one the comma.
    assert checked(html, "delimiter") == "comma"
    french = client.get(PAGE, query_string={"lang": "fr"}).get_data(as_text=True)
    assert checked(french, "delimiter") == "semicolon"


def test_admin_sees_the_identified_export(login, comments):
    client = login(["admin"])
    html = client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Identified export" in html and "Why is an identified export needed?" in html


@pytest.mark.parametrize("role", ["organizer"])
def test_other_roles_cannot_export(login, comments, role):
    client = login([role])
    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD + "csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, comments):
    response = client.get(DOWNLOAD + "csv")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


# -- downloads ------------------------------------------------------------------------------------


def test_analyst_downloads_an_axis_as_csv_and_it_is_audited(app, login, comments):
    client = login(["analyst"])
    response = client.get(DOWNLOAD + "csv", query_string={"axis": "4", "lang": "en", "delimiter": "comma"})
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{SLUG}_axis-4_" in disposition and ".csv" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:3] == ["Comment", "Axis", "Axis title"]
    assert [int(row[0]) for row in rows[1:]] == [comments["4.1"], comments["4.2"]]
    assert rows[2][15] == "'=cmd|' /C calc'!A0"
    assert "Claire" not in response.get_data(as_text=True)
    assert "lang" not in response.headers.get("Set-Cookie", "")  # the interface stays in its language
    [event] = audit_events(app, "comments.export")
    assert event[1] is not None
    assert event[3] == {"format": "csv", "axis": "4", "language": "en", "include_hidden": False,
                        "identified": False, "delimiter": "comma", "rows": 2}


def test_hidden_comments_are_included_only_when_asked(login, comments):
    client = login(["coordinator"])
    response = client.get(DOWNLOAD + "csv", query_string={"axis": "4", "hidden": "1", "delimiter": "semicolon"})
    ids = [int(row[0]) for row in read_csv(response, ";")[1:]]
    assert comments["hidden"] in ids and len(ids) == 3


def test_coordinator_downloads_the_whole_consultation_as_xlsx(app, login, comments):
    client = login(["coordinator"])
    response = client.get(DOWNLOAD + "xlsx", query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert f'filename={SLUG}_{datetime.now().year}' in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames[0] == "Contents" and "Axis 4" in workbook.sheetnames
    values = [row[0] for row in workbook["Axis 4"].iter_rows(min_row=2, values_only=True)]
    assert values == [comments["4.1"], comments["4.2"]]
    formula = workbook["Axis 4"].cell(row=3, column=16)
    assert formula.value == "=cmd|' /C calc'!A0" and formula.data_type == "s"
    assert audit_events(app, "comments.export")[0][3]["format"] == "xlsx"


def test_json_download_streams_the_documented_document(login, comments):
    client = login(["admin"])
    response = client.get(DOWNLOAD + "json", query_string={"axis": "1", "lang": "fr"})
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data())
    assert document["format"] == "consult-comments/2"
    assert [comment["id"] for comment in document["comments"]] == [comments["1.1"]]
    assert "email" not in document["comments"][0]["participant"]


@pytest.mark.parametrize("url, query, status, message", [
    ("csv", {"axis": "9"}, 404, "This consultation has no axis “9”."),
    ("pdf", {}, 404, "Unknown export format “pdf”: choose CSV, XLSX or JSON."),
    ("csv", {"delimiter": "tab"}, 400, "Unknown delimiter “tab”: choose comma or semicolon."),
    ("json", {"lang": "de"}, 400, "Unknown language “de”: choose French or English."),
])
def test_bad_parameters_get_a_clear_error_on_the_page(app, login, comments, url, query, status, message):
    client = login(["coordinator"])
    client.set_cookie(LOCALE_COOKIE, "en")  # the interface in English; `lang=` only picks the file's language
    response = client.get(DOWNLOAD + url, query_string={**query, "hl": "x"})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "This export cannot be made" in html and message in html
    assert "Comment exports" in html  # the page itself, to choose again
    assert audit_events(app, "comments.export") == []


def test_unknown_consultation_is_not_found(login, comments):
    client = login(["coordinator"])
    assert client.get("/staff/consultations/nope/exports/comments.csv").status_code == 404


# -- identified export ----------------------------------------------------------------------------


def identified_form(client) -> dict:
    token = csrf_token_from(client.get(PAGE, query_string={"lang": "en"}).get_data(as_text=True))
    return {"csrf_token": token, "identified-fmt": "csv", "identified-axis": "4", "identified-lang": "en",
            "identified-delimiter": "comma"}


def test_identified_export_needs_a_reason_and_is_audited(app, login, comments):
    client = login(["admin"])
    data = identified_form(client)
    refused = client.post(IDENTIFIED, data={**data, "identified-reason": "  "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Say why the names and email addresses are needed" in html
    assert checked(html, "identified-axis") == "4"  # what was chosen is kept
    assert audit_events(app, "comments.export_identified") == []
    response = client.post(IDENTIFIED, data={**data, "identified-reason": "Invite the authors to the forum"})
    assert response.status_code == 200
    assert "_axis-4_identified_" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][10:14] == ["Pseudonym", "Name", "Email address", "Organization"]
    assert rows[1][11:14] == ["Claire Privée", "claire.private@example.org", "CLSC du Plateau"]
    [event] = audit_events(app, "comments.export_identified")
    assert event[1] is not None
    assert event[3]["reason"] == "Invite the authors to the forum" and event[3]["identified"] is True
    assert event[3]["rows"] == 2


@pytest.mark.parametrize("role", ["coordinator", "analyst", "organizer"])
def test_identified_export_is_refused_to_everyone_but_admins(app, login, comments, role):
    client = login([role])
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    response = client.post(IDENTIFIED, data={"csrf_token": token, "identified-fmt": "csv",
                                             "identified-reason": "curious"})
    assert response.status_code == 403
    assert "Claire" not in response.get_data(as_text=True)
    assert audit_events(app, "comments.export_identified") == []


def test_identified_export_without_the_form_token_is_refused(app, login, comments):
    client = login(["admin"])
    response = client.post(IDENTIFIED, data={"identified-fmt": "csv", "identified-reason": "x"})
    assert response.status_code == 400
    assert audit_events(app, "comments.export_identified") == []


# -- command line ---------------------------------------------------------------------------------


def test_command_line_export_calls_the_same_services_and_is_audited(app, runner, comments, tmp_path):
    target = tmp_path / "axe-4.xlsx"
    result = runner.invoke(args=["consult", "export-comments", "--consultation", SLUG, "--format", "xlsx",
                                 "--axis", "4", "-o", str(target)], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(target)
    assert [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        comments["4.1"], comments["4.2"]]
    [event] = audit_events(app, "comments.export")
    assert event[1] is None and event[2] == "cli" and event[3]["axis"] == "4" and event[3]["rows"] == 2


def test_command_line_writes_csv_and_json(app, runner, comments, tmp_path):
    target = tmp_path / "tout.csv"
    result = runner.invoke(args=["consult", "export-comments", "--consultation", SLUG, "--format", "csv",
                                 "--delimiter", "semicolon", "--lang", "fr", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 4
    result = runner.invoke(args=["consult", "export-comments", "--consultation", SLUG, "--format", "json",
                                 "--node", "1"])
    assert result.exit_code == 0
    assert [comment["id"] for comment in json.loads(result.stdout)["comments"]] == [comments["1.1"]]


def test_command_line_refuses_bad_requests(runner, comments, tmp_path):
    unknown = runner.invoke(args=["consult", "export-comments", "--consultation", "nope", "-o",
                                  str(tmp_path / "x.csv")], env={"CONSULT_LANG": "en"})
    assert unknown.exit_code == 2 and "No consultation has the slug" in unknown.output
    axis = runner.invoke(args=["consult", "export-comments", "--consultation", SLUG, "--axis", "9", "-o",
                               str(tmp_path / "x.csv")], env={"CONSULT_LANG": "en"})
    assert axis.exit_code == 2 and "no axis “9”" in axis.output
    reason = runner.invoke(args=["consult", "export-comments", "--consultation", SLUG, "--identified", "-o",
                                 str(tmp_path / "x.csv")], env={"CONSULT_LANG": "en"})
    assert reason.exit_code == 2 and "--reason" in reason.output


def test_a_consultation_with_volets_as_levels_gets_no_two_columns_of_one_name(app):
    from consult.exports.labels import COLUMNS, labels_for
    from consult.structure.importer import import_structure
    from tests.conftest import minimal_document

    with app.app_context():
        document = minimal_document(slug="volets", languages=["fr"], title={"fr": "Énoncé"},
                                    levels=[{"singular": {"fr": "volet"}, "plural": {"fr": "volets"}},
                                            {"singular": {"fr": "recommandation"},
                                             "plural": {"fr": "recommandations"}}],
                                    topics=[{"code": "1", "kind": "axis", "title": {"fr": "Gouvernance"}}])
        consultation = import_structure(document, source="test").consultation
        headers = [labels_for("fr", consultation).headers[key] for key in COLUMNS]
    assert len(headers) == len(set(headers)), headers
    assert "Volet" in headers and "Volet de participation" in headers
