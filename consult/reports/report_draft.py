"""The "what we heard" report draft: for each topic of the tree, the analysts' memo, how many comments
came through each channel, a few quotes, and the two tables of proposed modifications.

Privacy rules applied at every rendering (nothing is cached, so a withdrawn consent takes effect at
the next one):
- hidden comments are left out everywhere;
- a participant's words appear (as a quote or in a table) only while their current quotation consent
  is granted and their identity has not been erased; forum and interview notes, written by staff for
  a group, may be shown but are never quoted;
- attribution is anonymous: category and province only (see attribution.py).
"""
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import Localized, current_language, localized
from ..items.report_rows import item_tables
from ..items.services import items_of
from ..models import Coding, Comment, Consultation, Participant, ReportSectionNote, Topic, TopicMemo
from ..tree import load_tree
from ..vocabulary.terms import pick
from . import attribution
from .participation import CHANNELS
from .quoting import QUOTE_CHARS, Quote, may_quote, may_show_words, quoted, shorten  # noqa: F401

QUOTES_PER_TOPIC = 3
ROW_CHARS = 600
GROUPS = ("clarify", "strengthen")


def group_title(group: str, consultation: Consultation | None = None, lang: str | None = None) -> str:
    """The two tables of proposed modifications, headed as the consultation's codebook names them."""
    if consultation is not None:
        heading_text = pick((consultation.codebook_preset.get("groups") or {}).get(group), lang or current_language(),
                            consultation.language_list)
        if heading_text:
            return heading_text
    return {"clarify": _("To clarify or change"), "strengthen": _("Missing or to strengthen")}[group]


def modifications_heading(consultation: Consultation, lang: str | None = None) -> str:
    """The heading over a topic's two tables of coded comments: the codebook's own, else "Coded comments"."""
    own = pick(consultation.codebook_preset.get("heading"), lang or current_language(), consultation.language_list)
    return own or _("Coded comments")


def heading(topic: Topic, title: Localized, lang: str | None = None) -> str:
    if topic.kind in ("axis", "orientation"):
        return _("%(label)s. %(title)s", label=topic.consultation.vocabulary.label_text(topic, lang), title=title.text)
    return title.text


@dataclass
class ModificationRow:
    comment_id: int
    text: str  # "" when the words may not be shown
    language: str
    codes: list[str]
    channel: str
    attribution: str

    @property
    def withheld(self) -> bool:
        return not self.text


@dataclass
class TopicSection:
    topic: Topic
    depth: int
    title: Localized
    memo: Localized | None
    counts: list[tuple[str, int]]
    quotes: list[Quote] = field(default_factory=list)
    clarify: list[ModificationRow] = field(default_factory=list)
    strengthen: list[ModificationRow] = field(default_factory=list)
    # The modification items of this node (tables per kind) and the coordinator's own text.
    items: list = field(default_factory=list)
    note: Localized | None = None

    @property
    def total(self) -> int:
        return sum(number for _channel, number in self.counts)

    @property
    def heading(self) -> str:
        return heading(self.topic, self.title)

    def rows(self, group: str) -> list[ModificationRow]:
        return self.clarify if group == "clarify" else self.strengthen


@dataclass
class ReportDraft:
    consultation: Consultation
    lang: str
    title: Localized
    sections: list[TopicSection]
    unplaced: int  # comments not yet on a topic, so not in the draft

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)


def report_language(consultation: Consultation, asked: str | None) -> str:
    """The language asked for when the consultation is held in it, else its first language."""
    offered = consultation.language_list or ["fr"]
    return asked if asked in offered else offered[0]


def _comments(consultation: Consultation) -> list[Comment]:
    return db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id, Comment.visibility != "hidden")
        .options(selectinload(Comment.participant).selectinload(Participant.category),
                 selectinload(Comment.participant).selectinload(Participant.consents),
                 selectinload(Comment.track),
                 selectinload(Comment.codings).selectinload(Coding.code))
        .order_by(Comment.source_date, Comment.id)).all()


def _report_codes(comment: Comment) -> dict[str, list]:
    """The comment's (non-blind) codes that belong to a table of the report, by table."""
    found: dict[str, list] = defaultdict(list)
    for coding in comment.codings:
        code = coding.code
        if coding.blind or code is None:
            continue
        if code.status == "merged" and code.merged_into is not None:
            code = code.merged_into
        if code.report_group in GROUPS and code not in found[code.report_group]:
            found[code.report_group].append(code)
    return found


def _quotes(comments: list[Comment], lang: str) -> list[Quote]:
    candidates = [comment for comment in comments if may_quote(comment)]
    # The report's language first, then coded comments (an analyst found them telling), oldest first.
    candidates.sort(key=lambda comment: (comment.language != lang, not comment.codings, comment.source_date,
                                         comment.id))
    return [Quote(shorten(comment.text, QUOTE_CHARS), comment.language, attribution.of_comment(comment, lang),
                  comment.channel) for comment in candidates[:QUOTES_PER_TOPIC]]


def _rows(comments: list[Comment], lang: str) -> dict[str, list[ModificationRow]]:
    rows: dict[str, list[ModificationRow]] = {group: [] for group in GROUPS}
    for comment in comments:
        for group, codes in _report_codes(comment).items():
            rows[group].append(ModificationRow(
                comment_id=comment.id, text=shorten(comment.text, ROW_CHARS) if may_show_words(comment) else "",
                language=comment.language, codes=[localized(code, "label", lang).text or code.key for code in codes],
                channel=comment.channel, attribution=attribution.of_comment(comment, lang)))
    return rows


def build(consultation: Consultation, lang: str) -> ReportDraft:
    tree = load_tree(consultation)
    comments = _comments(consultation)
    by_topic: dict[int, list[Comment]] = defaultdict(list)
    unplaced = 0
    for comment in comments:
        if comment.topic_id is None:
            unplaced += 1
        else:
            by_topic[comment.topic_id].append(comment)
    memos = {memo.topic_id: memo for memo in db.session.scalars(
        select(TopicMemo).join(Topic, TopicMemo.topic_id == Topic.id).where(Topic.consultation_id == consultation.id))}
    notes = {note.topic_id: note for note in db.session.scalars(
        select(ReportSectionNote).join(Topic, ReportSectionNote.topic_id == Topic.id)
        .where(Topic.consultation_id == consultation.id))}
    items: dict[int, list] = defaultdict(list)
    for item in items_of(consultation):
        items[item.topic_id].append(item)
    sections = []
    for topic in tree.reading_order:
        mine = by_topic.get(topic.id, [])
        memo = memos.get(topic.id)
        body = localized(memo, "body", lang) if memo is not None else None
        counts = [(channel, sum(1 for comment in mine if comment.channel == channel)) for channel in CHANNELS]
        rows = _rows(mine, lang)
        note = notes.get(topic.id)
        note_text = localized(note, "body", lang) if note is not None else None
        sections.append(TopicSection(topic=topic, depth=len(topic.ancestors()), title=localized(topic, "title", lang),
                                     memo=body if body else None, counts=counts, quotes=_quotes(mine, lang),
                                     clarify=rows["clarify"], strengthen=rows["strengthen"],
                                     items=item_tables(items.get(topic.id, []), lang),
                                     note=note_text if note_text else None))
    return ReportDraft(consultation=consultation, lang=lang, title=localized(consultation, "title", lang),
                       sections=sections, unplaced=unplaced)
