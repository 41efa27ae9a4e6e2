"""What one comment row of the workspace shows, computed for a whole page of comments at once.

`row_states(comments, viewer)` answers in a fixed number of queries whatever the number of comments
(the comments' codes, the codebook, the tree, participants, tracks and origins, each fetched once),
and the row template reads only what it computed, so that rendering a page adds none.
"""
from dataclasses import dataclass, field

from flask import has_request_context, request
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from .. import channels
from ..channels import channel_label
from ..channels.origin import Origin
from ..dates import format_day
from ..extensions import db
from ..i18n import current_language, localized
from ..models import (
    Code,
    Coding,
    Comment,
    Consultation,
    Participant,
    ParticipantCategory,
    SecondCoding,
    Topic,
    Track,
)
from ..participants.regions import region_name
from ..permissions import user_can
from ..questionnaires.prompts import PROMPT_NAMES
from ..tree import with_depth
from ..url_patterns import RouteFor
from ..vocabulary.terms import pick
from . import row_cache
from .coding import in_blind_sample
from .queries import codes_of, topics_of
from .row_texts import RowTexts, row_texts

STANCE_NAMES = {"": _l("No stance"), "support": _l("In favour"), "oppose": _l("Against"), "mixed": _l("Mixed"),
                "neutral": _l("Neutral")}
VISIBILITY_NAMES = {"visible": _l("Visible"), "hidden": _l("Hidden"), "flagged": _l("Flagged")}


@dataclass
class TopicOption:
    topic: Topic
    depth: int
    selectable: bool  # axes only group their orientations


@dataclass
class Palette:
    """What every row of one consultation shares: the codes that can be applied and the topics a
    comment can move to."""

    consultation: Consultation
    codes: list[Code]  # active codes, in codebook order
    theme_codes: dict[int, list[Code]]  # active theme codes per topic id
    topics: dict[int, Topic]
    topic_options: list[TopicOption]
    can_code: bool
    code_topics: dict[int, Topic] = field(default_factory=dict)  # theme code id → its theme's topic
    can_build_items: bool = False  # rows can be selected for a modification item
    _made: dict = field(default_factory=dict, repr=False)

    @property
    def csrf_token(self) -> str:
        return self.once(("csrf token",), generate_csrf)

    @property
    def texts(self) -> RowTexts:
        """The rows' words, translated once per worker and language instead of once per row."""
        return row_texts()

    def day(self, moment) -> str:
        """The day of a moment in the consultation's zone, formatted once per day on a page."""
        if moment is None:
            return ""
        local = moment.astimezone(self.consultation.tz or get_timezone()).date()
        return self.once(("day", local), format_day, local)

    def comment_url(self, endpoint: str, comment_id: int, **query) -> str:
        """url_for(endpoint) for one comment of the page: built once per page and endpoint (a route
        built for each row and each of its forms was a tenth of the page's time)."""
        route = self.once(("url", endpoint, tuple(query.items())), lambda: RouteFor(
            endpoint, "comment_id", slug=self.consultation.slug, **query))
        return route(comment_id)

    def once(self, key, make, *args):
        """make(*args), made once per page for `key`: the lists of orientations and of other codes
        are the same on most rows of a page, and were most of the time spent rendering it."""
        if key not in self._made:
            self._made[key] = make(*args)
        return self._made[key]

    def general_codes(self) -> list[Code]:
        """Offered on every comment: the modification codes, the added codes and any code with a shortcut
        (the same for every row of the page: picked out of the whole codebook once)."""
        return self.once(("general codes",), lambda: [code for code in self.codes
                                                      if code.kind != "theme" or code.shortcut])


