"""Transcript files read into speaker turns.

WebVTT (Zoom writes "Name: text" in the cue, Teams a `<v Name>` voice tag), SubRip, DOCX and plain
text with "Name: text" turns. The cue reader is written here rather than taken from webvtt-py or
srt: both reject the cues these exports really contain (a cue without end time, Zoom's numbered
cues with a BOM), neither reads speakers in the cue text, and what is needed is one regular
expression for the timing line. Consecutive cues of one speaker join into one turn.
"""
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})?")
VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>)?$", re.S)
NAMED = re.compile(r"^([^:\n]{1,80}?)\s*:\s+(.+)$", re.S)
TAGS = re.compile(r"</?[a-z][^>]*>", re.I)
# A timecode at the start of a plain-text or DOCX line: "[00:01:02] Name: text" or "00:01:02 Name: text".
LINE_TIME = re.compile(r"^\[?(?P<time>(?:\d+:)?\d{1,2}:\d{2})(?:[.,]\d+)?\]?\s+(?P<rest>.+)$", re.S)


class TranscriptError(ValueError):
    """A file that cannot be kept as a transcript; `message` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class ParsedTurn:
    speaker: str
    text: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass
class Parsed:
    format: str
    turns: list[ParsedTurn] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """In order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))


def _ms(value: str) -> int:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000)


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", TAGS.sub("", text)).strip()


def _speaker_and_text(text: str) -> tuple[str, str]:
    voice = VOICE.match(text.strip())
    if voice:
        return voice.group(1).strip(), _clean(voice.group(2))
    text = _clean(text)
    named = NAMED.match(text)
    if named and not named.group(1).strip().isdigit():
        return named.group(1).strip(), named.group(2).strip()
    return "", text


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise TranscriptError(_l("The file is not text: upload a WebVTT, SubRip, Word or plain-text transcript."))
    if "\x00" in text:
        raise TranscriptError(_l("The file is not text: upload a WebVTT, SubRip, Word or plain-text transcript."))
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _cues(text: str) -> list[ParsedTurn]:
    """The cues of a WebVTT or SubRip text, each with its speaker when it names one."""
    cues = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            timing = TIMING.match(line)
            if timing:
                speaker, words = _speaker_and_text("\n".join(lines[index + 1:]).replace("\n", " "))
                if words:
                    end = timing.group("end")
                    cues.append(ParsedTurn(speaker, words, _ms(timing.group("start")), _ms(end) if end else None))
                break
    return cues


def _lines(lines: list[str]) -> list[ParsedTurn]:
    """Turns written "Name: text", a line without a name continuing the turn before it."""
    turns = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        start = None
        timed = LINE_TIME.match(line)
        if timed:
            start, line = _ms(timed.group("time")), timed.group("rest").strip()
        speaker, words = _speaker_and_text(line)
        if speaker:
            turns.append(ParsedTurn(speaker, words, start))
        elif turns:
            turns[-1].text += "\n" + words
        else:
            raise TranscriptError(_l("The first line does not name its speaker: each turn begins with “Name: ”."))
    return turns


def _docx_lines(data: bytes) -> list[str]:
    import docx  # python-docx, only when a Word file is read

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # a damaged or disguised file: python-docx raises many kinds
        raise TranscriptError(_l("The Word document could not be read.")) from error
    lines = []
    for paragraph in document.paragraphs:
        lines.extend(paragraph.text.split("\n"))
    for table in document.tables:  # some tools write one row per turn: time, speaker, text
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            if len(cells) >= 2 and cells[-1]:
                lines.append(" ".join(cells[:-1]) + ": " + cells[-1] if len(cells) == 2 else
                             f"{cells[0]} {cells[1]}: {cells[-1]}")
    return lines


def _check_times(turns: list[ParsedTurn]) -> None:
    previous_start, previous_end = -1, None
    for number, turn in enumerate(turns, start=1):
        if turn.start_ms is None:
            continue
        if turn.end_ms is not None and turn.end_ms < turn.start_ms:
            raise TranscriptError(_l("Cue %(number)d ends before it starts.", number=number))
        if turn.start_ms < previous_start:
            raise TranscriptError(_l("The timecodes are not in order: cue %(number)d starts before the one above it.",
                                     number=number))
        if previous_end is not None and turn.start_ms < previous_end:
            raise TranscriptError(_l("Cue %(number)d overlaps the one above it.", number=number))
        previous_start, previous_end = turn.start_ms, turn.end_ms


def _join(turns: list[ParsedTurn]) -> list[ParsedTurn]:
    """Consecutive turns of one speaker as one; a missing end time is the next turn's start."""
    joined: list[ParsedTurn] = []
    for turn in turns:
        if joined and joined[-1].speaker == turn.speaker:
            last = joined[-1]
            last.text = f"{last.text} {turn.text}"
            last.end_ms = turn.end_ms if turn.end_ms is not None else last.end_ms
            if last.start_ms is None:
                last.start_ms = turn.start_ms
            continue
        if joined and joined[-1].end_ms is None and turn.start_ms is not None and joined[-1].start_ms is not None:
            joined[-1].end_ms = turn.start_ms
        joined.append(ParsedTurn(turn.speaker, turn.text, turn.start_ms, turn.end_ms))
    return joined


def format_of(filename: str, data: bytes) -> str:
    """"vtt", "srt", "docx" or "txt", by content first (a renamed file is read for what it is)."""
    if data[:2] == b"PK":
        return "docx"
    head = data[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"WEBVTT"):
        return "vtt"
    if re.match(rb"^\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{3}\s*-->", head):
        return "srt"
    if filename.lower().endswith(".vtt"):
        raise TranscriptError(_l("This WebVTT file does not start with “WEBVTT”: it is not a transcript."))
    return "txt"


def parse(filename: str, data: bytes) -> Parsed:
    """The speaker turns of a transcript file, or TranscriptError saying what is wrong with it."""
    if not data.strip():
        raise TranscriptError(_l("The file is empty."))
    kind = format_of(filename, data)
    if kind == "docx":
        turns = _lines(_docx_lines(data))
    else:
        text = _decode(data)
        turns = _cues(text) if kind in ("vtt", "srt") else _lines(text.split("\n"))
    if not turns:
        raise TranscriptError(_l("No speaker turn was found: this file is not a transcript."))
    if kind in ("vtt", "srt") and not any(turn.speaker for turn in turns):
        raise TranscriptError(_l("The cues do not name their speakers (neither “Name: text” nor a voice tag): "
                                 "export the transcript with speaker names."))
    unnamed = next((number for number, turn in enumerate(turns, start=1) if not turn.speaker), None)
    if unnamed is not None:
        raise TranscriptError(_l("Cue %(number)d does not name its speaker.", number=unnamed))
    _check_times(turns)
    return Parsed(kind, _join(turns))
