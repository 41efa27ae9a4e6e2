"""The comment exports read back as a spreadsheet or a program would read them: CSV through the csv
module (with its BOM), XLSX through openpyxl, JSON through json and its published schema."""
import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from sqlalchemy import event, select

from consult.exports import csv_export, rows, services, writers
from consult.exports.labels import COLUMNS, labels_for
from consult.exports.xlsx_export import CELL_LIMIT, CUT_MARK
from consult.extensions import db
from consult.models import Code, Coding, Excerpt, Forum, Submission, Theme
from tests.factories import consultation_of, make_comment, make_participant, topic_of

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "export-schema.json").read_text("utf-8"))
TRICKY = 'Il a dit « non », puis "oui", puis ""peut-être"";\nligne 2, avec virgule\r\nligne 3 😀👩🏽‍⚕️ fin'
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+33 1 23", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def export(consultation, fmt, **choices) -> bytes:
    choices.setdefault("lang", "fr")
    options = services.make_options(consultation, fmt, **choices)
    out = io.BytesIO()
    writers.write(options, out)
    return out.getvalue()


def read_csv(data: bytes, delimiter=";") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would misread the accents"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows, header) -> list:
    at = rows[0].index(header)
    return [row[at] for row in rows[1:]]


@pytest.fixture
def data(demo, ctx):
    """Comments on axis 4 (on the axis, 4.1 and 4.2), axis 1, a section and no topic; codes and themes."""
    consultation = consultation_of(demo)
    alice = make_participant(consultation, "alice.secret@example.org", name="Alice Secretname",
                             organisation="Clinique Secrète", category="clinician", region="ON")
    bob = make_participant(consultation, "bob@example.org", name="Bob Hiddenname", region="FRA")
    day = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)
    late = datetime(2025, 3, 12, 15, 0, tzinfo=timezone.utc)
    comments = {
        "4.2-late": make_comment(consultation, "Plus tard sur 4.2", topic="4.2", participant=alice, when=late,
                                 prompt="missing", track="qc", stance="support"),
        "4.2": make_comment(consultation, TRICKY, topic="4.2", participant=alice, when=day, prompt="liked"),
        "4.1": make_comment(consultation, "Sur 4.1", topic="4.1", participant=bob, when=late, language="en"),
        "axis-4": make_comment(consultation, "Sur l'axe 4 lui-même", topic="4", participant=bob, when=late),
        "hidden": make_comment(consultation, "Masqué (hors sujet)", topic="4.1", participant=bob,
                               visibility="hidden"),
        "flagged": make_comment(consultation, "Signalé", topic="4.3", participant=bob, visibility="flagged"),
        "1.1": make_comment(consultation, "Sur 1.1", topic="1.1", participant=alice),
        "section": make_comment(consultation, "Impressions", topic="G", participant=alice),
        "none": make_comment(consultation, "Sans sujet", topic=None, participant=None, channel="forum"),
    }
    for number, text in enumerate(FORMULAS):
        comments[f"formula-{number}"] = make_comment(consultation, text, topic="4.3", participant=bob)
    theme = db.session.scalar(select(Theme).where(Theme.topic_id == topic_of(consultation, "4.2").id,
                                                  Theme.code == "4.2.T1"))
    preciser = Code(consultation_id=consultation.id, key="PRECISER", kind="modification", label_fr="PRÉCISER",
                    label_en="CLARIFY", position=1)
    own = Code(consultation_id=consultation.id, key="financement", kind="other", label_fr="Financement",
               label_en="Funding", position=2)
    theme_code = Code(consultation_id=consultation.id, key="T-4.2-1", kind="theme", theme_id=theme.id,
                      label_fr=theme.name_fr, label_en=theme.name_en, position=3)
    blind_only = Code(consultation_id=consultation.id, key="MODIFIER", kind="modification", label_fr="MODIFIER",
                      label_en="CHANGE", position=4)
    db.session.add_all([preciser, own, theme_code, blind_only])
    db.session.flush()
    for code in (preciser, own, theme_code):
        db.session.add(Coding(comment_id=comments["4.2"].id, code_id=code.id))
    db.session.add(Coding(comment_id=comments["4.2"].id, code_id=blind_only.id, blind=True))
    db.session.commit()
    return consultation, comments, theme


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_round_trip_keeps_quotes_newlines_and_emoji(data):
    consultation, comments, theme = data
    rows = read_csv(export(consultation, "csv", axis="4", delimiter="semicolon", lang="en"))
    texts = column(rows, "Text")
    assert TRICKY in texts  # every quote, the CRLF, the LF and the emoji intact
    by_id = {int(row[0]): row for row in rows[1:]}
    row = by_id[comments["4.2"].id]
    assert row[1] == "4" and row[3] == "4.2"
    assert row[5] == "4.2.T1" and row[6] == theme.name_en
    assert row[7] == "CLARIFY; Funding"  # the blind coding is not the comment's code
    assert row[10] == comments["4.2"].participant.pseudonym
    assert row[12] == "Ontario"


