"""The hot paths send as many SQL statements with 50 rows of data as with 5: no query per row
(N+1). Each path is requested once to warm up (a first visit may create what is missing, such as
the codebook), counted with 5 rows, then counted again once the data grew to 50 rows. Pages that
a POST needs first (for its CSRF token) are fetched outside the count."""
import re
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bench import datagen
from bench.client import read_form
from consult import page_cache
from consult.analysis.queries import forget_counts
from consult.extensions import db
from consult.models import ChangeTarget, Code, Coding, Theme, Topic
from consult.questionnaires.notifications import TOKEN_PURPOSE
from consult.tokens import make_token
from tests.conftest import submit_form
from tests.factories import consultation_of, make_comment, make_participant, topic_of
from tests.statements import counted

SMALL, LARGE = 5, 50


class Rows:
    """How many rows the path's data has; `add(n)` grows it (inserting them, for most paths)."""

    def __init__(self, app, insert=None):
        self.app = app
        self.insert = insert
        self.count = 0

    def add(self, rows: int) -> None:
        if self.insert is not None:
            with self.app.app_context():
                self.insert(self.count, rows)
                db.session.commit()
                datagen.sync_sequences()
                db.session.remove()
        self.count += rows


def assert_constant(app, rows: Rows, prepare, expected_status: int):
    """`prepare()` does what comes before the request (not counted) and returns the request."""

    def measure() -> list[str]:
        # Kept pages and counts would hide the queries that make them: each measure starts without.
        page_cache.forget(app)
        forget_counts(app)
        send = prepare()
        with counted(app) as statements:
            answer = send()
            body = answer.get_data(as_text=True)  # a streamed body runs its queries while it is read
        assert answer.status_code == expected_status, body[:500]
        return _batched(statements)

    rows.add(SMALL)
    measure()
    small = measure()
    rows.add(LARGE - SMALL)
    large = measure()
    extra = Counter(large) - Counter(small)
    assert len(large) == len(small), (f"{len(small)} SQL statements with {SMALL} rows, {len(large)} with {LARGE}; "
                                      f"more often with {LARGE}: {list(extra.items())[:3]}")


def _batched(statements: list[str]) -> list[str]:
    """The same INSERT repeated counts once: new rows are N statements through the ORM on SQLite but one
    batch on PostgreSQL (insertmanyvalues); writing N rows is not a query per row read."""
    seen, kept = set(), []
    for statement in statements:
        if statement.lstrip().upper().startswith("INSERT"):
            if statement in seen:
                continue
            seen.add(statement)
        kept.append(statement)
    return kept


@pytest.fixture
def bench_demo(app):
    """The demo consultation as the benchmark builds it: forums, questionnaire, codebook, and a
    staff account with every role."""
    with app.app_context():
        demo = datagen.prepare(datetime.now(timezone.utc))
        db.session.remove()
    return demo


def _get(client, path):
    return lambda: (lambda: client.get(path))


# -- public ------------------------------------------------------------------------------------

def test_public_orientation_page(app, client, bench_demo):
    """Themes, change targets and sibling orientations around the page."""

    def insert(done, rows):
        topic = db.session.scalar(select(Topic).where(Topic.consultation_id == bench_demo.consultation_id,
                                                      Topic.code == "1.1"))
        for number in range(100 + done, 100 + done + rows):
            db.session.add(Theme(topic_id=topic.id, code=f"1.1.B{number}", position=number,
                                 name_fr=f"Thème {number}", name_en=f"Theme {number}"))
            db.session.add(ChangeTarget(topic_id=topic.id, code=f"1.1.D{number}", position=number,
                                        text_fr=f"Cible {number}", text_en=f"Target {number}"))
            db.session.add(Topic(consultation_id=bench_demo.consultation_id, parent_id=topic.parent_id,
                                 kind="orientation", code=f"1.{number}", position=number,
                                 title_fr=f"Orientation {number}", title_en=f"Orientation {number}"))

    path = f"/consultations/{bench_demo.slug}/proposal/1.1"
    assert_constant(app, Rows(app, insert), _get(client, path), 200)


