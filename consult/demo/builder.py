"""The demo's people and sessions: participants with their consents, registrations on sessions that
have taken place, and the remarks they write, all drawn from one seeded random generator."""
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..forums import registration as seats
from ..models import Consent, Consultation, Forum, Participant, ParticipantCategory, StaffRole, StaffUser, Topic
from .data import load
from .forums import add_demo_forums
from .texts import OFF_TOPIC, TOPICS, Texts

SEED = 2025
# How long before today the demo opens when it comes with its activity: its forums are then over.
ELAPSED = timedelta(days=28)
PEOPLE = load("people.json")
QC_ORGANISATIONS = PEOPLE["qc_organisations"]
CA_ORGANISATIONS = PEOPLE["ca_organisations"]
OTHER_CATEGORIES = ["professor"] * 5 + ["health-professional"] * 2 + ["clinician"] * 2 + ["doctoral-student"]
PROMPT_WEIGHTS = {"liked": 2, "disliked": 2, "unclear": 2, "adjust": 3, "missing": 2}
QUOTATION_CONSENT = 0.55


class ActivityRefused(Exception):
    """The consultation already has activity, or lacks what the demo needs; nothing was added."""

    def __init__(self, reason: str, **details):
        self.reason = reason
        self.details = details
        super().__init__(reason)



@dataclass
class ActivityReport:
    participants: int = 0
    took_part: int = 0
    registrations: int = 0
    responses: int = 0
    submissions: int = 0
    notes: int = 0
    comments: int = 0
    codings: int = 0
    memos: int = 0
    evaluations: int = 0
    moved_sessions: int = 0
    tally: dict = field(default_factory=dict)



def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isascii() and (char.isalnum() or char in "-")).lower()


def staff_with_role(role: str) -> int | None:
    return db.session.scalar(select(StaffUser.id).join(StaffRole, StaffRole.user_id == StaffUser.id)
                             .where(StaffRole.role == role, StaffUser.active.is_(True)).order_by(StaffUser.id).limit(1))