def test_csv_orders_by_axis_then_orientation_then_date(data):
    consultation, comments, _theme = data
    rows = read_csv(export(consultation, "csv", delimiter="comma"), delimiter=",")
    ids = [int(row[0]) for row in rows[1:]]
    position = {comment_id: index for index, comment_id in enumerate(ids)}
    assert position[comments["1.1"].id] < position[comments["axis-4"].id] < position[comments["4.1"].id]
    assert position[comments["4.1"].id] < position[comments["4.2"].id] < position[comments["4.2-late"].id]
    assert position[comments["4.2-late"].id] < position[comments["flagged"].id]
    # The general group comes last: no topic, then sections.
    assert ids[-2:] == [comments["none"].id, comments["section"].id]
    general = [row for row in rows[1:] if int(row[0]) in (comments["none"].id, comments["section"].id)]
    assert {row[2] for row in general} == {labels_for("fr").general}
    assert [row[3] for row in general] == ["", "G"]


def test_csv_delimiter_and_header_language(data):
    consultation, _comments, _theme = data
    french = export(consultation, "csv", axis="4", delimiter="semicolon", lang="fr")
    english = export(consultation, "csv", axis="4", delimiter="comma", lang="en")
    french_header = french.decode("utf-8-sig").split("\r\n", 1)[0]
    assert french_header == ";".join(labels_for("fr").headers[key] for key in COLUMNS)
    assert "Langue" in french_header.split(";")
    header = english.decode("utf-8-sig").split("\r\n", 1)[0]
    # The consultation's own names for its levels and its own prompts.
    assert header.startswith("Comment,Axis,Axis title,Orientation,Orientation title,")
    rows = read_csv(english, delimiter=",")
    assert "What you like" in column(rows, "Prompt")
    assert "Support" in column(rows, "Stance")


def test_csv_cells_cannot_run_as_formulas(data):
    consultation, _comments, _theme = data
    rows = read_csv(export(consultation, "csv", axis="4", delimiter="comma"), delimiter=",")
    texts = column(rows, rows[0][15])
    for formula in FORMULAS:
        assert "'" + formula in texts, formula
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_hidden_comments_only_when_asked_and_flagged_ones_marked(data):
    consultation, comments, _theme = data
    default = read_csv(export(consultation, "csv", axis="4", delimiter="comma", lang="en"), delimiter=",")
    ids = [int(row[0]) for row in default[1:]]
    assert comments["hidden"].id not in ids
    flagged = next(row for row in default[1:] if int(row[0]) == comments["flagged"].id)
    assert flagged[-1] == "Flagged"
    with_hidden = read_csv(export(consultation, "csv", axis="4", delimiter="comma", include_hidden=True),
                           delimiter=",")
    assert comments["hidden"].id in [int(row[0]) for row in with_hidden[1:]]


def test_pseudonymous_export_never_holds_a_name_or_an_email(data):
    consultation, _comments, _theme = data
    for fmt in ("csv", "json", "xlsx"):
        content = export(consultation, fmt, delimiter="comma")
        if fmt == "xlsx":
            workbook = read_xlsx(content)
            content = "\n".join(str(value) for sheet in workbook.worksheets for row in sheet_rows(sheet)
                                for value in row if value is not None).encode("utf-8")
        for secret in (b"Secretname", b"Hiddenname", b"alice.secret@", b"bob@example.org", "Secrète".encode()):
            assert secret not in content, (fmt, secret)