@dataclass
class RowState:
    comment: Comment
    codes: list[Code] = field(default_factory=list)  # the comment's main (non-blind) codes
    palette: Palette | None = None
    topic: Topic | None = None
    participant: Participant | None = None
    category: ParticipantCategory | None = None
    track: Track | None = None
    origin: Origin | None = None
    # The list URL the row's forms return to without JavaScript (with its filters).
    back: str = ""
    # Set by the coding views when they answer with the row.
    message: str = ""
    message_kind: str = "success"
    errors: dict = field(default_factory=dict)
    typed: dict = field(default_factory=dict)
    open_actions: bool = False
    # In a list: "More actions" is filled when opened (analysis.actions_views), not written out.
    lazy_actions: bool = False
    # The viewer codes this comment blind in a sample not yet settled: its main codes stay hidden.
    blind_sample: bool = False

    @property
    def can_code(self) -> bool:
        return bool(self.palette and self.palette.can_code) and not self.blind_sample

    @property
    def code_ids(self) -> set[int]:
        return {code.id for code in self.codes}

    @property
    def buttons(self) -> list[tuple[Code, bool]]:
        """(code, applied) for the toggle buttons: the general codes, the themes of the comment's topic,
        and any other code in use that the comment has."""
        if self.palette is None:
            return []
        offered = self.palette.general_codes() + self.palette.theme_codes.get(self.comment.topic_id, [])
        offered_ids = {code.id for code in offered}
        offered += [code for code in self.codes if code.is_active and code.id not in offered_ids]
        applied = self.code_ids
        return [(code, code.id in applied) for code in offered]

    @property
    def other_codes(self) -> list[Code]:
        """The codes in use without a button on this row, for the "other code" list."""
        if self.palette is None:
            return []
        shown = {code.id for code, _applied in self.buttons}
        return [code for code in self.palette.codes if code.id not in shown]

    @property
    def other_code_groups(self) -> list[tuple[Topic | None, list[Code]]]:
        """The other codes grouped by the topic of their theme (None: codes of no topic)."""
        groups: dict[int | None, list[Code]] = {}
        topics = self.palette.code_topics if self.palette else {}
        for code in self.other_codes:
            topic = topics.get(code.id)
            groups.setdefault(topic.id if topic else None, []).append(code)
        return [(topics[codes[0].id] if topic_id is not None else None, codes) for topic_id, codes in groups.items()]

    @property
    def retired_codes(self) -> list[Code]:
        return [code for code in self.codes if not code.is_active]

    @property
    def channel_name(self) -> str:
        channel = self.comment.channel
        if self.palette is None:
            return channel_label(channel)
        return self.palette.once(("channel", channel), channel_label, channel)

    @property
    def stance_name(self) -> str:
        return STANCE_NAMES.get(self.comment.stance, self.comment.stance)

    @property
    def stance_choices(self) -> list[tuple[str, str]]:
        return [(value, STANCE_NAMES[value]) for value in ("support", "oppose", "mixed", "neutral", "")]

    @property
    def prompt_name(self) -> str:
        if not self.comment.prompt:
            return ""
        if self.palette is not None:
            consultation = self.palette.consultation
            for prompt in consultation.prompt_set:
                if prompt["key"] == self.comment.prompt:
                    return pick(prompt.get("label"), current_language(), consultation.language_list)
        return str(PROMPT_NAMES.get(self.comment.prompt, self.comment.prompt))

    @property
    def pseudonym(self) -> str:
        return self.participant.pseudonym if self.participant is not None else ""

    # What the row's template writes, read as attributes: a call from a template costs several times
    # what the same work costs here, and a page has 25 rows.

    @property
    def texts(self) -> RowTexts:
        return self.palette.texts if self.palette is not None else row_texts()

    @property
    def track_name(self) -> str:
        return localized(self.track, "name").text if self.track is not None else ""

    @property
    def category_name(self) -> str:
        return localized(self.category, "name").text if self.category is not None else ""

    @property
    def region_name(self) -> str:
        region = self.participant.region if self.participant is not None else ""
        if not region:
            return ""
        if self.palette is None:
            return region_name(region)
        return self.palette.once(("region", region), region_name, region)

    @property
    def language_name(self) -> str:
        return self.texts.language_names.get(self.comment.language, self.comment.language)

    @property
    def day(self) -> str:
        return self.palette.day(self.comment.source_date)

    @property
    def topic_title(self) -> str:
        return localized(self.topic, "title").text if self.topic is not None else ""

    @property
    def codes_url(self) -> str:
        return self.palette.comment_url("analysis.comment_codes", self.comment.id)

    @property
    def actions_url(self) -> str:
        return self.palette.comment_url("analysis.comment_actions", self.comment.id, next=self.back)

    @property
    def number_label(self) -> str:
        return self.texts.comment_number % {"number": self.comment.id}

    @property
    def details_label(self) -> str:
        return self.texts.details_number % {"number": self.comment.id}

    @property
    def button_set(self) -> tuple:
        """The row's buttons and whether each is pressed: rows with the same set share their markup."""
        return tuple((code.id, applied) for code, applied in self.buttons)

    @property
    def retired_shown(self) -> bool:
        return any(not code.is_active for code in self.codes)

    def rendered(self, macro):
        """The row's markup from `macro` (analysis/_comment_row.html), kept for the next list that shows it."""
        return row_cache.rendered(self, macro)


def list_url() -> str:
    """The page being shown, with its query string: where the row's forms come back to."""
    if not has_request_context() or request.method != "GET":
        return ""
    return request.full_path.rstrip("?")


def palettes(consultation_ids: set[int], viewer) -> dict[int, Palette]:
    """The shared part of the rows, per consultation: three queries for each (usually one)."""
    can_code = bool(user_can(viewer, "code_comments"))
    can_build_items = bool(user_can(viewer, "build_items"))
    result = {}
    for consultation_id in consultation_ids:
        consultation = db.session.get(Consultation, consultation_id)
        rows = [(code, topic_id) for code, topic_id in codes_of(consultation) if code.status == "active"]
        theme_codes: dict[int, list[Code]] = {}
        for code, topic_id in rows:
            if code.kind == "theme" and topic_id is not None:
                theme_codes.setdefault(topic_id, []).append(code)
        topics = {topic.id: topic for topic in topics_of(consultation)}
        code_topics = {code.id: topics[topic_id] for code, topic_id in rows if topic_id in topics}
        result[consultation_id] = Palette(consultation, [code for code, _topic in rows], theme_codes, topics,
                                          topic_options(topics), can_code, code_topics, can_build_items)
    return result