@pytest.mark.parametrize("forum", ["seat", "waitlist"])
def test_forum_signup_post(app, client, bench_demo, forum):
    """Registrations already in the forum."""
    forum_id = bench_demo.large_forum_id if forum == "seat" else bench_demo.waitlist_forum_id
    if forum == "waitlist":
        with app.app_context():
            datagen.populate(bench_demo, 0, 0)  # every seat taken, people waiting
    path = f"/consultations/{bench_demo.slug}/forums/{forum_id}/signup"

    def insert(done, rows):
        generator = datagen.Generator(bench_demo, seed=done)
        generator.registrations(generator.participants(rows), forum_id, seated=rows if forum == "seat" else 0)

    people = iter(range(1000))

    def prepare():
        form = read_form(client.get(path).get_data(as_text=True))
        number = next(people)
        data = {**form.fields, "name": f"Person {number}", "email": f"person-{number}@example.org", "region": "QC",
                "preferred_language": "fr", "consent_processing": "y", "consent_recording": "y",
                "category": next(value for value in form.options["category"] if value)}
        return lambda: client.post(path, data=data)

    assert_constant(app, Rows(app, insert), prepare, 303)


# -- questionnaire -----------------------------------------------------------------------------

def _draft(app, demo, answers: int) -> str:
    """A new draft response with `answers` text answers; its personal link's token."""
    with app.app_context():
        generator = datagen.Generator(demo, seed=answers)
        [response_id], *_counts = generator.responses(generator.participants(1), [answers], [False])
        db.session.commit()
        datagen.sync_sequences()
        db.session.remove()
        return make_token(TOKEN_PURPOSE, response_id, 1)


def test_questionnaire_autosave(app, client, bench_demo):
    """Answers the response already holds (one changed answer is sent, as when someone types)."""
    page = next(question[3] for question in bench_demo.text_questions if question[4])
    rows = Rows(app)

    def prepare():
        url = f"/questionnaire/{_draft(app, bench_demo, rows.count)}/pages/{page}"
        form = read_form(client.get(url).get_data(as_text=True))
        field = next(name for name in form.fields if name.startswith("q-") and f"b-{name[2:]}" in form.fields)
        data = {**form.fields, field: form.fields[field] + " Et aussi ceci."}
        return lambda: client.post(url + "/autosave", data=data,
                                   headers={"HX-Request": "true", "X-CSRFToken": form.csrf_token})

    assert_constant(app, rows, prepare, 200)


def test_questionnaire_submit(app, client, bench_demo):
    """Answers of the response being sent (each becomes a version, all go in the receipt)."""
    rows = Rows(app)

    def prepare():
        token = _draft(app, bench_demo, rows.count)
        form = read_form(client.get(f"/questionnaire/{token}/review").get_data(as_text=True))
        return lambda: client.post(f"/questionnaire/{token}/submit", data=form.fields)

    assert_constant(app, rows, prepare, 303)


# -- analysis and export (staff) ---------------------------------------------------------------

@pytest.fixture
def staff(client, bench_demo):
    answer = submit_form(client, "/staff/login", {"email": datagen.STAFF_EMAIL, "password": datagen.STAFF_PASSWORD})
    assert answer.status_code == 303
    return client


def _comments(demo):
    """Comments on orientation 1.1, each by another participant, a third of them coded."""

    def insert(done, rows):
        consultation = consultation_of(demo.slug)
        # Theme codes of the orientation and modification codes, in turn from the first rows on.
        themes = db.session.scalars(select(Code).join(Theme, Code.theme_id == Theme.id).where(
            Code.consultation_id == consultation.id, Theme.topic_id == topic_of(consultation, "1.1").id)).all()
        modifications = db.session.scalars(select(Code).where(Code.consultation_id == consultation.id,
                                                              Code.kind == "modification")).all()
        for number in range(done, done + rows):
            participant = make_participant(consultation, f"commenter{number}@example.org", category="clinician",
                                           quotation=number % 2 == 0)
            comment = make_comment(consultation, f"Les équipes de proximité, commentaire {number}.", topic="1.1",
                                   participant=participant, language="fr" if number % 3 else "en")
            if number % 3 == 0:
                codes = themes if number % 2 == 0 else modifications
                db.session.add(Coding(comment_id=comment.id, code_id=codes[number % len(codes)].id,
                                      coder_id=demo.staff_id))

    return insert


