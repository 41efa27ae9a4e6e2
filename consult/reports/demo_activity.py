"""Participation for the demo consultation, shaped like the 2025 consultation it reproduces
(consult/data/consultation-method.json): 60 Québec-track forum participants from 24 organisations in
five categories, 26 Canadian-track forum participants from 14 organisations in six provinces, three
interviews, two questionnaire respondents, 35 written submissions, 91 participants in all.

The 91 are four separate groups (Québec forums, Canadian forums, interviews, questionnaire); the 35
submissions come from people already among them (everyone who answered or was invited could write),
so they add no one. A few more people signed up and never took part (no-shows, a draft response, a
draft submission): they are in the database but not in the 91.

Everything is made as the platform makes it: participants with consents, registrations through the
seat service then marked attended or absent on sessions that have taken place, submitted responses
with their submitted versions, sent submissions with excerpts, forum and interview notes; then the
comments are derived from them, the codebook seeded, codes applied and a few memos written. The
texts are combinations of short phrases (demo_phrases.py) drawn with a fixed seed, so two runs on
an empty database give the same content.
"""
import json
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy import func, select

from ..analysis.codebook import ensure_codebook
from ..analysis.derivation import derive_all
from ..extensions import db
from ..forums import registration as seats
from ..forums.demo import add_demo_forums
from ..models import (
    Answer,
    AnswerVersion,
    Code,
    Coding,
    Comment,
    Consent,
    Consultation,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    ParticipantCategory,
    Question,
    Questionnaire,
    Registration,
    Response,
    StaffRole,
    StaffUser,
    Submission,
    SubmissionLink,
    SubmissionText,
    Topic,
    TopicMemo,
)
from ..models.base import utcnow
from ..models.questionnaire import PROMPTS
from ..questionnaires.builder import ensure_demo_questionnaire, find_questionnaire
from ..submissions.services import send_submission
from . import demo_phrases as phrases

REFERENCE_FILE = "consultation-method.json"
SEED = 2025
# How long before today the demo opens when it comes with its activity: its forums are then over.
ELAPSED = timedelta(days=28)

PROVINCE_CODES = {
    "Alberta": "AB", "Colombie-Britannique": "BC", "Manitoba": "MB", "Nouveau-Brunswick": "NB",
    "Terre-Neuve-et-Labrador": "NL", "Nouvelle-Écosse": "NS", "Territoires du Nord-Ouest": "NT", "Nunavut": "NU",
    "Ontario": "ON", "Île-du-Prince-Édouard": "PE", "Québec": "QC", "Saskatchewan": "SK", "Yukon": "YT",
}
QC_ORGANISATIONS = [
    "Université Laval", "Université de Sherbrooke", "Université de Montréal", "Université McGill",
    "Université du Québec à Trois-Rivières", "Université du Québec à Chicoutimi",
    "Université du Québec en Outaouais", "Université du Québec à Rimouski", "Université Concordia",
    "CIUSSS de l'Estrie–CHUS", "CIUSSS de la Capitale-Nationale", "CIUSSS du Centre-Sud-de-l'Île-de-Montréal",
    "CISSS de la Montérégie-Centre", "CISSS du Bas-Saint-Laurent", "CISSS de Chaudière-Appalaches",
    "CIUSSS du Saguenay–Lac-Saint-Jean", "Institut national de santé publique du Québec",
    "Centre de recherche VITAM", "Centre de recherche Charles-Le Moyne", "Réseau-1 Québec",
    "GMF-U de Charlesbourg", "GMF-U des Faubourgs", "Clinique communautaire de Pointe-Saint-Charles",
    "Regroupement des comités des usagers de l'Estrie", "Centre intégré de santé de la Côte-Nord",
    "GMF-U de Sherbrooke",
]
CA_ORGANISATIONS = {
    "BC": ["University of British Columbia", "Simon Fraser University", "BC Centre for Disease Control"],
    "AB": ["University of Alberta", "University of Calgary", "Alberta Health Services"],
    "SK": ["University of Saskatchewan", "Saskatchewan Health Authority"],
    "MB": ["University of Manitoba", "Manitoba Centre for Health Policy"],
    "ON": ["University of Toronto", "McMaster University", "Queen's University", "Women's College Hospital",
           "University of Ottawa"],
    "NS": ["Dalhousie University", "Nova Scotia Health"],
}
FIRST_NAMES = {
    "fr": ["Marie", "Julie", "Isabelle", "Catherine", "Geneviève", "Sophie", "Nathalie", "Émilie", "Annie",
           "Josée", "Mélanie", "Chantal", "Valérie", "Karine", "Audrey", "Jean", "Pierre", "François", "Martin",
           "Luc", "Simon", "Mathieu", "Alexandre", "Étienne", "Philippe", "Olivier", "Sébastien", "Yves", "Denis",
           "Maxime"],
    "en": ["Sarah", "Emily", "Jennifer", "Rachel", "Megan", "Laura", "Olivia", "Hannah", "Priya", "Grace", "Amy",
           "Leah", "David", "Michael", "James", "Daniel", "Andrew", "Ryan", "Kevin", "Jason", "Ben", "Matthew",
           "Arjun", "Tom", "Nathan"],
}
LAST_NAMES = {
    "fr": ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
           "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
           "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc",
           "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin", "Landry", "Rousseau", "Bédard",
           "Grenier", "Mercier", "Hébert"],
    "en": ["Smith", "Brown", "Wilson", "MacDonald", "Campbell", "Anderson", "Taylor", "Thompson", "Stewart",
           "Johnson", "Clarke", "Young", "Mitchell", "Walker", "Robinson", "Patel", "Singh", "Chen", "Wong",
           "Nguyen", "Fraser", "Murray", "Reid", "Graham", "Kennedy", "Scott", "Bennett", "Hughes"],
}
# The categories of the Canadian track and of the people interviewed or answering (not in the reference).
OTHER_CATEGORIES = ["professor"] * 5 + ["health-professional"] * 2 + ["clinician"] * 2 + ["doctoral-student"]
PROMPT_WEIGHTS = {"liked": 2, "disliked": 2, "unclear": 2, "adjust": 3, "missing": 2}
# The codes an analyst applies for what a remark does: (key, probability).
PROMPT_CODES = {
    "liked": [("BONIFIER", 0.2)],
    "disliked": [("MODIFIER", 0.5), ("BONIFIER", 0.15)],
    "unclear": [("PRECISER", 0.8)],
    "adjust": [("MODIFIER", 0.7), ("PRECISER", 0.15)],
    "missing": [("INCLURE", 0.8), ("BONIFIER", 0.15)],
}
THEME_CODED = 0.65
QUOTATION_CONSENT = 0.55