def topic_options(topics: dict[int, Topic]) -> list[TopicOption]:
    """The tree in reading order; a comment can be placed on a section or an orientation."""
    return [TopicOption(topic, depth, topic.kind != "axis") for topic, depth in with_depth(topics.values())]


def row_states(comments: list[Comment], viewer, listed: bool = False) -> dict[int, RowState]:
    """{comment id: RowState} for the comments of one page, in a fixed number of queries whatever
    their number. `listed`: rows of a list, whose less frequent actions come when opened."""
    states = {comment.id: RowState(comment, back=list_url(), lazy_actions=listed) for comment in comments}
    if not states:
        return states
    for comment_id, code in db.session.execute(
        select(Coding.comment_id, Code).join(Code, Code.id == Coding.code_id)
        .where(Coding.comment_id.in_(states), Coding.blind.is_(False))
        .order_by(Code.position, Code.id)
    ).all():
        states[comment_id].codes.append(code)
    for comment_id in in_blind_sample(getattr(viewer, "id", None), list(states)):
        states[comment_id].blind_sample, states[comment_id].codes = True, []
    shared = palettes({comment.consultation_id for comment in comments}, viewer)
    for state in states.values():
        state.palette = shared[state.comment.consultation_id]
    _attach_context(list(states.values()), viewer)
    return states


def _attach_context(states: list, viewer) -> None:
    """Topic, participant, category, track and origin of each row (after the palette), one query per
    kind of record."""
    comments = [state.comment for state in states]
    participant_ids = {comment.participant_id for comment in comments if comment.participant_id}
    # What a row shows of a person (pseudonym, region, category): their other columns stay unread.
    participants = {person.id: person for person in db.session.scalars(
        select(Participant).options(load_only(Participant.pseudonym, Participant.region, Participant.category_id),
                                    joinedload(Participant.category)).where(Participant.id.in_(participant_ids))
    )} if participant_ids else {}
    track_ids = {comment.track_id for comment in comments if comment.track_id}
    tracks = {track.id: track for track in db.session.scalars(select(Track).where(Track.id.in_(track_ids)))} \
        if track_ids else {}
    origins = _origins(comments, viewer)
    for state in states:
        comment = state.comment
        state.topic = state.palette.topics.get(comment.topic_id)
        state.participant = participants.get(comment.participant_id)
        state.category = state.participant.category if state.participant is not None else None
        state.track = tracks.get(comment.track_id)
        state.origin = origins.get(comment.id)


def _origins(comments: list[Comment], viewer) -> dict[int, Origin]:
    """Where each comment was said, with a link to it when the viewer may open that page."""
    slugs = {}
    for consultation_id in {comment.consultation_id for comment in comments}:
        slugs[consultation_id] = db.session.get(Consultation, consultation_id).slug
    found = channels.origins(comments, slugs, viewer)
    return {comment.id: found.get(comment.id) or Origin(str(_l("Origin no longer kept")), None)
            for comment in comments}


# -- the second coder's rows ----------------------------------------------------------------------

@dataclass
class BlindRowState(RowState):
    """A comment of a second coder's sample: their own blind codes, never the main ones."""

    assignment: SecondCoding | None = None
    blind_codes: list[Code] = field(default_factory=list)

    @property
    def code_ids(self) -> set[int]:
        return {code.id for code in self.blind_codes}

    @property
    def shown(self) -> str:
        """The blind codes as this page shows them; a toggle sent from an older page is refused."""
        return ",".join(str(code_id) for code_id in sorted(self.code_ids))

    @property
    def buttons(self) -> list[tuple[Code, bool]]:
        if self.palette is None:
            return []
        offered = self.palette.general_codes() + self.palette.theme_codes.get(self.comment.topic_id, [])
        offered_ids = {code.id for code in offered}
        offered += [code for code in self.blind_codes if code.is_active and code.id not in offered_ids]
        applied = self.code_ids
        return [(code, code.id in applied) for code in offered]

    @property
    def retired_codes(self) -> list[Code]:
        return [code for code in self.blind_codes if not code.is_active]


def blind_row_states(assignments: list[SecondCoding], viewer) -> dict[int, BlindRowState]:
    """{assignment id: BlindRowState} in a fixed number of queries; the main codes are not read."""
    comments = {comment.id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.id.in_([assignment.comment_id for assignment in assignments])))} \
        if assignments else {}
    states = {assignment.id: BlindRowState(comments[assignment.comment_id], assignment=assignment,
                                           back=list_url())
              for assignment in assignments}
    if not states:
        return states
    by_comment = {state.comment.id: state for state in states.values()}
    for comment_id, code in db.session.execute(
        select(Coding.comment_id, Code).join(Code, Code.id == Coding.code_id)
        .where(Coding.comment_id.in_(by_comment), Coding.blind.is_(True))
        .order_by(Code.position, Code.id)
    ).all():
        by_comment[comment_id].blind_codes.append(code)
    shared = palettes({state.comment.consultation_id for state in states.values()}, viewer)
    for state in states.values():
        state.palette = shared[state.comment.consultation_id]
    _attach_context(list(states.values()), viewer)
    return states