def _endpoint_path(app, endpoint, **values):
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} is not in the application")
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _orientation_id(app, demo) -> int:
    with app.app_context():
        return db.session.scalar(select(Topic.id).where(Topic.consultation_id == demo.consultation_id,
                                                        Topic.code == "1.1"))


def test_analysis_orientation_view(app, staff, bench_demo):
    path = _endpoint_path(app, "analysis.topic", slug=bench_demo.slug, topic_id=_orientation_id(app, bench_demo))
    assert_constant(app, Rows(app, _comments(bench_demo)), _get(staff, path), 200)


def test_analysis_search(app, staff, bench_demo):
    path = _endpoint_path(app, "analysis.comments", slug=bench_demo.slug, q="équipes")
    assert_constant(app, Rows(app, _comments(bench_demo)), _get(staff, path), 200)


def test_an_orientation_view_reads_the_account_with_its_roles_and_comments_without_their_search_form(
        app, staff, bench_demo):
    """The signed-in account and its roles come in one statement (every staff page reads both), the
    consultation and the change stamps in one each (the role check and the view share the first), and the
    comments listed come without the folded copy of their text that only the database's search reads."""
    Rows(app, _comments(bench_demo)).add(SMALL)
    path = _endpoint_path(app, "analysis.topic", slug=bench_demo.slug, topic_id=_orientation_id(app, bench_demo))
    staff.get(path)
    with counted(app) as statements:
        answer = staff.get(path)
    assert answer.status_code == 200 and "commentaire 4." in answer.get_data(as_text=True)
    accounts = [statement for statement in statements if "FROM staff_user" in statement and "staff_role" in statement
                and "DISTINCT" not in statement]
    assert len(accounts) == 1 and "JOIN staff_role" in accounts[0], accounts
    assert not [statement for statement in statements if statement.lstrip().startswith("SELECT staff_role")]
    consultations = [statement for statement in statements if re.search(r"\bFROM consultation\b", statement)]
    assert len(consultations) == 1, consultations
    assert len([statement for statement in statements if "FROM change_stamp" in statement]) == 1, statements
    listed = [statement for statement in statements if "comment.text" in statement]
    assert listed and not [statement for statement in listed if "search_text" in statement.split("FROM")[0]]


def test_csv_export(app, staff, bench_demo):
    path = _endpoint_path(app, "exports.comments", slug=bench_demo.slug, fmt="csv")
    assert_constant(app, Rows(app, _comments(bench_demo)), _get(staff, path), 200)


def test_a_bulk_load_leaves_the_tally_as_counted_afresh_and_its_triggers_working(app, bench_demo):
    """The benchmark's data goes in without the tally's triggers (a million comments would each update
    it); afterwards the tally holds what counting the rows gives, and later changes still move it."""
    from sqlalchemy import func

    from consult.analysis import queries, tally
    from consult.models import Comment, CommentTally

    with app.app_context():
        datagen.populate(bench_demo, 40, 120)
        consultation_id = bench_demo.consultation_id
        kept = {tuple(row) for row in db.session.execute(select(
            CommentTally.topic_id, CommentTally.code_id, CommentTally.channel, CommentTally.other_code_id,
            CommentTally.n).where(CommentTally.n != 0))}
        assert kept
        total = db.session.scalar(select(func.sum(CommentTally.n)).where(
            CommentTally.consultation_id == consultation_id, CommentTally.code_id == 0))
        visible = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.consultation_id == consultation_id, Comment.visibility != "hidden"))
        assert total == visible >= 120
        comment = db.session.scalar(select(Comment).where(Comment.consultation_id == consultation_id).limit(1))
        comment.visibility = "hidden"
        db.session.commit()
        assert db.session.scalar(select(func.sum(CommentTally.n)).where(
            CommentTally.consultation_id == consultation_id, CommentTally.code_id == 0)) == visible - 1
        assert tally.applies(queries.Filters())
