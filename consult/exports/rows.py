"""The rows of an export, read in batches so that memory stays bounded whatever the number of comments.

Rows are ordered as the policy is: axis by axis, in each the comments on the axis itself then each
orientation in turn, each topic's comments by date. Comments without a topic or on a section form
the "General / no orientation" group, last, in a whole-consultation export. On SQLite a query per
topic follows the index on (consultation, topic, date, id): no sort of the whole table is needed.
On PostgreSQL one query reads the whole export, which the server scans, joins and sorts once, and
its rows stream to this process while they are written out.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import groupby, islice
from operator import itemgetter

from sqlalchemy import String, bindparam, case, cast, func, literal, or_, select, type_coerce

from ..extensions import db
from ..i18n import localized
from ..models import (
    Answer,
    Code,
    Coding,
    Comment,
    Consultation,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    ParticipantCategory,
    Response,
    Submission,
    Track,
)
from .labels import Labels, labels_for
from .prefetch import ahead
from .services import ExportOptions, Group, TopicRef, groups_of, row_count

BATCH_SIZE = 2000


@dataclass(slots=True)
class ExportRow:
    """One comment as the XLSX and JSON writers take it; labels are in the export's language."""

    id: int
    themes: list  # [(code, label)]
    codes: list  # [(key, label, kind)]: the modification codes and the analysts' own
    channel: str
    track_code: str
    track_name: str
    pseudonym: str
    name: str  # name, email and organisation: only in an identified export
    email: str
    organisation: str
    category_code: str
    category_name: str
    region_code: str
    region: str
    language: str
    prompt: str
    text: str
    source: str
    date: datetime  # in the consultation's time zone
    stance: str
    visibility: str


# Positions in a row of _statement; the CSV writer reads them without building ExportRows.
(ID, CHANNEL, TRACK_ID, FORUM_ID, LANGUAGE, PROMPT, TEXT, SOURCE_DATE, STANCE, VISIBILITY, PSEUDONYM,
 CATEGORY_ID, REGION, QUESTIONNAIRE_ID, RESPONSE_ID, RESPONSE_VERSION, SUBMISSION_NUMBER, LOCATOR,
 NAME, EMAIL, ORGANISATION) = range(21)


@dataclass
class ExportBatch:
    """Fetched rows of one group and one topic (the axis itself, an orientation, a section, or
    none), as the database gave them, with the ids of the codes applied to each comment."""

    group: Group
    topic_code: str = ""
    topic_title: str = ""
    topic_kind: str = ""
    raw: list = field(default_factory=list)  # rows of _statement, read with ID, TEXT...
    applied: dict[int, str] = field(default_factory=dict)  # comment id → "3,17": the ids of its codes


@dataclass(frozen=True)
class AppliedCodes:
    """The codes applied to a comment, split as the exports show them."""

    themes: list  # [(code, label)]
    others: list  # [(key, label, kind)]
    theme_codes: str  # joined with "; "
    theme_labels: str
    other_labels: str


def _code_table(consultation: Consultation, lang: str) -> dict[int, tuple[str, str, str, int]]:
    """{code id: (kind, code, label, position)}; a merged code counts as the code it was merged into."""
    codes = {code.id: code for code in db.session.scalars(select(Code).where(Code.consultation_id == consultation.id))}
    table = {}
    for code_id, code in codes.items():
        final, seen = code, set()
        while final.status == "merged" and final.merged_into_id in codes and final.id not in seen:
            seen.add(final.id)
            final = codes[final.merged_into_id]
        label = localized(final, "label", lang).text
        if final.kind == "theme" and final.theme is not None:
            table[code_id] = ("theme", final.theme.code, label or localized(final.theme, "name", lang).text,
                              final.position)
        else:
            table[code_id] = (final.kind, final.key, label or final.key, final.position)
    return table


def _joined(columns: list):
    """The comments with their participant, response, excerpt and forum note."""
    return (
        select(*columns)
        .select_from(Comment)
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .outerjoin(Answer, Answer.id == Comment.answer_id)
        .outerjoin(Response, Response.id == Answer.response_id)
        .outerjoin(Excerpt, Excerpt.id == Comment.excerpt_id)
        .outerjoin(Submission, Submission.id == Excerpt.submission_id)
        .outerjoin(ForumNote, ForumNote.id == Comment.note_id)
    )