class ActivityRefused(Exception):
    """The consultation already has activity, or lacks what the demo needs; nothing was added."""

    def __init__(self, reason: str, **details):
        self.reason = reason
        self.details = details
        super().__init__(reason)


@dataclass(frozen=True)
class Shape:
    """The figures of the reference consultation this demo reproduces."""

    qc_categories: dict[str, int]  # category name (French) -> participants
    qc_organisations: int
    ca_forum: int
    ca_organisations: int
    ca_provinces: list[str]
    interviews: int
    respondents: int
    submissions: int
    total: int

    @property
    def qc_forum(self) -> int:
        return sum(self.qc_categories.values())


def reference_shape() -> Shape:
    document = json.loads(resources.files("consult.data").joinpath(REFERENCE_FILE).read_text("utf-8"))
    qc, ca = (next(track for track in document["tracks"] if track["name"] == name)
              for name in ("Volet québécois", "Volet canadien"))
    shape = Shape(
        qc_categories=dict(qc["participants"]["by_category"]), qc_organisations=qc["participants"]["organizations"],
        ca_forum=ca["participants"]["forum_participants"], ca_organisations=ca["participants"]["organizations"],
        ca_provinces=[PROVINCE_CODES[name] for name in ca["participants"]["provinces"]],
        interviews=ca["interviews"]["count"], respondents=ca["online_questionnaire"]["respondents"],
        submissions=document["written_submissions"]["count"], total=document["total_participants"]["value"])
    # The four groups are disjoint and the submissions come from among them.
    assert shape.qc_forum == qc["participants"]["total"]
    assert shape.qc_forum + shape.ca_forum + shape.interviews + shape.respondents == shape.total
    assert shape.submissions <= shape.total
    return shape


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
    moved_sessions: int = 0
    tally: dict = field(default_factory=dict)


