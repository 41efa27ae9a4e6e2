"""When someone's words may appear (quoted, or in a table), and how a quote is cut and marked.

A participant's words appear only while their current quotation consent is granted and their identity
has not been erased; forum and interview notes, written by staff for a group, may be shown but are
never quoted.
"""
from dataclasses import dataclass

from ..models import Comment

QUOTE_CHARS = 420
# A quote reads best between a sentence and a short paragraph.
QUOTE_MIN_CHARS = 40
NOTE_CHANNELS = ("forum", "interview")


def quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut at a word boundary with an ellipsis when longer than limit."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def may_show_words(comment: Comment) -> bool:
    """Whether the comment's own words may appear in the report."""
    participant = comment.participant
    if participant is None:
        return comment.channel in NOTE_CHANNELS
    return participant.erased_at is None and participant.current_consent("quotation")


def may_quote(comment: Comment) -> bool:
    return (comment.visibility == "visible" and comment.participant is not None
            and comment.channel not in NOTE_CHANNELS and may_show_words(comment)
            and len((comment.text or "").strip()) >= QUOTE_MIN_CHARS)


@dataclass
class Quote:
    text: str
    language: str
    attribution: str
    channel: str


