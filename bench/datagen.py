"""Synthetic consultation data at chosen sizes, on the demo consultation so that its structure is
real: participants and their consents, forum registrations, questionnaire responses with their
answers, the comments derived from the submitted answers, and codings of a share of them.

Rows go in by bulk inserts (one statement per list of rows, `insert(table)` with a list), with ids
chosen here so that rows point at each other without reading anything back; PostgreSQL's sequences
are moved past them afterwards. Adding data is incremental: call `populate` again to grow.

    python -m bench.datagen --database-url sqlite:////tmp/big.db --responses 100000 --comments 1000000
"""
import argparse
import importlib.util
import json
import random
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources

from sqlalchemy import func, insert, select, text, update

from consult import change_stamps
from consult.analysis.text import search_form
from consult.extensions import db
from consult.models import (
    Answer,
    AnswerVersion,
    Code,
    Coding,
    Comment,
    Consent,
    Forum,
    Participant,
    ParticipantCategory,
    Question,
    QuestionnairePage,
    Registration,
    Response,
    StaffUser,
    Topic,
)
from consult.models.participant import PSEUDONYM_ALPHABET
from consult.paths import resource_dir

STAFF_EMAIL = "bench-analyst@example.org"
STAFF_PASSWORD = "bench password, loopback only"
STAFF_ROLES = ["admin", "analyst", "coordinator", "organizer"]
# Forums the sign-up benchmark posts to: one with room for everyone, one that is full (waitlist).
LARGE_CAPACITY = 1_000_000
SUBMITTED_SHARE = 0.9
CODED_SHARE = 0.3
REGIONS = ("QC",) * 6 + ("ON", "BC", "AB", "NS", "NB", "MB", "SK")
CHUNK = 5_000  # responses per transaction


@dataclass
class Demo:
    """Ids of what the generator and the benchmark need, read once after `prepare`."""

    consultation_id: int
    slug: str
    questionnaire_id: int
    large_forum_id: int
    waitlist_forum_id: int
    staff_id: int
    # (question id, topic id, prompt, page number, whether its comments are placed on an orientation)
    text_questions: list[tuple[int, int | None, str, int, bool]]
    choice_questions: list[tuple[int, list[str]]]  # (question id, option values)
    category_ids: list[int]
    code_ids: list[int]


# -- text ----------------------------------------------------------------------------------------

class TextPool:
    """Sentences in the demo's own words (French and English), combined into comments. Each sentence's
    search form is computed once; a comment's is the join of its sentences' (search_form is applied
    character by character, so the join equals search_form of the whole text)."""

    def __init__(self, rng: random.Random, sentences_per_language: int = 4000):
        document = json.loads(resources.files("consult.data").joinpath("demo-consultation.json").read_text("utf-8"))
        words = {"fr": [], "en": []}
        _collect_words(document, words)
        self.sentences: dict[str, list[tuple[str, str]]] = {}
        for language, vocabulary in words.items():
            pool = []
            for _ in range(sentences_per_language):
                chosen = rng.choices(vocabulary, k=rng.randint(5, 16))
                sentence = " ".join(chosen).capitalize() + rng.choice(".....!?")
                pool.append((sentence, search_form(sentence)))
            self.sentences[language] = pool
        self.rng = rng

    def comment(self, language: str) -> tuple[str, str]:
        parts = self.rng.choices(self.sentences[language], k=self.rng.choice((1, 1, 2, 2, 2, 3, 4)))
        return " ".join(part[0] for part in parts), " ".join(part[1] for part in parts)


def _collect_words(node, words: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in words and isinstance(value, str):
                words[key].extend(re.findall(r"[^\W\d_]{3,}", value.lower()))
            else:
                _collect_words(value, words)
    elif isinstance(node, list):
        for item in node:
            _collect_words(item, words)


# -- the demo consultation -----------------------------------------------------------------------

def prepare(now: datetime | None = None) -> Demo:
    """In an app context on a migrated, empty database: the demo consultation with its forums and
    questionnaire, its codebook, a staff account with every role, and the two sign-up forums."""
    from consult.analysis.codebook import ensure_codebook
    from consult.auth.services import create_or_update_staff
    from consult.cli import demo_document
    from consult.demo.forums import add_demo_forums
    from consult.questionnaires.builder import ensure_demo_questionnaire
    from consult.structure.importer import import_structure

    now = now or datetime.now(timezone.utc)
    consultation = import_structure(demo_document(now), source="bench").consultation
    add_demo_forums(consultation, now.astimezone(consultation.tz).date())
    ensure_demo_questionnaire(consultation, now)
    ensure_codebook(consultation)
    create_or_update_staff(STAFF_EMAIL, STAFF_ROLES, STAFF_PASSWORD, name="Bench", actor_label="bench")
    forums = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id, Forum.kind == "forum")
                                .order_by(Forum.starts_at, Forum.id)).all()
    forums[0].capacity = LARGE_CAPACITY
    db.session.commit()
    return load_demo()