def test_identified_export_adds_name_email_and_organisation(data):
    consultation, comments, _theme = data
    rows = read_csv(export(consultation, "csv", axis="4", delimiter="comma", lang="en", identified=True,
                           reason="Follow-up interviews"), delimiter=",")
    assert rows[0][10:14] == ["Pseudonym", "Name", "Email address", "Organization"]
    alice = next(row for row in rows[1:] if int(row[0]) == comments["4.2"].id)
    assert alice[11:14] == ["Alice Secretname", "alice.secret@example.org", "Clinique Secrète"]


def test_empty_axis_gives_a_header_only_csv(data):
    consultation, _comments, _theme = data
    rows = read_csv(export(consultation, "csv", axis="3", delimiter="semicolon"))
    assert len(rows) == 1 and rows[0][0] == labels_for("fr").headers["id"]


def test_sources_name_the_submission_excerpt_and_the_forum(data):
    consultation, comments, _theme = data
    participant = comments["4.2"].participant
    submission = Submission(consultation_id=consultation.id, participant=participant, number=42, status="submitted")
    excerpt = Excerpt(submission=submission, topic=topic_of(consultation, "4.1"), text="Extrait", locator="p. 4")
    forum = Forum(consultation_id=consultation.id, title_fr="Forum de Montréal", title_en="Montréal forum",
                  starts_at=datetime(2025, 3, 20, 17, 0, tzinfo=timezone.utc))
    db.session.add_all([submission, excerpt, forum])
    db.session.flush()
    from_excerpt = make_comment(consultation, "Extrait", topic="4.1", channel="submission", participant=participant,
                                excerpt_id=excerpt.id)
    from_forum = make_comment(consultation, "Note", topic="4.1", channel="forum", forum_id=forum.id)
    db.session.commit()
    rows = read_csv(export(consultation, "csv", axis="4", delimiter="comma", lang="en"), delimiter=",")
    source = dict(zip([int(row[0]) for row in rows[1:]], column(rows, "Source"), strict=True))
    assert source[from_excerpt.id] == "S-0042, p. 4"
    assert source[from_forum.id] == "Montréal forum, 2025-03-20"


def test_rows_come_in_batches_with_one_codes_query_each(data, monkeypatch):
    consultation, comments, _theme = data
    monkeypatch.setattr(rows, "BATCH_SIZE", 2)
    statements, coding_calls, streams = [], [], []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    original, original_streamed = rows.RowReader._codings, rows._streamed

    def codings(connection, raw):
        coding_calls.append(len(raw))
        return original(connection, raw)

    def streamed(connection, statement):
        streams.append(statement)
        return original_streamed(connection, statement)

    monkeypatch.setattr(rows.RowReader, "_codings", staticmethod(codings))
    monkeypatch.setattr(rows, "_streamed", streamed)
    reader = rows.RowReader(services.make_options(consultation, "csv", axis="4"))
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        batches = [batch for batch in reader.batches() if batch.raw]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert sum(len(batch.raw) for batch in batches) == 11 and max(len(batch.raw) for batch in batches) == 2
    if db.engine.dialect.name == "postgresql":
        # One query for the whole axis, the codes of each comment in its row.
        assert len(streams) == 1 and coding_calls == []
        assert all("FROM comment" not in statement and "FROM coding" not in statement for statement in statements)
    else:
        assert coding_calls == [len(batch.raw) for batch in batches]  # one codes query per batch
        # Besides them, one query per topic of the axis (the axis itself and its three orientations).
        assert len([statement for statement in statements if "FROM comment" in statement]) == 4
        assert all("FROM comment" in statement or "FROM coding" in statement for statement in statements)
    rich = next(batch for batch in batches if any(row[0] == comments["4.2"].id for row in batch.raw))
    assert len(rich.applied[comments["4.2"].id].split(",")) == 3  # PRÉCISER, the analysts' code, the theme


# -- XLSX -----------------------------------------------------------------------------------------