def _columns(identified: bool, stored_date) -> list:
    columns = [Comment.id, Comment.channel, Comment.track_id, func.coalesce(Comment.forum_id, ForumNote.forum_id),
               Comment.language, Comment.prompt, Comment.text, stored_date, Comment.stance, Comment.visibility,
               Participant.pseudonym, Participant.category_id, Participant.region,
               Response.questionnaire_id, Response.id, Response.version, Submission.number, Excerpt.locator]
    if identified:  # a pseudonymous export never reads who the participants are
        columns += (Participant.name, Participant.email, Participant.organisation)
    return columns


def _statement(consultation_id: int, topic: TopicRef | None, include_hidden: bool, identified: bool):
    """The comments of one topic (None: without a topic), in date order, with everything a row
    shows; it follows the index on (consultation, topic, date, id)."""
    # The date as the driver gives it (text on SQLite): RowReader.local_minute converts an hour of
    # comments at once instead of parsing every row's date.
    statement = (
        _joined(_columns(identified, type_coerce(Comment.source_date, String())))
        .where(Comment.consultation_id == consultation_id,
               Comment.topic_id == topic.id if topic is not None else Comment.topic_id.is_(None))
        .order_by(Comment.source_date, Comment.id)
    )
    if not include_hidden:
        statement = statement.where(Comment.visibility != "hidden")
    return statement


def _whole_statement(consultation_id: int, topics: list[TopicRef | None], include_hidden: bool, identified: bool):
    """Every comment of the export in one query, for PostgreSQL: topic by topic in the order of
    `topics` (None: without a topic), each by date. Each row ends with the ids of the comment's
    codes, joined ("3,17"), and the position of its topic in `topics`.

    One scan, joined and sorted once by the server, costs it less than half what a query per
    topic does (each would join its comments to every answer again)."""
    # The date as UTC text, as SQLite stores it (RowReader.local_minute converts an hour of
    # comments at once); read with DateStyle ISO.
    stored_date = cast(func.timezone("UTC", Comment.source_date), String())
    codes = (select(func.string_agg(cast(Coding.code_id, String), ","))
             .where(Coding.comment_id == Comment.id, Coding.blind.is_(False)).scalar_subquery())
    positions = {topic.id: position for position, topic in enumerate(topics) if topic is not None}
    without_topic = next((position for position, topic in enumerate(topics) if topic is None), None)
    place = case(positions, value=Comment.topic_id, else_=without_topic) if positions else literal(without_topic)
    in_scope = Comment.topic_id.in_(list(positions))
    if without_topic is not None:
        in_scope = or_(in_scope, Comment.topic_id.is_(None))
    statement = (
        _joined([*_columns(identified, stored_date), codes, place])
        .where(Comment.consultation_id == consultation_id, in_scope)
        .order_by(place, Comment.source_date, Comment.id)
    )
    if not include_hidden:
        statement = statement.where(Comment.visibility != "hidden")
    return statement


# The codes of one batch of comments, one row per coded comment with its code ids joined ("3,17"):
# one query per batch, never one per comment.
_CODINGS = (select(Coding.comment_id, func.aggregate_strings(cast(Coding.code_id, String), ","))
            .where(Coding.comment_id.in_(bindparam("ids", expanding=True)), Coding.blind.is_(False))
            .group_by(Coding.comment_id))
# The same straight to SQLite's driver: a batch's two thousand ids go as they are, without
# SQLAlchemy binding them one by one.
_CODINGS_SQLITE = ("SELECT comment_id, group_concat(code_id) FROM coding WHERE NOT blind AND comment_id IN ({}) "
                   "GROUP BY comment_id")
_CODES, _PLACE = -2, -1  # the last columns of _whole_statement


def _streamed(connection, statement) -> Iterator[tuple[int, list, dict[int, str]]]:
    """(position of the topic, rows, {comment id: its codes}) for every batch of a _whole_statement,
    on PostgreSQL. The rows come in chunks while the server sends them (psycopg's stream), so this
    process formats a chunk while the next one arrives; a batch holds one topic's rows."""
    from psycopg import capabilities

    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    connection.exec_driver_sql("SET LOCAL DateStyle = 'ISO'")  # dates as "2025-03-10 15:04:05.123456"
    cursor = connection.connection.cursor()
    chunk = BATCH_SIZE if capabilities.has_stream_chunked() else 1  # chunks need libpq 17
    rows = cursor.stream(compiled.string, compiled.params, size=chunk)
    try:
        for place, same_place in groupby(rows, key=itemgetter(_PLACE)):
            while raw := list(islice(same_place, BATCH_SIZE)):
                yield place, raw, {row[ID]: row[_CODES] for row in raw if row[_CODES] is not None}
    finally:
        rows.close()  # a download cut short: psycopg cancels the query and drains the connection
        cursor.close()