class Builder:
    def __init__(self, consultation: Consultation, now: datetime):
        self.consultation = consultation
        self.now = now
        self.rng = random.Random(SEED)
        self.texts = Texts(self.rng)
        self.off_topic: set[str] = set()
        self.report = ActivityReport()
        self.emails: set[str] = set()
        self.categories = {category.code: category for category in db.session.scalars(
            select(ParticipantCategory).where(ParticipantCategory.consultation_id == consultation.id)
            .order_by(ParticipantCategory.id))}
        self.topics = {topic.code: topic for topic in db.session.scalars(
            select(Topic).where(Topic.consultation_id == consultation.id).order_by(Topic.id))}
        self.opened = consultation.opens_at or (now - ELAPSED)
        self.prompts: dict[tuple[str, int], str] = {}  # ("excerpt"|"note", id) -> prompt of the remark
        self.registered: set[tuple[int, int]] = set()  # (forum id, participant id)

    # -- words ----------------------------------------------------------------------------------

    def phrase_code(self, topic: Topic) -> str:
        """The code whose written remarks fit a topic: an axis borrows one of its orientations'."""
        if topic.code in TOPICS:
            return topic.code
        children = [child.code for child in topic.children if child.code in TOPICS]
        return self.rng.choice(children) if children else "G"

    def prompt(self) -> str:
        return self.rng.choices(list(PROMPT_WEIGHTS), weights=list(PROMPT_WEIGHTS.values()))[0]

    def written(self, remark: dict) -> str:
        """A remark's text, remembered when it is about something else than the proposal."""
        if remark["topic"] == OFF_TOPIC:
            self.off_topic.add(remark["text"])
        return remark["text"]

    def moment(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + timedelta(seconds=self.rng.randrange(int((end - start).total_seconds())))

    # -- people ---------------------------------------------------------------------------------

    def category(self, code: str | None) -> ParticipantCategory | None:
        return self.categories.get(code) if code else None

    def person(self, lang: str, category: ParticipantCategory | None, region: str, organisation: str,
               source: str, joined: datetime, forum: bool = False) -> Participant:
        first, last = self.rng.choice(PEOPLE["first_names"][lang]), self.rng.choice(PEOPLE["last_names"][lang])
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, number = f"{base}@example.org", 2
        while email in self.emails:
            email, number = f"{base}{number}@example.org", number + 1
        self.emails.add(email)
        participant = Participant(consultation_id=self.consultation.id, email=email, name=f"{first} {last}",
                                  organisation=organisation, category=category, region=region,
                                  preferred_language=lang, created_at=joined)
        version = self.consultation.privacy_notice_version

        def decide(purpose: str, granted: bool, at: datetime, where: str = source):
            participant.consents.append(Consent(purpose=purpose, granted=granted, notice_version=version,
                                                source=where, at=at))

        decide("processing", True, joined)
        if forum:
            decide("recording", True, joined)
        quotation = self.rng.random() < QUOTATION_CONSENT
        decide("quotation", quotation, joined)
        decide("contact", self.rng.random() < 0.4, joined)
        # Some change their mind later: consent follows the latest decision.
        if quotation and self.rng.random() < 0.08:
            decide("quotation", False, joined + timedelta(days=3), "my-data")
        db.session.add(participant)
        self.report.participants += 1
        return participant

    def organisations(self, names: list[str], count: int, people: int) -> list[str]:
        """One organisation per person: every one of the first `count` names used at least once."""
        chosen = names[:count]
        picks = list(chosen) + [self.rng.choice(chosen) for _ in range(people - len(chosen))]
        self.rng.shuffle(picks)
        return picks

    def ca_organisations(self, provinces: list[str], count: int) -> list[tuple[str, str]]:
        """`count` (organisation, province) pairs covering every province."""
        pools = {province: list(CA_ORGANISATIONS[province]) for province in provinces}
        chosen, index = [], 0
        while len(chosen) < count:
            province = provinces[index % len(provinces)]
            if pools[province]:
                chosen.append((pools[province].pop(0), province))
            index += 1
            if index > count * len(provinces) * 4:
                raise ActivityRefused("not_enough_organisations")
        return chosen

    # -- sessions -------------------------------------------------------------------------------

    def held_sessions(self) -> list[Forum]:
        """The consultation's sessions, all of them over: the demo's own are created if there are none,
        and those still to come are moved back so that the last one ended yesterday."""
        def load():
            return db.session.scalars(select(Forum).where(
                Forum.consultation_id == self.consultation.id, Forum.status == "scheduled")
                .order_by(Forum.starts_at, Forum.id)).all()

        forums = load()
        if not forums:
            add_demo_forums(self.consultation, self.opened.astimezone(self.consultation.tz).date())
            forums = load()
        latest = max((forum.ends_at for forum in forums), default=None)
        if latest is not None and latest > self.now - timedelta(hours=1):
            days = math.ceil((latest - self.now).total_seconds() / 86400) + 1
            for forum in forums:
                forum.starts_at = forum.starts_at - timedelta(days=days)
            self.report.moved_sessions = len(forums)
            db.session.flush()
        return forums

    def attend(self, forum: Forum, participant: Participant, attended: bool = True) -> None:
        if forum.seats_taken >= forum.capacity:
            # The real sessions took everyone who came.
            seats.set_capacity(forum, forum.capacity + 1)
        registration = seats.register(forum, participant).registration
        self.registered.add((forum.id, participant.id))
        seats.mark_attendance(registration, attended)
        signed_up = forum.starts_at - timedelta(days=self.rng.randint(8, 20))
        registration.created_at = registration.confirmed_at = signed_up
        registration.attendance_marked_at = forum.ends_at
        registration.prereading_sent_at = forum.starts_at - timedelta(days=7)
        registration.reminder_sent_at = forum.starts_at - timedelta(days=1)
        self.report.registrations += 1


def round_robin(items: list, slots: list) -> list[tuple]:
    return [(item, slots[index % len(slots)]) for index, item in enumerate(items)]