def existing_activity(consultation: Consultation) -> dict[str, int]:
    """What the consultation already holds that the demo activity would add to."""
    def count(statement) -> int:
        return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    return {
        "registrations": count(select(Registration.id).join(Forum, Registration.forum_id == Forum.id).where(
            Forum.consultation_id == consultation.id, Registration.status != "cancelled")),
        "responses": count(select(Response.id).join(Questionnaire, Response.questionnaire_id == Questionnaire.id)
                           .where(Questionnaire.consultation_id == consultation.id)),
        "submissions": count(select(Submission.id).where(Submission.consultation_id == consultation.id)),
        "notes": count(select(ForumNote.id).join(Forum, ForumNote.forum_id == Forum.id)
                       .where(Forum.consultation_id == consultation.id)),
        "comments": count(select(Comment.id).where(Comment.consultation_id == consultation.id)),
    }


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isascii() and (char.isalnum() or char in "-")).lower()


def _staff_with_role(role: str) -> int | None:
    return db.session.scalar(select(StaffUser.id).join(StaffRole, StaffRole.user_id == StaffUser.id)
                             .where(StaffRole.role == role, StaffUser.active.is_(True)).order_by(StaffUser.id).limit(1))


class _Builder:
    def __init__(self, consultation: Consultation, now: datetime):
        self.consultation = consultation
        self.now = now
        self.rng = random.Random(SEED)
        self.report = ActivityReport()
        self.emails: set[str] = set()
        self.texts: set[str] = set()
        self.categories = {category.code: category for category in db.session.scalars(
            select(ParticipantCategory).where(ParticipantCategory.consultation_id == consultation.id))}
        self.topics = {topic.code: topic for topic in db.session.scalars(
            select(Topic).where(Topic.consultation_id == consultation.id))}
        self.opened = consultation.opens_at or (now - ELAPSED)
        self.prompts: dict[tuple[str, int], str] = {}  # ("excerpt"|"note", id) -> prompt of the remark
        self.registered: set[tuple[int, int]] = set()  # (forum id, participant id)

    # -- words ----------------------------------------------------------------------------------

    def phrase_code(self, topic: Topic) -> str:
        """The code whose phrases fit a topic: an axis borrows one of its orientations'."""
        if topic.code in phrases.TOPICS:
            return topic.code
        children = [child.code for child in topic.children if child.code in phrases.TOPICS]
        return self.rng.choice(children) if children else "G"

    def prompt(self) -> str:
        return self.rng.choices(list(PROMPT_WEIGHTS), weights=list(PROMPT_WEIGHTS.values()))[0]

    def remark(self, code: str, prompt: str, lang: str, evidence: bool = False) -> str:
        index = 0 if lang == "fr" else 1
        words = phrases.TOPICS[code]
        for _attempt in range(6):
            subject = self.rng.choice(words["subjects"])[index]
            sentence = self.rng.choice(phrases.PROMPT_SENTENCES[prompt])[index]
            parts = [sentence.format(s=subject, S=subject[0].upper() + subject[1:])]
            if self.rng.random() < 0.6:
                parts.append(self.rng.choice(words["details"])[index])
            if evidence and self.rng.random() < 0.55:
                parts.append(self.rng.choice(phrases.EVIDENCE)[index])
            if self.rng.random() < 0.15:
                parts.append(self.rng.choice(phrases.CLOSINGS)[index])
            text = " ".join(parts)
            if text not in self.texts:
                break
        self.texts.add(text)
        return text

    def moment(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + timedelta(seconds=self.rng.randrange(int((end - start).total_seconds())))

    # -- people ---------------------------------------------------------------------------------

    def category(self, code: str | None) -> ParticipantCategory | None:
        return self.categories.get(code) if code else None

    def person(self, lang: str, category: ParticipantCategory | None, region: str, organisation: str,
               source: str, joined: datetime, forum: bool = False) -> Participant:
        first, last = self.rng.choice(FIRST_NAMES[lang]), self.rng.choice(LAST_NAMES[lang])
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


def _round_robin(items: list, slots: list) -> list[tuple]:
    return [(item, slots[index % len(slots)]) for index, item in enumerate(items)]


def _questions(questionnaire: Questionnaire) -> dict[int, list[Question]]:
    """{topic id: its questions}, for the questions about a topic."""
    grouped: dict[int, list[Question]] = {}
    for page in questionnaire.pages:
        for question in page.questions:
            if question.topic_id is not None:
                grouped.setdefault(question.topic_id, []).append(question)
    return grouped


def _respond(build: _Builder, questionnaire: Questionnaire, questions: dict[int, list[Question]],
             person: Participant, submitted: bool) -> None:
    """A response answering about half the topics, each with a few of the five prompts."""
    rng = build.rng
    started = build.moment(build.opened, build.now - timedelta(days=2))
    finished = build.moment(started, build.now - timedelta(days=1))
    response = Response(questionnaire_id=questionnaire.id, participant_id=person.id, created_at=started,
                        started_at=started, updated_at=finished, status="submitted" if submitted else "draft",
                        version=1 if submitted else 0, submitted_at=finished if submitted else None)
    db.session.add(response)
    db.session.flush()
    topic_ids = [topic_id for topic_id in questions if rng.random() < (0.7 if submitted else 0.1)]
    if not topic_ids:
        topic_ids = [next(iter(questions))]
    for topic_id in topic_ids:
        code = build.phrase_code(db.session.get(Topic, topic_id))
        for question in questions[topic_id]:
            if question.kind == "long_text" and question.prompt in PROMPTS and rng.random() < 0.5:
                value = build.remark(code, question.prompt, person.preferred_language)
            elif question.kind == "agreement" and question.option_values and rng.random() < 0.8:
                value = rng.choice(question.option_values[:4])
            else:
                continue
            answer = Answer(response_id=response.id, question_id=question.id, value=value, updated_at=finished)
            db.session.add(answer)
            if submitted:
                # What was submitted is the answer's version 1: comments are derived from it.
                answer.versions.append(AnswerVersion(value=value, saved_at=finished, response_version=1))
    if submitted:
        build.report.responses += 1
    db.session.flush()


def _submit(build: _Builder, person: Participant, number: int, send: bool) -> None:
    """A written submission on two to four topics, most of them received by email as in the reference,
    with one excerpt per topic text."""
    rng = build.rng
    lang = person.preferred_language
    index = 0 if lang == "fr" else 1
    by_email = rng.random() < 0.7
    submission = Submission(
        consultation_id=build.consultation.id, participant_id=person.id, language=lang, status="draft",
        general_text=rng.choice(phrases.GENERAL_OPENINGS)[index], source="email" if by_email else "form",
        message_id=f"<demo-{number}.{person.id}@example.org>" if by_email else None,
        created_at=build.moment(build.opened, build.now - timedelta(days=1)))
    db.session.add(submission)
    candidates = [topic for topic in build.topics.values() if topic.kind in ("orientation", "axis")
                  or topic.code in phrases.TOPICS]
    chosen = rng.sample(candidates, rng.randint(2, 5))
    evidence = person.region != "QC"
    texts = {}
    for topic in chosen:
        code = build.phrase_code(topic)
        prompts = [build.prompt() for _ in range(rng.randint(1, 2))]
        text = "\n\n".join(build.remark(code, prompt, lang, evidence) for prompt in prompts)
        # The first remark says what the passage asks for, which guides its codes.
        texts[topic.id] = (topic, text, prompts[0])
        submission.texts.append(SubmissionText(topic_id=topic.id, text=text))
    if rng.random() < 0.3:
        submission.links.append(SubmissionLink(position=0, url=f"https://example.org/publications/{number + 1}",
                                               title="Rapport de recherche" if lang == "fr" else "Research report"))
    db.session.flush()
    if not send:
        return
    send_submission(submission, receipt=False, at=submission.created_at + timedelta(hours=rng.randint(1, 30)))
    if rng.random() < 0.5:
        submission.status, submission.processed_at = "processed", submission.submitted_at + timedelta(days=2)
    for topic, text, prompt in texts.values():
        # The analysts cut each topic's text as one excerpt.
        excerpt = Excerpt(submission_id=submission.id, topic_id=topic.id, language=lang, text=text,
                          created_at=submission.submitted_at + timedelta(days=1))
        db.session.add(excerpt)
        db.session.flush()
        build.prompts[("excerpt", excerpt.id)] = prompt
    build.report.submissions += 1


def _notes(build: _Builder, forum: Forum, codes: list[str], lang: str, author: int | None,
           evidence: bool = False) -> None:
    rng = build.rng
    index = 0 if lang == "fr" else 1
    openers = phrases.NOTE_OPENERS["interview" if forum.kind == "interview" else "forum"]
    for code in codes:
        topic = build.topics.get(code)
        if topic is None:
            continue
        prompt = build.prompt()
        remark = build.remark(code, prompt, lang, evidence)
        if lang == "fr":
            remark = remark[0].lower() + remark[1:]  # after a colon, French goes on in lower case
        body = f"{rng.choice(openers)[index]} {remark}"
        note = ForumNote(forum_id=forum.id, topic_id=topic.id, author_id=author, language=lang, body=body,
                         created_at=forum.ends_at + timedelta(hours=2))
        db.session.add(note)
        db.session.flush()
        build.prompts[("note", note.id)] = prompt
        build.report.notes += 1


def _code(build: _Builder, coder: int | None) -> None:
    """Codes as an analyst would apply them: modification codes from what each remark asks for, and
    the theme of its orientation for most."""
    rng = build.rng
    consultation = build.consultation
    codes = {code.key: code for code in db.session.scalars(select(Code).where(
        Code.consultation_id == consultation.id, Code.status == "active"))}
    themes: dict[int, list[Code]] = {}
    for code in codes.values():
        if code.theme_id is not None and code.theme is not None:
            themes.setdefault(code.theme.topic_id, []).append(code)
    comments = db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)
                                  .order_by(Comment.id)).all()
    for comment in comments:
        if comment.answer_id is not None:
            prompt = comment.prompt
        elif comment.excerpt_id is not None:
            prompt = build.prompts.get(("excerpt", comment.excerpt_id), "")
        else:
            prompt = build.prompts.get(("note", comment.note_id), "")
        applied = [codes[key] for key, chance in PROMPT_CODES.get(prompt, []) if key in codes and rng.random() < chance]
        if comment.topic_id in themes and rng.random() < THEME_CODED:
            applied.append(rng.choice(themes[comment.topic_id]))
        for code in dict.fromkeys(applied):
            db.session.add(Coding(comment_id=comment.id, code_id=code.id, coder_id=coder,
                                  created_at=comment.source_date + timedelta(days=3)))
            build.report.codings += 1
    db.session.flush()


