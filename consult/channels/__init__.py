"""The channels people speak through, each a kind of comment origin, in one registry.

Every answer, excerpt and note becomes one Comment (see derive.py for what they share). A channel
is its module here (how its origins become comments, where staff open an origin, which origins are
one person's) plus one entry in CHANNELS; docs/adding-a-channel.md walks through adding one.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..models import Answer, Comment, Excerpt, ForumNote, TranscriptPassage
from . import notes, questionnaire, submission, transcripts
from .origin import Origin


@dataclass(frozen=True)
class CommentChannel:
    key: str  # Comment.channel
    label: object  # lazy: French or English as the page or export is
    model: type  # where its comments come from
    origin_column: str  # the Comment column pointing back to the origin
    sync_all: Callable  # consultation -> Tally: derive or bring up to date every comment of the channel
    origins: Callable  # (comments, {consultation id: slug}, viewer) -> {comment id: Origin}
    # participant -> SELECT of the origin ids that are this person's words ("My data", erasure);
    # None when the channel speaks for no one person (notes).
    held_by: Callable | None


CHANNELS: dict[str, CommentChannel] = {channel.key: channel for channel in (
    CommentChannel("questionnaire", _l("Questionnaire"), Answer, "answer_id", questionnaire.sync_all,
                   questionnaire.origins, questionnaire.held_by),
    CommentChannel("submission", _l("Written submission"), Excerpt, "excerpt_id", submission.sync_all,
                   submission.origins, submission.held_by),
    CommentChannel("forum", _l("Forum"), ForumNote, "note_id", notes.sync_all, notes.origins, None),
    CommentChannel("interview", _l("Interview"), ForumNote, "note_id", notes.sync_all, notes.origins, None),
    CommentChannel("transcript", _l("Transcript"), TranscriptPassage, "passage_id", transcripts.sync_all,
                   transcripts.origins, transcripts.held_by),
)}


def channel_label(key: str) -> str:
    channel = CHANNELS.get(key)
    return str(channel.label) if channel is not None else key


def channel_labels() -> dict[str, object]:
    """{key: lazy label}, in the registry's order (filters, count columns, export legends)."""
    return {key: channel.label for key, channel in CHANNELS.items()}


def by_origin() -> list[CommentChannel]:
    """One channel per origin column: forums and interviews share their notes."""
    seen = {}
    for channel in CHANNELS.values():
        seen.setdefault(channel.origin_column, channel)
    return list(seen.values())


def origins(comments: list[Comment], slugs: dict[int, str], viewer) -> dict[int, Origin]:
    """Where each comment was said; a comment whose origin is gone has no entry."""
    found = {}
    for channel in by_origin():
        mine = [comment for comment in comments if getattr(comment, channel.origin_column)]
        if mine:
            found.update(channel.origins(mine, slugs, viewer))
    return found


def held_origins(participant) -> dict[str, object]:
    """{origin column: SELECT of the ids of this person's origins} for the channels that are one person's."""
    return {channel.origin_column: channel.held_by(participant)
            for channel in by_origin() if channel.held_by is not None}