def empty() -> bool:
    from consult.models import Consultation

    return db.session.scalar(select(func.count(Consultation.id))) == 0


def load_demo() -> Demo:
    from consult.models import Consultation, Questionnaire

    consultation = db.session.scalar(select(Consultation).order_by(Consultation.id))
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == consultation.id))
    forums = db.session.scalars(select(Forum).where(Forum.consultation_id == consultation.id, Forum.kind == "forum")
                                .order_by(Forum.starts_at, Forum.id)).all()
    large = next(forum for forum in forums if forum.capacity == LARGE_CAPACITY)
    small = next(forum for forum in forums if forum.capacity < LARGE_CAPACITY)
    questions = db.session.execute(
        select(Question.id, Question.topic_id, Question.prompt, Question.kind, Question.options,
               QuestionnairePage.position, Topic.kind.label("topic_kind"))
        .join(QuestionnairePage, Question.page_id == QuestionnairePage.id)
        .outerjoin(Topic, Question.topic_id == Topic.id)
        .where(QuestionnairePage.questionnaire_id == questionnaire.id)
        .order_by(QuestionnairePage.position, Question.position, Question.id)).all()
    positions = sorted({row.position for row in questions})
    text_questions = [(row.id, row.topic_id, row.prompt, positions.index(row.position) + 1,
                       row.topic_kind == "orientation") for row in questions if row.kind == "long_text"]
    choice_questions = [(row.id, [option["value"] for option in row.options or []])
                        for row in questions if row.kind in ("agreement", "likert", "single_choice") and row.options]
    return Demo(
        consultation_id=consultation.id, slug=consultation.slug, questionnaire_id=questionnaire.id,
        large_forum_id=large.id, waitlist_forum_id=small.id,
        staff_id=db.session.scalar(select(StaffUser.id).where(StaffUser.email == STAFF_EMAIL)),
        text_questions=text_questions, choice_questions=choice_questions,
        category_ids=list(db.session.scalars(select(ParticipantCategory.id).where(
            ParticipantCategory.consultation_id == consultation.id))),
        code_ids=list(db.session.scalars(select(Code.id).where(Code.consultation_id == consultation.id)
                                         .order_by(Code.position, Code.id))),
    )


# -- bulk rows -----------------------------------------------------------------------------------