def test_xlsx_whole_consultation_has_contents_then_one_sheet_per_axis(data):
    consultation, comments, _theme = data
    workbook = read_xlsx(export(consultation, "xlsx", lang="en"))
    assert workbook.sheetnames == ["Contents", "Axis 1", "Axis 2", "Axis 3", "Axis 4", "Axis 5", "General"]
    contents = sheet_rows(workbook["Contents"])
    assert any(row[0] == "Consultation" and row[1] == consultation.title_en for row in contents)
    assert any(row[0] == "Hidden comments" and row[1] == "not included" for row in contents)
    counts = {row[0]: row[2] for row in contents if row[0] in workbook.sheetnames}
    assert counts == {"Axis 1": 1, "Axis 2": 0, "Axis 3": 0, "Axis 4": 11, "Axis 5": 0, "General": 2}
    links = {cell.value: cell.hyperlink.location for row in workbook["Contents"].iter_rows() for cell in row
             if cell.hyperlink}
    assert links["Axis 4"] == "'Axis 4'!A1"
    axis = workbook["Axis 4"]
    assert axis.freeze_panes == "A2"
    assert axis.auto_filter.ref == "A1:T12"
    assert axis.column_dimensions["P"].width > 60  # the text column is wide and wraps
    rows = sheet_rows(axis)
    assert rows[0][15] == "Text"
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[comments["4.2"].id][15] == TRICKY.replace("\r\n", "\n")
    assert axis.cell(row=2, column=16).alignment.wrap_text
    assert isinstance(by_id[comments["4.2"].id][17], datetime)
    assert by_id[comments["4.2"].id][17] == datetime(2025, 3, 10, 11, 0)  # Montréal time
    assert sheet_rows(workbook["Axis 2"]) == [rows[0]]  # an empty axis still has its header


def test_xlsx_formulas_are_plain_text(data):
    consultation, _comments, _theme = data
    workbook = read_xlsx(export(consultation, "xlsx", axis="4"))
    assert workbook.sheetnames == [labels_for("fr").index_sheet, "Axe 4"]
    cells = [cell for row in workbook["Axe 4"].iter_rows(min_row=2) for cell in row if cell.value is not None]
    texts = {cell.value for cell in cells}
    for formula in FORMULAS:
        assert formula.replace("\r", "\n") in texts, formula  # kept as typed, without a leading quote
    assert all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if str(cell.value).startswith(("=", "+", "-", "@")))


def test_xlsx_cuts_only_texts_a_cell_cannot_hold(data):
    consultation, _comments, _theme = data
    long_text = "mot " * 10_000
    comment = make_comment(consultation, long_text, topic="3.1")
    db.session.commit()
    workbook = read_xlsx(export(consultation, "xlsx", axis="3", lang="en"))
    cell = sheet_rows(workbook["Axis 3"])[1][15]
    assert len(cell) == CELL_LIMIT and cell.endswith(CUT_MARK)
    assert any("cut in this file" in str(row[0]) for row in sheet_rows(workbook["Contents"]))
    rows = read_csv(export(consultation, "csv", axis="3", delimiter="semicolon"))
    assert rows[1][15] == long_text and int(rows[1][0]) == comment.id


# -- JSON -----------------------------------------------------------------------------------------


def test_json_follows_its_schema_and_keeps_everything(data):
    consultation, comments, theme = data
    document = json.loads(export(consultation, "json", lang="en", include_hidden=True))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["consultation"]["slug"] == consultation.slug
    assert document["export"]["language"] == "en" and document["export"]["include_hidden"] is True
    assert [group["code"] for group in document["groups"]] == ["1", "2", "3", "4", "5", None]
    # The consultation's own names say what level 1 and level 2 are.
    assert document["consultation"]["levels"] == [{"singular": "axis", "plural": "axes"},
                                                  {"singular": "orientation", "plural": "orientations"}]
    by_id = {comment["id"]: comment for comment in document["comments"]}
    assert len(by_id) == len(comments)
    rich = by_id[comments["4.2"].id]
    assert rich["text"] == TRICKY
    assert rich["group"]["code"] == "4" and rich["topic"] == {
        "code": "4.2", "level": 2, "title": topic_of(consultation, "4.2").title_en}
    assert rich["themes"] == [{"code": "4.2.T1", "label": theme.name_en}]
    assert [code["key"] for code in rich["codes"]] == ["PRECISER", "financement"]
    assert rich["participant"]["pseudonym"] == comments["4.2"].participant.pseudonym
    assert "name" not in rich["participant"] and "email" not in rich["participant"]
    assert rich["date"] == "2025-03-10T11:00:00-04:00"
    assert by_id[comments["axis-4"].id]["topic"] is None
    assert by_id[comments["section"].id]["group"] is None
    assert by_id[comments["section"].id]["topic"]["level"] is None
    assert by_id[comments["none"].id]["participant"] is None