class RowReader:
    """Reads the rows of one export. Lookup tables of the consultation (topics, tracks, categories,
    forums, codes: small) are loaded once; comments and participants stream through the query.

    Rows stay as the database gives them (no ORM objects, no per-row type conversion): an export
    of a million comments spends its time in the database and in the file format."""

    def __init__(self, options: ExportOptions, labels: Labels | None = None):
        self.options = options
        consultation = options.consultation
        lang = options.lang
        self.labels = labels or labels_for(lang, consultation)
        # Plain values of the consultation and the scope, for the writers' headings.
        self.consultation_id = consultation.id
        self.slug = consultation.slug
        self.title = localized(consultation, "title", lang).text
        self.languages = consultation.language_list
        self.level_names = consultation.vocabulary.names_for(lang)
        self.timezone = consultation.timezone
        self.tz = consultation.tz
        self.axis = None if options.axis is None else TopicRef(
            options.axis.id, options.axis.code, options.axis.kind, localized(options.axis, "title", lang).text)
        self.groups = groups_of(consultation, lang, self.labels, options.axis)
        self.codes = _code_table(consultation, lang)
        self.tracks = {track.id: (track.code, localized(track, "name", lang).text)
                       for track in db.session.scalars(select(Track).where(Track.consultation_id == consultation.id))}
        self.categories = {
            category.id: (category.code, localized(category, "name", lang).text)
            for category in db.session.scalars(select(ParticipantCategory).where(
                ParticipantCategory.consultation_id == consultation.id))}
        self.forums = {}
        for forum in db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id)):
            title = localized(forum, "title", lang).text
            day = forum.starts_at.astimezone(self.tz).strftime("%Y-%m-%d")
            self.forums[forum.id] = f"{title}, {day}" if title else day
        # Region names need the translation catalogue, so they are all looked up now.
        self.regions: dict[str | None, str] = {None: "", "": ""}
        for (region,) in db.session.execute(select(Participant.region).distinct().where(
                Participant.consultation_id == consultation.id)):
            if region:
                self.regions[region] = self.labels.region(region)
        self._applied: dict[str, AppliedCodes] = {}
        # "2025-03-10 15" (UTC, as SQLite stores it) → "2025-03-10 11" (local), or "" where the
        # zone is not a whole number of hours from UTC.
        self.hours: dict[str, str] = {}
        self.engine = db.engine
        self.prefetch = True
        self.rows_read = 0

    @property
    def count(self) -> int:
        """The rows the export will hold, as counted when it started."""
        return row_count(self.groups, self.options.include_hidden)

    def batches(self) -> Iterator[ExportBatch]:
        """Every group in order, as batches of at most BATCH_SIZE rows of one topic; a group starts
        with an empty batch, so that writers give a group without comments its sheet all the same.

        The batches are read a little ahead, in a thread (prefetch.ahead), through a connection of
        the reader's own: they need neither the request nor the application context, so a download
        streams after its request has ended and nothing of the request is kept alive by it. Rows
        committed before the export started are what it sees."""
        return ahead(self._read) if self.prefetch else self._read()

    def _read(self) -> Iterator[ExportBatch]:
        with self.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                yield from self._read_at_once(connection)
            else:
                yield from self._read_by_topic(connection)

    def _read_by_topic(self, connection) -> Iterator[ExportBatch]:
        options = self.options
        for group in self.groups:
            yield ExportBatch(group)
            for topic in group.topics:
                statement = _statement(self.consultation_id, topic, options.include_hidden, options.identified)
                for raw, applied in self._fetched(connection, statement):
                    yield self._batch(group, topic, raw, applied)

    def _read_at_once(self, connection) -> Iterator[ExportBatch]:
        options = self.options
        places = [(group, topic) for group in self.groups for topic in group.topics]
        group_at = {id(group): position for position, group in enumerate(self.groups)}
        opened = 0  # groups whose first (empty) batch was given
        statement = _whole_statement(self.consultation_id, [topic for _group, topic in places],
                                     options.include_hidden, options.identified)
        for place, raw, applied in _streamed(connection, statement):
            group, topic = places[place]
            while opened <= group_at[id(group)]:
                yield ExportBatch(self.groups[opened])
                opened += 1
            yield self._batch(group, topic, raw, applied)
        for group in self.groups[opened:]:
            yield ExportBatch(group)

    def _batch(self, group: Group, topic: TopicRef | None, raw: list, applied: dict[int, str]) -> ExportBatch:
        self.rows_read += len(raw)
        if topic is None or topic.kind == "axis":
            return ExportBatch(group, "", "", "", raw, applied)
        return ExportBatch(group, topic.code, topic.title, topic.kind, raw, applied)

    @classmethod
    def _fetched(cls, connection, statement) -> Iterator[tuple[list, dict[int, str]]]:
        """The rows of a statement in batches, with the codes of each batch from one more query."""
        result = connection.execute(statement.execution_options(yield_per=BATCH_SIZE))
        for raw in result.partitions():
            yield raw, cls._codings(connection, raw)

    @staticmethod
    def _codings(connection, raw) -> dict[int, str]:
        """{comment id: ids of its codes, joined}, for the coded comments of a batch."""
        ids = [row[ID] for row in raw]
        if connection.dialect.name != "sqlite":
            return dict(connection.execute(_CODINGS, {"ids": ids}).all())
        # Through the connection's own cursor handling (opened, read and closed in this call, in
        # this thread), not a raw cursor of the pooled connection that could outlive the batch.
        return dict(connection.exec_driver_sql(_CODINGS_SQLITE.format(",".join(["?"] * len(ids))),
                                               tuple(ids)).all())

    def applied_codes(self, code_ids: str) -> AppliedCodes:
        """The themes and other codes of a set of code ids ("3,17"), in codebook order; worked out
        once per distinct set, and comments share far fewer sets than there are comments."""
        split = self._applied.get(code_ids)
        if split is None:
            known = (self.codes.get(int(code_id)) for code_id in code_ids.split(","))
            entries = sorted({entry for entry in known if entry is not None},
                             key=lambda entry: (entry[3], entry[1]))
            themes = [(code, label) for kind, code, label, _position in entries if kind == "theme"]
            others = [(code, label, kind) for kind, code, label, _position in entries if kind != "theme"]
            split = self._applied[code_ids] = AppliedCodes(
                themes, others, "; ".join(code for code, _label in themes),
                "; ".join(label for _code, label in themes), "; ".join(label for _code, label, _kind in others))
        return split

    def source(self, row: tuple) -> str:
        """Where the comment was said: a response, a submission's excerpt, a forum."""
        if row[RESPONSE_ID] is not None:  # as Response.reference
            return f"Q{row[QUESTIONNAIRE_ID]}-{row[RESPONSE_ID]:05d}-{row[RESPONSE_VERSION]}"
        if row[SUBMISSION_NUMBER] is not None:  # as Submission.reference
            reference = f"S-{row[SUBMISSION_NUMBER]:04d}"
            return f"{reference}, {row[LOCATOR]}" if row[LOCATOR] else reference
        if row[FORUM_ID] is not None:
            return self.forums.get(row[FORUM_ID], "")
        return ""

    def local_date(self, value) -> datetime:
        """A stored moment in the consultation's time zone."""
        if isinstance(value, str):  # UTC as text: how the export reads dates on either database
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(self.tz)

    def local_minute(self, value) -> str:
        """"2025-03-10 11:00": the local time as the CSV writes it. The UTC text is converted
        once per hour it falls in, not once per row, when the zone is a whole number of hours
        away from UTC that hour (Newfoundland is not: its rows are converted one by one)."""
        if isinstance(value, str) and len(value) >= 16:
            key = value[:13]
            hour = self.hours.get(key)
            if hour is None:
                local = self.local_date(key + ":00:00")
                hour = self.hours[key] = local.isoformat(" ")[:13] if local.minute == 0 else ""
            if hour:
                return hour + value[13:16]
        return self.local_date(value).isoformat(" ", "minutes")[:16]

    def rows(self, batch: ExportBatch) -> list[ExportRow]:
        """The batch's rows with every label resolved."""
        tracks, categories, regions = self.tracks, self.categories, self.regions
        identified = self.options.identified
        no_pair = ("", "")
        empty = AppliedCodes([], [], "", "", "")
        rows = []
        for row in batch.raw:
            code_ids = batch.applied.get(row[ID])
            codes = self.applied_codes(code_ids) if code_ids else empty
            track_code, track_name = tracks.get(row[TRACK_ID], no_pair)
            category_code, category_name = categories.get(row[CATEGORY_ID], no_pair)
            region = row[REGION] or ""
            rows.append(ExportRow(
                row[ID], codes.themes, codes.others, row[CHANNEL], track_code, track_name, row[PSEUDONYM] or "",
                (row[NAME] or "") if identified else "", (row[EMAIL] or "") if identified else "",
                (row[ORGANISATION] or "") if identified else "", category_code, category_name, region,
                regions.get(region, region), row[LANGUAGE], row[PROMPT] or "", row[TEXT] or "", self.source(row),
                self.local_date(row[SOURCE_DATE]), row[STANCE] or "", row[VISIBILITY]))
        return rows