class Ids:
    """The next free id of each table, so that inserted rows can reference each other."""

    def __init__(self):
        self.next = {}

    def take(self, model, count: int) -> range:
        if model not in self.next:
            self.next[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        start = self.next[model]
        self.next[model] = start + count
        return range(start, start + count)


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _pseudonyms(rng: random.Random, taken: set[str], count: int) -> list[str]:
    names = []
    while len(names) < count:
        name = "P-" + "".join(rng.choices(PSEUDONYM_ALPHABET, k=5))
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


@dataclass
class Report:
    participants: int = 0
    responses: int = 0
    answers: int = 0
    comments: int = 0
    codings: int = 0
    registrations: int = 0
    seconds: float = 0.0


class Generator:
    def __init__(self, demo: Demo, seed: int = 2025):
        self.demo = demo
        self.rng = random.Random(seed)
        self.texts = TextPool(self.rng)
        self.ids = Ids()
        self.taken_pseudonyms = set(db.session.scalars(select(Participant.pseudonym).where(
            Participant.consultation_id == demo.consultation_id)))
        # Earlier pages are answered more often than later ones, as in real questionnaires.
        self.question_weights = [1.0 / (question[3] ** 0.5) for question in demo.text_questions]
        self.codes_by_topic = self._codes_by_topic()
        self.base_date = datetime.now(timezone.utc) - timedelta(days=30)

    def _codes_by_topic(self) -> dict[int | None, list[int]]:
        from consult.models import Theme

        modification = list(db.session.scalars(select(Code.id).where(
            Code.consultation_id == self.demo.consultation_id, Code.kind == "modification")))
        by_topic: dict[int | None, list[int]] = {}
        for code_id, topic_id in db.session.execute(
                select(Code.id, Theme.topic_id).join(Theme, Code.theme_id == Theme.id)
                .where(Code.consultation_id == self.demo.consultation_id)):
            by_topic.setdefault(topic_id, []).append(code_id)
        return {topic_id: modification + themes for topic_id, themes in by_topic.items()} | {None: modification}

    # participants ---------------------------------------------------------------------------

    def participants(self, count: int) -> list[tuple[int, str]]:
        """(id, language) of `count` new participants with a complete profile and consents."""
        ids = self.ids.take(Participant, count)
        consent_ids = iter(self.ids.take(Consent, count * 2))
        names = _pseudonyms(self.rng, self.taken_pseudonyms, count)
        now = datetime.now(timezone.utc)
        rows, consents, made = [], [], []
        for participant_id, pseudonym in zip(ids, names, strict=True):
            language = "en" if self.rng.random() < 0.2 else "fr"
            rows.append({"id": participant_id, "consultation_id": self.demo.consultation_id,
                         "email": f"person{participant_id}@bench.example.org", "name": f"Person {participant_id}",
                         "organisation": self.rng.choice(("", "", "CIUSSS", "Université", "Clinic")),
                         "category_id": self.rng.choice(self.demo.category_ids) if self.demo.category_ids else None,
                         "region": self.rng.choice(REGIONS), "preferred_language": language,
                         "link_version": 1, "pseudonym": pseudonym, "erased_at": None,
                         "created_at": now, "updated_at": now})
            consents.append({"id": next(consent_ids), "participant_id": participant_id, "purpose": "processing",
                             "granted": True, "notice_version": "", "source": "questionnaire", "at": now,
                             "detail": ""})
            consents.append({"id": next(consent_ids), "participant_id": participant_id, "purpose": "quotation",
                             "granted": self.rng.random() < 0.5, "notice_version": "", "source": "questionnaire",
                             "at": now, "detail": ""})
            made.append((participant_id, language))
        _insert(Participant, rows)
        _insert(Consent, consents)
        return made

    # responses, answers, comments, codings ----------------------------------------------------

    def responses(self, people, answers_each: list[int], submitted: list[bool]) -> tuple[list[int], int, int, int]:
        """One response per person with `answers_each[i]` text answers (plus agreement answers); the
        answers of submitted responses become comments, a share of them coded. Returns
        (response ids, answers, comments, codings)."""
        demo = self.demo
        response_ids = self.ids.take(Response, len(people))
        rows, answers, versions, comments, codings = [], [], [], [], []
        answer_ids = self.ids.take(Answer, sum(answers_each) + 2 * len(people))
        answer_cursor = iter(answer_ids)
        for index, ((participant_id, language), response_id) in enumerate(
                zip(people, response_ids, strict=True)):
            when = self.base_date + timedelta(seconds=self.rng.randint(0, 30 * 86400))
            done = submitted[index]
            rows.append({"id": response_id, "questionnaire_id": demo.questionnaire_id,
                         "participant_id": participant_id, "status": "submitted" if done else "draft",
                         "created_at": when, "started_at": when, "submitted_at": when if done else None,
                         "updated_at": when, "version": 1 if done else 0})
            chosen = self._pick_questions(answers_each[index])
            for question_id, topic_id, prompt, _page, placed in chosen:
                body, searched = self.texts.comment(language)
                answer_id = next(answer_cursor)
                answers.append({"id": answer_id, "response_id": response_id, "question_id": question_id,
                                "value": body, "choices": [], "updated_at": when})
                if not done:
                    continue
                versions.append({"answer_id": answer_id, "value": body, "choices": [], "saved_at": when,
                                 "response_version": 1})
                comments.append({"consultation_id": demo.consultation_id, "channel": "questionnaire",
                                 "answer_id": answer_id, "prompt": prompt, "topic_id": topic_id,
                                 "topic_confirmed": placed, "participant_id": participant_id,
                                 # Respondents hold no forum registration: no track (as derivation decides).
                                 "track_id": None, "language": language, "text": body, "search_text": searched,
                                 "source_date": when, "created_at": when, "updated_at": when})
            for question_id, options in self.rng.sample(demo.choice_questions, k=min(2, len(demo.choice_questions))):
                answer_id = next(answer_cursor)
                answers.append({"id": answer_id, "response_id": response_id, "question_id": question_id,
                                "value": self.rng.choice(options), "choices": [], "updated_at": when})
        comment_ids = self.ids.take(Comment, len(comments))
        for comment_id, comment in zip(comment_ids, comments, strict=True):
            comment["id"] = comment_id
            if self.rng.random() < CODED_SHARE:
                pool = self.codes_by_topic.get(comment["topic_id"], self.codes_by_topic[None])
                for code_id in self.rng.sample(pool, k=min(len(pool), self.rng.choice((1, 1, 2)))):
                    codings.append({"comment_id": comment_id, "code_id": code_id, "coder_id": demo.staff_id,
                                    "blind": False, "created_at": comment["created_at"]})
        _insert(Response, rows)
        _insert(Answer, answers)
        _insert(AnswerVersion, versions)
        _insert(Comment, comments)
        _insert(Coding, codings)
        return list(response_ids), len(answers), len(comments), len(codings)

    def _pick_questions(self, count: int):
        count = min(count, len(self.demo.text_questions))
        picked = set()
        while len(picked) < count:
            picked.update(self.rng.choices(range(len(self.demo.text_questions)), weights=self.question_weights,
                                           k=count - len(picked)))
        return [self.demo.text_questions[index] for index in sorted(picked)]

    def registrations(self, people, forum_id: int, seated: int) -> int:
        """Registrations of `people` for one forum: the first `seated` confirmed, the others waitlisted;
        the forum's seat count follows."""
        now = datetime.now(timezone.utc)
        ids = self.ids.take(Registration, len(people))
        rows = []
        for position, ((participant_id, _language), registration_id) in enumerate(zip(people, ids, strict=True)):
            confirmed = position < seated
            rows.append({"id": registration_id, "forum_id": forum_id, "participant_id": participant_id,
                         "status": "confirmed" if confirmed else "waitlisted", "walk_in": False, "created_at": now,
                         "confirmed_at": now if confirmed else None,
                         "waitlisted_at": None if confirmed else now + timedelta(microseconds=position)})
        _insert(Registration, rows)
        db.session.execute(update(Forum).where(Forum.id == forum_id)
                           .values(seats_taken=Forum.seats_taken + min(seated, len(people))))
        return len(rows)


def _spread(total: int, parts: int, most: int, rng: random.Random) -> list[int]:
    """`parts` counts between 1 and `most`, around total / parts each, adding up to `total` exactly
    (which must lie between parts and parts * most)."""
    if parts == 0:
        return []
    average = total / parts
    counts = [max(1, min(most, round(rng.gauss(average, average / 3)))) for _ in range(parts)]
    difference = total - sum(counts)
    index = 0
    while difference:
        step = 1 if difference > 0 else -1
        if 1 <= counts[index % parts] + step <= most:
            counts[index % parts] += step
            difference -= step
        index += 1
    return counts


def populate(demo: Demo, responses: int, comments: int, registrations: int = 0, seed: int = 2025,
             progress=None) -> Report:
    """Add `responses` questionnaire responses (90 % submitted) whose answers give `comments` comments,
    and `registrations` confirmed registrations for the large forum; the waitlist forum is filled
    (every seat taken, twenty people waiting) if it is not yet."""
    started = time.perf_counter()
    generator = Generator(demo, seed)
    report = Report()
    most = len(demo.text_questions)
    submitted_count = min(max(round(responses * SUBMITTED_SHARE), 1), responses, comments)
    if comments > submitted_count * most:
        raise ValueError(f"{comments} comments need at least {comments // most + 1} submitted responses")
    per_submitted = _spread(comments, submitted_count if responses else 0, most, generator.rng)
    with _tally_rebuilt_after():
        _load_responses(generator, report, responses, submitted_count, per_submitted, progress)
    report.participants = report.responses = responses
    if registrations:
        people = generator.participants(registrations)
        report.registrations += generator.registrations(people, demo.large_forum_id, seated=registrations)
        report.participants += registrations
    capacity, taken = db.session.execute(select(Forum.capacity, Forum.seats_taken)
                                         .where(Forum.id == demo.waitlist_forum_id)).one()
    if taken < capacity:
        people = generator.participants(capacity - taken + 20)
        report.registrations += generator.registrations(people, demo.waitlist_forum_id, seated=capacity - taken)
        report.participants += len(people)
    # Rows went in by bulk inserts, which the session does not follow: the caches' stamps change here.
    change_stamps.replace(db.session.connection(), *change_stamps.SCOPES)
    db.session.commit()
    _after_bulk_load()
    report.seconds = time.perf_counter() - started
    return report


def _load_responses(generator: "Generator", report: Report, responses: int, submitted_count: int,
                    per_submitted: list[int], progress) -> None:
    done = 0
    while done < responses:
        size = min(CHUNK, responses - done)
        people = generator.participants(size)
        flags = [done + i < submitted_count for i in range(size)]
        counts = [per_submitted[done + i] if flags[i] else generator.rng.randint(1, 8) for i in range(size)]
        _ids, answers, made, codings = generator.responses(people, counts, flags)
        report.answers += answers
        report.comments += made
        report.codings += codings
        db.session.commit()
        done += size
        if progress:
            progress(done, responses)


def _tally_migration():
    """The migration that made the analysis tally: its triggers and the statements that fill it."""
    path = resource_dir("migrations") / "versions" / "0010_comment_tally.py"
    spec = importlib.util.spec_from_file_location("comment_tally_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def _tally_rebuilt_after():
    """A bulk load without the tally's triggers (each comment and coding inserted would update a tally
    row: a million comments took several times longer), then the tally counted afresh from the rows
    and the triggers put back, whatever happened in between."""
    migration = _tally_migration()
    postgresql = db.engine.dialect.name == "postgresql"
    for name, table, *_rest in migration.TRIGGERS:
        db.session.execute(text(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else "")))
        if postgresql:
            db.session.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text("DELETE FROM comment_tally"))
        for statement in migration._fill():
            db.session.execute(text(statement))
        for trigger in migration.TRIGGERS:
            if postgresql:
                for statement in migration._postgresql_trigger(*trigger):
                    db.session.execute(text(statement))
            else:
                db.session.execute(text(migration._sqlite_trigger(*trigger)))
        db.session.commit()


