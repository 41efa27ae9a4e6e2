"""Transcript files as Zoom, Teams, SubRip, Word and plain text write them, read into speaker turns."""
import io

import docx
import pytest
from flask_babel import force_locale

from consult.transcripts.parsing import TranscriptError, parse

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Marie Tremblay: Bonjour à toutes et à tous.

2
00:00:04.500 --> 00:00:09.000
Marie Tremblay: Nous commençons par l'accès.

3
00:00:09.200 --> 00:00:15.000
Jean Roy: Pour moi, le plus dur c'est d'avoir un rendez-vous.

4
00:00:15.100 --> 00:00:20.000
Marie Tremblay: Merci.
"""

TEAMS = """WEBVTT

0b1c2d3e-1
00:00:00.000 --> 00:00:03.210
<v Alex Martin>Good morning everyone.</v>

0b1c2d3e-2
00:00:03.210 --> 00:00:07.000
<v Alex Martin>Let us start.</v>

0b1c2d3e-3
00:00:07.500 --> 00:00:12.000
<v Sam Lee>I waited <i>six months</i> for a family doctor.</v>
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Louise: Le transport est un problème.

2
00:00:03,000 --> 00:00:05,500
Louise: Surtout en région.

3
00:00:06,000 --> 00:00:08,000
Animatrice: Merci Louise.
"""


def test_zoom_vtt_joins_consecutive_cues_of_one_speaker():
    parsed = parse("zoom.vtt", ZOOM.encode())
    assert parsed.format == "vtt"
    assert [(turn.speaker, turn.start_ms, turn.end_ms) for turn in parsed.turns] == [
        ("Marie Tremblay", 1000, 9000), ("Jean Roy", 9200, 15000), ("Marie Tremblay", 15100, 20000)]
    assert parsed.turns[0].text == "Bonjour à toutes et à tous. Nous commençons par l'accès."
    assert parsed.speakers == ["Marie Tremblay", "Jean Roy"]


def test_teams_vtt_voice_tags_with_bom_and_crlf():
    data = ("\ufeff" + TEAMS.replace("\n", "\r\n")).encode()
    parsed = parse("meeting.vtt", data)
    assert [turn.speaker for turn in parsed.turns] == ["Alex Martin", "Sam Lee"]
    assert parsed.turns[0].text == "Good morning everyone. Let us start."
    assert parsed.turns[1].text == "I waited six months for a family doctor."  # inline tags removed
    assert parsed.turns[1].start_ms == 7500


def test_srt_with_comma_milliseconds():
    parsed = parse("session.srt", SRT.encode("cp1252"))
    assert parsed.format == "srt"
    assert [(turn.speaker, turn.start_ms, turn.end_ms) for turn in parsed.turns] == [
        ("Louise", 1000, 5500), ("Animatrice", 6000, 8000)]


def test_missing_end_times_take_the_next_turns_start():
    text = "WEBVTT\n\n00:01.000 -->\nAna: Un.\n\n00:04.000 -->\nBen: Deux.\n"
    parsed = parse("x.vtt", text.encode())
    assert [(turn.start_ms, turn.end_ms) for turn in parsed.turns] == [(1000, 4000), (4000, None)]


def _docx(paragraphs=(), rows=()) -> bytes:
    document = docx.Document()
    for line in paragraphs:
        document.add_paragraph(line)
    if rows:
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_turns_with_timecodes_and_continuation_lines():
    data = _docx(["[00:00:05] Animatrice: Bienvenue.", "[00:00:09] Paul Gagnon: Je suis infirmier.",
                  "Je travaille de nuit.", "[00:01:10] Paul Gagnon: Et aussi le week-end."])
    parsed = parse("entrevue.docx", data)
    assert parsed.format == "docx"
    assert [(turn.speaker, turn.start_ms) for turn in parsed.turns] == [("Animatrice", 5000), ("Paul Gagnon", 9000)]
    assert parsed.turns[1].text == "Je suis infirmier.\nJe travaille de nuit. Et aussi le week-end."
    assert parsed.turns[0].end_ms == 9000


def test_docx_table_of_turns():
    parsed = parse("t.docx", _docx(rows=[("00:00:01", "Ana", "Bonjour."), ("00:00:03", "Ben", "Salut.")]))
    assert [(turn.speaker, turn.text, turn.start_ms) for turn in parsed.turns] == [
        ("Ana", "Bonjour.", 1000), ("Ben", "Salut.", 3000)]


def test_plain_text_turns():
    parsed = parse("notes.txt", "Ana: Bonjour.\nBen: Salut.\nsuite de Ben\nAna: Au revoir.\n".encode())
    assert [turn.speaker for turn in parsed.turns] == ["Ana", "Ben", "Ana"]
    assert parsed.turns[1].text == "Salut.\nsuite de Ben"
    assert parsed.turns[0].start_ms is None


@pytest.mark.parametrize(("name", "data", "said"), [
    ("x.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour sans nom.\n", "do not name their speakers"),
    ("x.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA: un\n\n00:00:01.000 --> 00:00:02.000\nB: deux\n",
     "not in order"),
    ("x.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA: un\n\n00:00:03.000 --> 00:00:06.000\nB: deux\n",
     "overlaps"),
    ("x.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nA: un\n", "ends before it starts"),
    ("x.vtt", b"Bonjour", "does not start"),
    ("x.txt", b"", "empty"),
    ("x.txt", b"Un texte quelconque sans tour de parole.", "does not name its speaker"),
    ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
    ("x.docx", b"PK\x03\x04 not really a zip", "could not be read"),
])
def test_what_is_not_a_transcript_is_refused(name, data, said, app):
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(TranscriptError) as refused:
            parse(name, data)
        assert said in str(refused.value.message)
