"""A coordinator downloads the comments of axis 4 as an Excel workbook from the export page, in a
real Chromium, with and without JavaScript, and opens the file."""
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.demo_data import SLUG, topic
from tests.conftest import STAFF_PASSWORD

EMAIL = "coordinator@example.org"
EXPORTS = f"/staff/consultations/{SLUG}/exports/"


@pytest.fixture
def axis_4_comments(app, demo):
    from consult.extensions import db
    from tests.factories import consultation_of, make_comment, make_participant

    with app.app_context():
        consultation = consultation_of(demo)
        person = make_participant(consultation, "lea@example.org", name="Léa Private", region="QC")
        texts = ["Financer les équipes, pas les actes.\nDeuxième ligne « citée ».",
                 "=SUM(A1:A3) n'est pas une formule ici"]
        make_comment(consultation, texts[0], topic="4.2", participant=person)
        make_comment(consultation, texts[1], topic="4.1", participant=person)
        make_comment(consultation, "Sur l'axe 1", topic="1.1", participant=person)
        db.session.commit()
        return texts, person.pseudonym


def sign_in(page, live_server):
    page.goto(live_server + "/staff/login")
    page.get_by_label("Adresse courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server + "/staff/")


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_coordinator_downloads_axis_4_as_xlsx(request, browser_page, live_server, make_staff, axis_4_comments,
                                             assert_accessible, tmp_path):
    page = request.getfixturevalue(browser_page)
    texts, pseudonym = axis_4_comments
    make_staff(EMAIL, ["coordinator"])
    sign_in(page, live_server)
    page.goto(live_server + EXPORTS + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment exports")
    if browser_page == "page":
        assert_accessible(page)
    axis = page.get_by_label(re.compile(r"^Axis 4 – .*\(2 comments\)$"))
    axis.check()
    expect(page.get_by_label("Include hidden comments")).not_to_be_checked()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download XLSX (Excel)").click()
    download = download_info.value
    assert re.fullmatch(rf"{SLUG}_axis-4_\d{{4}}-\d\d-\d\d\.xlsx", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Contents", "Axis 4"]
    rows = list(workbook["Axis 4"].iter_rows(values_only=True))
    header, comments = rows[0], rows[1:]
    text_column = header.index("Text")
    assert sorted(row[text_column] for row in comments) == sorted(texts)
    assert {row[header.index("Orientation")] for row in comments} == {"4.1", "4.2"}
    assert {row[header.index("Orientation title")] for row in comments} == {
        topic("4.1")["title"]["en"], topic("4.2")["title"]["en"]}
    assert {row[header.index("Pseudonym")] for row in comments} == {pseudonym}
    assert not any("Léa Private" in str(value) for row in rows for value in row)
    # The page is still there to choose another export.
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment exports")
