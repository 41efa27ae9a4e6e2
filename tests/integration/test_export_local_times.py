"""What the exports write for dates and awkward texts, on whichever database the suite runs on: a
comment's time in the consultation's zone on either side of a change of hour and of midnight,
formula-safe and quoted cells, and a download cut short that leaves the database usable."""
import csv
import io
import json
import threading
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from sqlalchemy import func, select

from consult.exports import rows, services, writers
from consult.extensions import db
from consult.models import Code, Coding, Comment
from tests.factories import consultation_of, make_comment, make_participant


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# UTC moment → (the CSV's local minute, the JSON's local time), per zone.
ZONES = {
    "America/Montreal": {
        utc(2025, 3, 9, 6, 59, 59, 999999): ("2025-03-09 01:59", "2025-03-09T01:59:59-05:00"),  # last of EST
        utc(2025, 3, 9, 7, 0): ("2025-03-09 03:00", "2025-03-09T03:00:00-04:00"),  # 02:00 never happens
        utc(2025, 11, 2, 5, 30): ("2025-11-02 01:30", "2025-11-02T01:30:00-04:00"),  # 01:30 happens twice
        utc(2025, 11, 2, 6, 30): ("2025-11-02 01:30", "2025-11-02T01:30:00-05:00"),
        utc(2025, 1, 1, 4, 59, 59, 999999): ("2024-12-31 23:59", "2024-12-31T23:59:59-05:00"),  # not rounded up
        utc(2025, 1, 1, 5, 0): ("2025-01-01 00:00", "2025-01-01T00:00:00-05:00"),
        utc(2025, 3, 11, 3, 59): ("2025-03-10 23:59", "2025-03-10T23:59:00-04:00"),
    },
    # Newfoundland is three hours and a half behind UTC (two and a half in summer).
    "America/St_Johns": {
        utc(2025, 3, 9, 5, 29): ("2025-03-09 01:59", "2025-03-09T01:59:00-03:30"),
        utc(2025, 3, 9, 5, 30): ("2025-03-09 03:00", "2025-03-09T03:00:00-02:30"),
        utc(2025, 3, 10, 2, 29, 30): ("2025-03-09 23:59", "2025-03-09T23:59:30-02:30"),
        utc(2025, 3, 10, 2, 30): ("2025-03-10 00:00", "2025-03-10T00:00:00-02:30"),
    },
}


def export(consultation, fmt, **choices) -> bytes:
    options = services.make_options(consultation, fmt, lang="en", **choices)
    out = io.BytesIO()
    writers.write(options, out)
    return out.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=","))


@pytest.fixture(params=list(ZONES))
def timed(request, demo, ctx):
    """A consultation held in the zone, with one comment on orientation 4.1 per moment of ZONES:
    (consultation, {comment id: (local minute, local time)})."""
    consultation = consultation_of(demo)
    consultation.timezone = request.param
    expected = {make_comment(consultation, f"Comment {number}", topic="4.1", when=moment).id: local
                for number, (moment, local) in enumerate(ZONES[request.param].items())}
    db.session.commit()
    return consultation, expected


def test_csv_writes_each_comment_at_its_local_minute(timed):
    consultation, expected = timed
    rows = csv_rows(export(consultation, "csv", delimiter="comma"))
    at = rows[0].index("Date")
    assert {int(row[0]): row[at] for row in rows[1:]} == {key: minute for key, (minute, _time) in expected.items()}
    # Rows follow the stored moments, whatever the local clock did meanwhile.
    order = sorted(expected, key=lambda key: db.session.get(Comment, key).source_date)
    assert [int(row[0]) for row in rows[1:]] == order


def test_json_and_xlsx_give_the_same_local_times(timed):
    consultation, expected = timed
    document = json.loads(export(consultation, "json", axis="4"))
    assert {comment["id"]: comment["date"] for comment in document["comments"]} == {
        key: local for key, (_minute, local) in expected.items()}
    workbook = openpyxl.load_workbook(io.BytesIO(export(consultation, "xlsx", axis="4")))
    sheet = workbook.worksheets[-1]
    header = [cell.value for cell in sheet[1]]
    dates = {row[0]: row[header.index("Date")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert dates.keys() == expected.keys()
    for key, (_minute, local) in expected.items():  # the sheet keeps the fraction of a second JSON leaves out
        assert abs(dates[key] - datetime.fromisoformat(local).replace(tzinfo=None)) <= timedelta(seconds=1)


def test_awkward_texts_and_names_become_exact_cells(demo, ctx):
    consultation = consultation_of(demo)
    person = make_participant(consultation, "jo@example.org", name='Doe, "JJ"', organisation="=Org", region="QC")
    when = utc(2025, 3, 10, 15, 0)
    formula = make_comment(consultation, "=SUM(A1:A2)", topic="4.2", participant=person, when=when)
    quoted = make_comment(consultation, 'Il a dit "oui"\r\npuis non; fin', topic="4.2", participant=person,
                          when=utc(2025, 3, 10, 16, 0))
    code = Code(consultation_id=consultation.id, key="PRECISER", kind="modification", label_fr="PRÉCISER",
                label_en="+CLARIFY", position=1)
    db.session.add(code)
    db.session.flush()
    db.session.add(Coding(comment_id=quoted.id, code_id=code.id))
    db.session.commit()
    pseudonym = person.pseudonym
    data = export(consultation, "csv", axis="4", delimiter="semicolon", identified=True, reason="check")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 4  # header, two rows, one line break in a cell
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith(f"{formula.id};4;")
    assert lines[1].endswith(f";;;Questionnaire;;{pseudonym};\"Doe, \"\"JJ\"\"\";jo@example.org;'=Org;;Quebec;"
                             f"French;;'=SUM(A1:A2);;2025-03-10 11:00;;Visible")
    assert lines[2].startswith(f"{quoted.id};4;")
    assert lines[2].endswith(f";;;'+CLARIFY;Questionnaire;;{pseudonym};\"Doe, \"\"JJ\"\"\";jo@example.org;'=Org;;"
                             f"Quebec;French;;\"Il a dit \"\"oui\"\"")
    assert lines[3] == "puis non; fin\";;2025-03-10 12:00;;Visible"


def test_a_download_closed_early_leaves_the_database_usable(demo, ctx, monkeypatch):
    consultation = consultation_of(demo)
    for number in range(9):
        make_comment(consultation, f"Comment {number}", topic="4.1", when=utc(2025, 3, 10, 15, number))
    db.session.commit()
    monkeypatch.setattr(rows, "BATCH_SIZE", 2)
    options = services.make_options(consultation, "csv", lang="en")
    chunks = writers.stream(options)
    assert next(chunks).startswith(b"\xef\xbb\xbf")
    assert next(chunks).count(b"\r\n") == 2  # rows arrive a batch at a time
    chunks.close()  # a client that went away in the middle of an orientation's rows
    assert not any(thread.name == "export-rows" for thread in threading.enumerate())
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 9
    assert csv_rows(export(consultation, "csv", delimiter="comma"))[-1][-5] == "Comment 8"