def seed_activity(consultation: Consultation, now: datetime | None = None) -> ActivityReport:
    """Fill the consultation with the demo's participation, comments, codes and memos; flushes, the
    caller commits. ActivityRefused (nothing added) when it already has activity."""
    now = now or utcnow()
    found = {name: number for name, number in existing_activity(consultation).items() if number}
    if found:
        raise ActivityRefused("exists", **found)
    tracks = {track.code: track for track in consultation.tracks}
    if not {"qc", "ca"} <= set(tracks):
        raise ActivityRefused("tracks")
    shape = reference_shape()
    build = _Builder(consultation, now)
    rng = build.rng
    sessions = build.held_sessions()
    qc_forums = [forum for forum in sessions if forum.kind == "forum" and forum.track_id == tracks["qc"].id]
    ca_forums = [forum for forum in sessions if forum.kind == "forum" and forum.track_id == tracks["ca"].id]
    interviews = [forum for forum in sessions if forum.kind == "interview"]
    if not qc_forums or not ca_forums or len(interviews) < shape.interviews:
        raise ActivityRefused("sessions")
    joined_by = min(forum.starts_at for forum in sessions) - timedelta(days=10)
    joined_from = min(build.opened, joined_by - timedelta(days=10))

    def joined():
        return build.moment(joined_from, joined_by)

    # Québec track: the reference's categories and organisations, one forum each.
    names = {category.name_fr.casefold(): category for category in build.categories.values()}
    qc_categories = [names.get(name.casefold()) for name, number in shape.qc_categories.items()
                     for _ in range(number)]
    rng.shuffle(qc_categories)
    qc_orgs = build.organisations(QC_ORGANISATIONS, shape.qc_organisations, shape.qc_forum)
    qc_people = [build.person("en" if rng.random() < 0.05 else "fr", category, "QC", organisation,
                              "forum-signup", joined(), forum=True)
                 for category, organisation in zip(qc_categories, qc_orgs, strict=True)]
    # Canadian track: the reference's provinces and number of organisations; one to three forums each.
    pairs = build.ca_organisations(shape.ca_provinces, shape.ca_organisations)
    ca_pairs = list(pairs) + [rng.choice(pairs) for _ in range(shape.ca_forum - len(pairs))]
    rng.shuffle(ca_pairs)
    ca_people = [build.person("fr" if rng.random() < 0.08 else "en", build.category(rng.choice(OTHER_CATEGORIES)),
                              province, organisation, "forum-signup", joined(), forum=True)
                 for organisation, province in ca_pairs]
    interviewees = [build.person(rng.choice(["en", "en", "fr"]),
                                 build.category(rng.choice(["professor", "clinician"])), province, organisation,
                                 "forum-signup", joined(), forum=True)
                    for organisation, province in (rng.choice(pairs) for _ in range(shape.interviews))]
    respondents = [build.person("en", build.category(rng.choice(OTHER_CATEGORIES)), province, organisation,
                                "questionnaire", joined())
                   for organisation, province in (rng.choice(pairs) for _ in range(shape.respondents))]
    # People who signed up and never took part.
    absent_qc = [build.person("fr", build.category(rng.choice(OTHER_CATEGORIES)), "QC",
                              rng.choice(QC_ORGANISATIONS[:shape.qc_organisations]), "forum-signup", joined(),
                              forum=True) for _ in range(4)]
    absent_ca = [build.person("en", build.category(rng.choice(OTHER_CATEGORIES)), province, organisation,
                              "forum-signup", joined(), forum=True)
                 for organisation, province in (rng.choice(pairs) for _ in range(2))]
    drafting = build.person("en", build.category("health-professional"), "ON", "", "questionnaire", joined())
    db.session.flush()

    # Sessions: attended, and a few registrations nobody came to.
    for person, forum in _round_robin(qc_people, qc_forums):
        build.attend(forum, person)
    for person, forum in _round_robin(rng.sample(qc_people, 3), qc_forums):
        if (forum.id, person.id) not in build.registered:
            build.attend(forum, person, attended=False)
    for person, forum in _round_robin(absent_qc, qc_forums):
        build.attend(forum, person, attended=False)
    for index, person in enumerate(ca_people):
        count = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        for step in range(count):
            forum = ca_forums[(index + step * 2) % len(ca_forums)]
            if (forum.id, person.id) not in build.registered:
                # Everyone came to their first forum; some missed a later one.
                build.attend(forum, person, attended=step == 0 or rng.random() > 0.15)
    for person, forum in _round_robin(absent_ca, ca_forums):
        build.attend(forum, person, attended=False)
    for person, forum in zip(interviewees, interviews, strict=False):
        build.attend(forum, person)
    db.session.flush()

    # Questionnaire: the respondents submit; one more person leaves a draft.
    questionnaire = find_questionnaire(consultation) or ensure_demo_questionnaire(consultation, now)
    questions = _questions(questionnaire)
    for person in respondents:
        _respond(build, questionnaire, questions, person, submitted=True)
    _respond(build, questionnaire, questions, drafting, submitted=False)

    # Written submissions, from people already counted: respondents, interviewees, then both tracks.
    remaining = shape.submissions - len(respondents) - len(interviewees)
    from_ca = remaining // 3
    writers = (respondents + interviewees + rng.sample(ca_people, from_ca)
               + rng.sample(qc_people, remaining - from_ca))
    for number, person in enumerate(writers):
        _submit(build, person, number, send=True)
    _submit(build, absent_qc[0], len(writers), send=False)

    # Notes taken in the forums and interviews.
    author = _staff_with_role("organizer") or _staff_with_role("coordinator")
    orientations = [code for code in phrases.TOPICS
                    if code in build.topics and build.topics[code].kind == "orientation"]
    for forum in qc_forums:
        codes = ["G"] + rng.sample(orientations, min(len(orientations), rng.randint(9, 12)))
        _notes(build, forum, codes, "fr", author)
    for forum in ca_forums:
        covered = [topic.code for topic in forum.topics if topic.code in phrases.TOPICS] or orientations
        codes = [rng.choice(covered) for _ in range(rng.randint(5, 7))]
        _notes(build, forum, codes, "en", author, evidence=True)
    for forum, person in zip(interviews, interviewees, strict=False):
        codes = rng.sample(orientations, min(len(orientations), rng.randint(5, 7)))
        _notes(build, forum, codes, person.preferred_language, author, evidence=True)
    db.session.flush()

    # Analysis: derive the comments, seed the codebook, code, write a few memos.
    coder = _staff_with_role("analyst")
    build.report.tally = derive_all(consultation)
    ensure_codebook(consultation, coder)
    _code(build, coder)
    for code, (body_fr, body_en) in phrases.MEMOS.items():
        topic = build.topics.get(code)
        if topic is not None and db.session.scalar(select(TopicMemo.id).where(TopicMemo.topic_id == topic.id)) is None:
            db.session.add(TopicMemo(topic_id=topic.id, body_fr=body_fr, body_en=body_en, updated_by_id=coder,
                                     updated_at=now))
            build.report.memos += 1
    db.session.flush()
    build.report.took_part = shape.total
    build.report.comments = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.consultation_id == consultation.id)) or 0
    return build.report
