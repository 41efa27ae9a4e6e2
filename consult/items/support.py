"""What an item rests on: its supporting comments counted by channel, track and participant category,
and the quotes that may be shown.

Privacy rules, applied at every rendering: a comment of an erased participant keeps counting, as
"anonymous", and is never shown under a pseudonym; quotes follow the current quotation consent
(report_draft.may_quote); hidden comments neither count nor show.
"""
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext

from ..i18n import localized
from ..models import Comment, ModificationItem
from ..reports import attribution
from ..reports.participation import CHANNELS
from ..reports.quoting import QUOTE_CHARS, Quote, may_quote, shorten

QUOTES_PER_ITEM = 2


def counted(item: ModificationItem) -> list[Comment]:
    """The supporting comments that count: every one not hidden by a moderator."""
    return [support.comment for support in item.supports
            if support.comment is not None and support.comment.visibility != "hidden"]


def is_anonymous(comment: Comment) -> bool:
    participant = comment.participant
    return participant is None or participant.erased_at is not None


def shown_as(comment: Comment) -> str:
    """How staff see who said it: the pseudonym, or nothing that points to an erased person."""
    if comment.participant is not None and comment.participant.erased_at is None:
        return comment.participant.pseudonym
    if comment.channel in ("forum", "interview") and comment.participant is None:
        return _("Group notes")
    return _("Anonymous participant")


@dataclass
class Support:
    comments: int = 0
    people: int = 0
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_track: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.comments == 0


def support_of(item: ModificationItem, lang: str, quotes: int = QUOTES_PER_ITEM) -> Support:
    comments = counted(item)
    channels = Counter(comment.channel for comment in comments)
    tracks: Counter = Counter()
    categories: Counter = Counter()
    people: set = set()
    anonymous = 0
    for comment in comments:
        tracks[localized(comment.track, "name", lang).text if comment.track else _("No track")] += 1
        participant = None if is_anonymous(comment) else comment.participant
        if participant is None:
            anonymous += 1
            categories[_("Not known") if comment.participant is None else pgettext("profile field", "Not given")] += 1
            continue
        people.add(participant.id)
        category = participant.category
        categories[localized(category, "name", lang).text if category else pgettext("profile field", "Not given")] += 1
    candidates = sorted((comment for comment in comments if may_quote(comment)),
                        key=lambda comment: (comment.language != lang, comment.source_date, comment.id))
    return Support(
        comments=len(comments), people=len(people) + anonymous,
        by_channel=[(channel, channels[channel]) for channel in CHANNELS if channels[channel]],
        by_track=sorted(tracks.items()), by_category=sorted(categories.items()),
        quotes=[Quote(shorten(comment.text, QUOTE_CHARS), comment.language, attribution.of_comment(comment, lang),
                      comment.channel) for comment in candidates[:quotes]])
