"""Who took part, and how: the figures of the participation dashboard and of its CSV.

"Took part" is counted from what happened, never from sign-ups alone:
- a forum or an interview: marked attended (a walk-in included);
- the questionnaire: a submitted response (a draft does not count);
- a written submission: sent (given its reference number).
A person counts once in the total whatever the number of channels; breakdowns by track count a
person in each track whose forum or interview they attended.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..channels import channel_label
from ..extensions import db
from ..i18n import localized
from ..models import (
    Answer,
    Consultation,
    Forum,
    Participant,
    Question,
    Questionnaire,
    Registration,
    Response,
    Submission,
    Track,
)
from ..participants.regions import region_name
from ..tree import load_tree
from ..vocabulary.terms import Vocabulary

CHANNELS = ("forum", "interview", "questionnaire", "submission")
SENT = ("submitted", "processed")
# The column of people who attended no forum or interview (questionnaire or submission only).
NO_SESSION = ""
TOTAL = "*"


def rate(part: int, whole: int) -> float | None:
    """A share in percent, or None when there is nothing to divide by."""
    return None if not whole else 100.0 * part / whole


@dataclass
class Column:
    key: str  # TOTAL, a track id as text, or NO_SESSION
    label: str


@dataclass
class Count:
    label: str
    values: dict[str, int]  # column key -> participants

    @property
    def total(self) -> int:
        return self.values.get(TOTAL, 0)


@dataclass
class Breakdown:
    key: str
    title: str
    columns: list[Column]
    rows: list[Count]

    @property
    def empty(self) -> bool:
        return not any(row.total for row in self.rows)


@dataclass
class TrackSummary:
    key: str
    label: str
    participants: int
    organisations: int
    regions: int
    forum: int = 0  # attended a forum of the track
    interview: int = 0  # attended an interview of the track


@dataclass
class SessionFigures:
    label: str
    capacity: int
    seats_taken: int
    attended: int
    no_show: int
    forum: Forum | None = None
    track: str = ""

    @property
    def fill_rate(self) -> float | None:
        return rate(self.seats_taken, self.capacity)

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.attended, self.attended + self.no_show)


@dataclass
class Completion:
    code: str
    title: object  # Localized
    answered: int
    share: float | None


@dataclass
class Participation:
    consultation: Consultation
    total: int
    not_taken_part: int
    by_channel: list[Count]
    several_channels: int
    tracks: list[TrackSummary]
    breakdowns: list[Breakdown]
    sessions: list[SessionFigures]
    session_totals: list[SessionFigures]
    submitted_responses: int
    completion: list[Completion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.total == 0


def _organisation_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def _took_part(consultation: Consultation):
    """{participant id: set of channels}, {participant id: set of track ids of sessions attended} and
    {(track id, "forum" or "interview"): participant ids}."""
    channels: dict[int, set[str]] = defaultdict(set)
    tracks: dict[int, set[int | None]] = defaultdict(set)
    sessions: dict[tuple[int | None, str], set[int]] = defaultdict(set)
    attended = db.session.execute(
        select(Registration.participant_id, Forum.kind, Forum.track_id).join(Forum, Registration.forum_id == Forum.id)
        .where(Forum.consultation_id == consultation.id, Registration.status == "attended"))
    for participant_id, kind, track_id in attended:
        channel = "interview" if kind == "interview" else "forum"
        channels[participant_id].add(channel)
        tracks[participant_id].add(track_id)
        sessions[(track_id, channel)].add(participant_id)
    responded = db.session.scalars(
        select(Response.participant_id).join(Questionnaire, Response.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.consultation_id == consultation.id, Response.status == "submitted"))
    for participant_id in responded:
        channels[participant_id].add("questionnaire")
    sent = db.session.scalars(select(Submission.participant_id).where(
        Submission.consultation_id == consultation.id, Submission.status.in_(SENT)))
    for participant_id in sent:
        channels[participant_id].add("submission")
    return channels, tracks, sessions


def _breakdown(key: str, title: str, columns: list[Column], groups: dict, labels: dict, order) -> Breakdown:
    rows = [Count(labels[group], dict(groups[group])) for group in order(groups)]
    return Breakdown(key, title, columns, rows)


def _sessions(consultation: Consultation, tracks: dict[int, Track]):
    forums = db.session.scalars(
        select(Forum).where(Forum.consultation_id == consultation.id, Forum.status == "scheduled")
        .order_by(Forum.starts_at, Forum.id)).all()
    counts = Counter()
    for forum_id, status, number in db.session.execute(
            select(Registration.forum_id, Registration.status, func.count(Registration.id))
            .join(Forum, Registration.forum_id == Forum.id)
            .where(Forum.consultation_id == consultation.id).group_by(Registration.forum_id, Registration.status)):
        counts[(forum_id, status)] = number
    rows = []
    for forum in forums:
        track = tracks.get(forum.track_id)
        rows.append(SessionFigures(
            label=localized(forum, "title").text or (_("Interview") if forum.kind == "interview" else _("Forum")),
            capacity=forum.capacity, seats_taken=forum.seats_taken, attended=counts[(forum.id, "attended")],
            no_show=counts[(forum.id, "no_show")], forum=forum,
            track=localized(track, "name").text if track is not None else ""))
    totals = []
    for kind, label in (("forum", _("All forums")), ("interview", _("All interviews"))):
        chosen = [row for row in rows if row.forum.kind == kind]
        if chosen:
            totals.append(_sum(label, chosen))
    if len(totals) > 1:
        totals.append(_sum(_("All sessions"), rows))
    return rows, totals


def _sum(label: str, rows: list[SessionFigures]) -> SessionFigures:
    return SessionFigures(label=label, capacity=sum(row.capacity for row in rows),
                          seats_taken=sum(row.seats_taken for row in rows),
                          attended=sum(row.attended for row in rows), no_show=sum(row.no_show for row in rows))


def _completion(consultation: Consultation) -> tuple[int, list[Completion]]:
    """Submitted responses, and for each orientation the share of them that answered at least one of its
    questions."""
    submitted = select(Response.id).join(Questionnaire, Response.questionnaire_id == Questionnaire.id).where(
        Questionnaire.consultation_id == consultation.id, Response.status == "submitted")
    total = db.session.scalar(select(func.count()).select_from(submitted.subquery())) or 0
    answered: dict[int, set[int]] = defaultdict(set)
    if total:
        for response_id, topic_id, value, choices in db.session.execute(
                select(Answer.response_id, Question.topic_id, Answer.value, Answer.choices)
                .join(Question, Answer.question_id == Question.id)
                .where(Answer.response_id.in_(submitted), Question.topic_id.is_not(None))):
            if (value or "").strip() or choices:
                answered[topic_id].add(response_id)
    orientations = [topic for topic in load_tree(consultation).reading_order if topic.kind == "orientation"]
    return total, [Completion(topic.code, localized(topic, "title"), len(answered[topic.id]),
                              rate(len(answered[topic.id]), total)) for topic in orientations]


def participation(consultation: Consultation) -> Participation:
    channels, attended_tracks, sessions_attended = _took_part(consultation)
    participants = db.session.scalars(
        select(Participant).where(Participant.consultation_id == consultation.id)
        .options(selectinload(Participant.category))).all()
    by_id = {participant.id: participant for participant in participants}
    active = [by_id[participant_id] for participant_id in channels if participant_id in by_id]
    tracks = {track.id: track for track in consultation.tracks}
    columns = [Column(TOTAL, _("All participants"))]
    columns += [Column(str(track.id), localized(track, "name").text or track.code) for track in consultation.tracks]
    columns.append(Column(NO_SESSION, _("No forum or interview")))

    def column_keys(participant: Participant) -> list[str]:
        keys = [str(track_id) for track_id in attended_tracks.get(participant.id, ()) if track_id in tracks]
        return [TOTAL, *sorted(set(keys))] if keys else [TOTAL, NO_SESSION]

    by_channel = [Count(channel_label(channel), {TOTAL: sum(1 for seen in channels.values() if channel in seen)})
                  for channel in CHANNELS]
    several = sum(1 for seen in channels.values() if len(seen) > 1)

    categories = {category.id: category for category in consultation.categories}
    groups = {"category": defaultdict(Counter), "region": defaultdict(Counter), "organisation": defaultdict(Counter)}
    unknown = pgettext("profile field", "Not given")
    labels = {"category": {None: unknown}, "region": {"": unknown}, "organisation": {"": unknown}}
    for category in categories.values():
        labels["category"][category.id] = localized(category, "name").text or category.code
    per_track_orgs: dict[str, set[str]] = defaultdict(set)
    per_track_regions: dict[str, set[str]] = defaultdict(set)
    for participant in active:
        keys = column_keys(participant)
        region = (participant.region or "").strip().upper()
        organisation = _organisation_key(participant.organisation)
        labels["region"].setdefault(region, region_name(region) if region else unknown)
        labels["organisation"].setdefault(organisation, " ".join(participant.organisation.split()))
        category_id = participant.category_id if participant.category_id in categories else None
        for key in keys:
            groups["category"][category_id][key] += 1
            groups["region"][region][key] += 1
            groups["organisation"][organisation][key] += 1
            if organisation:
                per_track_orgs[key].add(organisation)
            if region:
                per_track_regions[key].add(region)

    positions = {category.id: category.position for category in categories.values()}
    breakdowns = [
        _breakdown("category", _("By category"), columns, groups["category"], labels["category"],
                   lambda found: sorted(found, key=lambda key: (key is None, positions.get(key, 0)))),
        _breakdown("region", _("By province, territory or country"), columns, groups["region"], labels["region"],
                   lambda found: sorted(found, key=lambda key: (key == "", -found[key][TOTAL],
                                                                 labels["region"][key].casefold()))),
        _breakdown("organisation", _("By organization"), columns, groups["organisation"], labels["organisation"],
                   lambda found: sorted(found, key=lambda key: (key == "", -found[key][TOTAL], key))),
    ]
    summaries = []
    for column in columns:
        members = sum(1 for participant in active if column.key in column_keys(participant))
        if column.key == NO_SESSION and not members:
            continue
        summary = TrackSummary(column.key, column.label, members, len(per_track_orgs[column.key]),
                               len(per_track_regions[column.key]))
        for channel in ("forum", "interview"):
            people = set().union(*[ids for (track_id, kind), ids in sessions_attended.items() if kind == channel
                                   and (column.key == TOTAL or str(track_id) == column.key)])
            setattr(summary, channel, len(people))
        summaries.append(summary)
    sessions, session_totals = _sessions(consultation, tracks)
    submitted, completion = _completion(consultation)
    return Participation(
        consultation=consultation, total=len(active), not_taken_part=len(participants) - len(active),
        by_channel=by_channel, several_channels=several, tracks=summaries, breakdowns=breakdowns,
        sessions=sessions, session_totals=session_totals, submitted_responses=submitted, completion=completion)


def _percent(value: float | None) -> str:
    # In the interface's number format: "85,0" for a French spreadsheet, "85.0" for an English one.
    return "" if value is None else format_decimal(round(value, 1), format="0.0")


def csv_rows(figures: Participation, tz=None, vocabulary=None) -> list[tuple[str, str, object]]:
    """Every figure of the dashboard as (section, label, value); rates in percent with one decimal."""
    rows: list[tuple[str, str, object]] = [
        (_("Participants"), _("Took part"), figures.total),
        (_("Participants"), _("Known but did not take part"), figures.not_taken_part),
    ]
    rows += [(_("By channel"), count.label, count.total) for count in figures.by_channel]
    rows.append((_("By channel"), _("In more than one channel"), figures.several_channels))
    for summary in figures.tracks if figures.consultation.tracks else ():
        rows.append((_("By track"), summary.label, summary.participants))
        rows.append((_("Forum participants by track"), summary.label, summary.forum))
        rows.append((_("Interviewees by track"), summary.label, summary.interview))
        rows.append((_("Organizations by track"), summary.label, summary.organisations))
        rows.append((_("Provinces, territories or countries by track"), summary.label, summary.regions))
    for breakdown in figures.breakdowns:
        for column in breakdown.columns:
            section = breakdown.title if column.key == TOTAL else f"{breakdown.title} — {column.label}"
            for row in breakdown.rows:
                if column.key == TOTAL or row.values.get(column.key):
                    rows.append((section, row.label, row.values.get(column.key, 0)))
    for session in [*figures.sessions, *figures.session_totals]:
        section = _("Session: %(name)s", name=session.label)
        if session.forum is not None:
            when = session.forum.starts_at.astimezone(tz) if tz else session.forum.starts_at
            section = _("Session: %(name)s (%(date)s)", name=session.label, date=_iso(when))
        rows += [(section, _("Capacity"), session.capacity), (section, _("Seats taken"), session.seats_taken),
                 (section, _("Fill rate (%)"), _percent(session.fill_rate)),
                 (section, _("Attended"), session.attended), (section, _("No-show"), session.no_show),
                 (section, _("Attendance rate (%)"), _percent(session.attendance_rate))]
    rows.append((_("Questionnaire"), _("Submitted responses"), figures.submitted_responses))
    vocabulary = vocabulary or Vocabulary(None)
    level = vocabulary.term(vocabulary.leaf).text
    for item in figures.completion:
        label = f"{item.code} {item.title.text}"
        rows.append((_("Questionnaire: responses that answered the %(level)s", level=level), label, item.answered))
        rows.append((_("Questionnaire: completion by %(level)s (%%)", level=level), label, _percent(item.share)))
    return rows


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