def drafts(demo: Demo, count: int, answers_each: int = 8, seed: int = 7) -> list[int]:
    """`count` draft responses of people with a complete profile, each with `answers_each` answers:
    what the submit and autosave benchmarks work on."""
    generator = Generator(demo, seed)
    response_ids = []
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        people = generator.participants(size)
        ids, _answers, _comments, _codings = generator.responses(people, [answers_each] * size, [False] * size)
        response_ids.extend(ids)
        db.session.commit()
    _after_bulk_load()
    return response_ids


SEQUENCE_TABLES = (Participant, Consent, Response, Answer, AnswerVersion, Comment, Coding, Registration)


def sync_sequences() -> None:
    """PostgreSQL: move the id sequences past the ids chosen here (call after using a Generator)."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in SEQUENCE_TABLES:
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))
    db.session.commit()


def _after_bulk_load() -> None:
    """PostgreSQL: sequences past the ids chosen here, and fresh planner statistics (autovacuum would
    gather them soon after a real load). SQLite keeps its statistics as the application leaves them."""
    if db.engine.dialect.name != "postgresql":
        return
    sync_sequences()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Add synthetic responses and comments to a consult database.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--registrations", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    from bench.server import bench_app, migrate_and_prepare

    app = bench_app(args.database_url)
    with app.app_context():
        demo = migrate_and_prepare(app)
        report = populate(demo, args.responses, args.comments, args.registrations, args.seed,
                          progress=lambda done, total: print(f"  {done}/{total} responses", flush=True))
    print(f"{report.responses} responses, {report.answers} answers, {report.comments} comments, "
          f"{report.codings} codings, {report.registrations} registrations in {report.seconds:.1f} s")


if __name__ == "__main__":
    main()