def test_json_of_an_empty_axis_is_valid(data):
    consultation, _comments, _theme = data
    document = json.loads(export(consultation, "json", axis="2"))
    jsonschema.validate(document, SCHEMA)
    assert document["comments"] == [] and document["export"]["group"]["code"] == "2"


def test_a_consultation_in_one_language_exports_in_it(app, ctx):
    from consult.structure.importer import import_structure

    document = {
        "format": "consult-structure/1", "slug": "seulement-fr", "languages": ["fr"], "status": "open",
        "title": {"fr": "Consultation en français"},
        "topics": [{"code": "1", "kind": "axis", "title": {"fr": "Axe un"}, "children": [
            {"code": "1.1", "kind": "orientation", "title": {"fr": "Orientation un"}}]}],
    }
    consultation = import_structure(document, source="test").consultation
    make_comment(consultation, "Seul commentaire", topic="1.1")
    db.session.commit()
    rows = read_csv(export(consultation, "csv", lang="en", delimiter="comma"), delimiter=",")
    assert rows[0][0] == labels_for("fr").headers["id"] and "Langue" in rows[0]
    assert rows[1][4] == "Orientation un"
    document = json.loads(export(consultation, "json", lang="en"))
    jsonschema.validate(document, SCHEMA)
    assert document["export"]["language"] == "fr"
    sheets = read_xlsx(export(consultation, "xlsx", lang="en")).sheetnames
    assert sheets == [labels_for("fr").index_sheet, "Axe 1", labels_for("fr").general_sheet]


# -- options ----------------------------------------------------------------------------------------


def test_unknown_choices_are_refused_with_a_status(data):
    consultation, _comments, _theme = data
    with pytest.raises(services.ExportError) as unknown_axis:
        services.make_options(consultation, "csv", axis="9")
    assert unknown_axis.value.status == 404
    with pytest.raises(services.ExportError) as unknown_format:
        services.make_options(consultation, "pdf")
    assert unknown_format.value.status == 404
    with pytest.raises(services.ExportError) as unknown_delimiter:
        services.make_options(consultation, "csv", delimiter="tab")
    assert unknown_delimiter.value.status == 400


def test_file_names_say_what_they_hold(data):
    consultation, _comments, _theme = data
    now = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
    axis = services.make_options(consultation, "xlsx", axis="4", lang="fr")
    assert services.file_name(axis, now) == f"{consultation.slug}_axe-4_2026-11-23.xlsx"
    whole = services.make_options(consultation, "csv", lang="en", identified=True, reason="x")
    assert services.file_name(whole, now) == f"{consultation.slug}_identified_2026-11-23.csv"


# -- reading ahead --------------------------------------------------------------------------------


def test_reading_ahead_keeps_the_order_and_the_errors():
    import threading

    from consult.exports.prefetch import ahead

    assert list(ahead(lambda: iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        raise ValueError("the database went away")

    items = ahead(failing)
    assert next(items) == 1
    with pytest.raises(ValueError, match="went away"):
        next(items)

    closed = threading.Event()

    def endless():
        try:
            number = 0
            while True:
                number += 1
                yield number
        finally:
            closed.set()

    items = ahead(endless)
    assert [next(items) for _ in range(3)] == [1, 2, 3]
    items.close()  # a client that went away: the thread stops and closes its generator
    assert closed.wait(2)
    assert not any(thread.name == "export-rows" for thread in threading.enumerate())


def test_reading_ahead_or_not_gives_the_same_file(data):
    consultation, _comments, _theme = data
    files = []
    for prefetch in (True, False):
        reader = rows.RowReader(services.make_options(consultation, "csv", lang="en", include_hidden=True))
        reader.prefetch = prefetch
        files.append(b"".join(csv_export.csv_chunks(reader)))
    assert files[0] == files[1] and files[0].count(b"\r\n") > 10
