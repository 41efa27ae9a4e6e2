"""The analysts' lists at scale: the previous and next pages follow the rows shown (their keys), so
comments added meanwhile neither repeat nor skip a row, and the database seeks the page instead of
reading every row before it (EXPLAIN, SQLite and PostgreSQL); a search's matches lead when they are
counted; the filter lists and the codebook are read once per change of the codebook or the tree, not
on every page, and a page sends a fixed number of statements."""
import re
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
from sqlalchemy import select, text

from consult.analysis import queries
from consult.analysis.search import parse
from consult.extensions import db
from consult.models import Code, Coding, Comment, StaffUser, Track
from tests.factories import consultation_of, make_comment, topic_of
from tests.statements import counted

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/analysis"
DAY = datetime(2025, 3, 10, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def listed(app, demo, login):
    """60 comments on orientation 1.1, one an hour, and an analyst signed in (English)."""
    client = login(["analyst"], email="analyst@example.org")
    client.get("/?lang=en")
    with app.app_context():
        consultation = consultation_of(demo)
        for number in range(60):
            make_comment(consultation, f"Remarque numéro {number} sur les équipes", topic="1.1",
                         when=DAY + timedelta(hours=number))
        db.session.commit()
        topic_id = topic_of(consultation, "1.1").id
    return client, f"{BASE}/topics/{topic_id}"


def _page(client, path, **args):
    response = client.get(path, query_string=args) if args else client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def _listed(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return unescape(found.group(1)) if found else None


def _newest_first(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Comment.id).order_by(Comment.source_date.desc(), Comment.id.desc())))


def test_next_and_previous_pages_show_every_row_once_in_order(app, listed):
    client, path = listed
    first = _page(client, path)
    assert "Showing 1 to 25." in first
    second = _page(client, _link(first, "next"))
    assert "Showing 26 to 50." in second
    third = _page(client, _link(second, "next"))
    assert _link(third, "next") is None
    assert _listed(first) + _listed(second) + _listed(third) == _newest_first(app)
    # Back again: the same rows as on the way forward.
    assert _listed(_page(client, _link(third, "prev"))) == _listed(second)
    assert _listed(_page(client, _link(second, "prev"))) == _listed(first)
    # The numbered pages still go straight to a page.
    assert _listed(_page(client, path, page=2)) == _listed(second)


def test_comments_added_meanwhile_neither_repeat_nor_skip_a_row(app, listed):
    client, path = listed
    first = _page(client, path)
    before = _newest_first(app)
    with app.app_context():
        consultation = db.session.get(Comment, before[0]).consultation
        for number in range(3):  # newer than everything shown: they go on top of the first page
            make_comment(consultation, f"Nouvelle remarque {number}", topic="1.1", when=DAY + timedelta(days=10))
        db.session.commit()
    second = _page(client, _link(first, "next"))
    # Page 2 starts right after the last row seen: none of page 1 again, none left out.
    assert _listed(second) == before[25:50]
    # By its number alone, page 2 would have repeated the last three rows of page 1.
    assert _listed(_page(client, path, page=2))[:3] == before[22:25]


def test_the_oldest_first_order_and_a_search_page_by_their_keys(app, listed):
    client, path = listed
    first = _page(client, path, sort="oldest", q="équipes")
    second = _page(client, _link(first, "next"))
    assert _listed(first) + _listed(second) == list(reversed(_newest_first(app)))[:50]
    assert "sort=oldest" in _link(first, "next") and "q=" in _link(first, "next")


def test_a_link_with_a_broken_key_shows_the_page_by_its_number(app, listed):
    client, path = listed
    expected = _listed(_page(client, path, page=2))
    for key in ("nonsense", "20250310-12", "99999999999999999999-1", "2025031008000000000x-3"):
        assert _listed(_page(client, path, page=2, after=key)) == expected


# -- plans ---------------------------------------------------------------------------------------

def _plan(statement) -> str:
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    return "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))


def test_the_next_page_is_an_index_seek(app, listed):
    with app.app_context():
        consultation = consultation_of_slug()
        topic = topic_of(consultation, "1.1")
        filters = queries.Filters()
        where = queries.conditions(consultation, filters) + [Comment.topic_id.in_([topic.id])]
        key = queries.parse_key(queries.row_key(db.session.get(Comment, _newest_first(app)[30])))
        statement = queries._seek(select(Comment.id).where(*where), filters, after=key).limit(queries.PER_PAGE)
        if db.engine.dialect.name == "sqlite":
            plan = _plan(statement)
            assert "USING INDEX ix_comment_consultation_topic (consultation_id=? AND topic_id=? AND source_date<?)" \
                in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            # A table of a few dozen rows has no statistics worth the name: the planner may sort one
            # estimated row rather than walk an index. Forbidding scans and sorts where it has a choice
            # asks whether an index gives the order and takes the key, which is what a large table uses.
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            db.session.execute(text("SET LOCAL enable_sort = off"))
            plan = _plan(statement)
            assert plan.lstrip().startswith("Limit"), plan
            # The planner may seek either the topic index or the date index on a small table;
            # what matters is that the key bounds the scan and nothing is sorted.
            assert re.search(r"Index (Only )?Scan Backward using ix_comment_consultation_", plan), plan
            assert "Sort" not in plan, plan
            assert "ROW(source_date, id) < ROW(" in plan.split("Index Cond:")[1].splitlines()[0], plan


def test_a_search_count_reads_the_matches_not_every_comment(app, listed):
    with app.app_context():
        consultation = consultation_of_slug()
        filters = queries.Filters(search=parse("équipes"))
        where = queries.conditions(consultation, filters, few=True)
        from sqlalchemy import func

        found = select(Comment.id).where(*where).limit(1001).subquery()
        plan = _plan(select(func.count()).select_from(found))
        if db.engine.dialect.name == "sqlite":
            # The full-text matches lead; each comment is found by its id; no index of the
            # consultation is read from end to end.
            assert "comment_search VIRTUAL TABLE INDEX" in plan, plan
            assert "SEARCH comment USING INTEGER PRIMARY KEY" in plan, plan
            assert "ix_comment_consultation" not in plan and "SCAN comment\n" not in plan + "\n", plan
        else:
            # PostgreSQL chooses between its full-text index and the consultation's from its
            # statistics (test_search_at_scale checks that the search can use the former); the
            # count stops at the bound either way.
            assert "Limit" in plan, plan


def consultation_of_slug():
    from consult.models import Consultation

    return db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))


# -- statements ------------------------------------------------------------------------------------

def _statements(app, client, path) -> list[str]:
    with counted(app) as statements:
        response = client.get(path)
        assert response.status_code == 200
    return statements


def _reads(statements: list[str], table: str) -> int:
    return sum(1 for statement in statements if re.search(rf"\bFROM {table}\b", statement))


def test_the_filter_lists_are_read_again_only_when_the_codebook_or_the_tree_changes(app, listed):
    client, path = listed
    _page(client, path)
    again = _statements(app, client, path)
    assert _reads(again, "track") == 0 and _reads(again, "participant_category") == 0
    # The orientation view's statements, whatever the number of comments (the user, the
    # consultation, the tree and codebook once each, the tally, the page and what its rows show).
    assert len(again) <= 21, "\n".join(again)
    with app.app_context():  # a coding: the counts change, the lists do not
        analyst = db.session.scalar(select(StaffUser).where(StaffUser.email == "analyst@example.org"))
        code = db.session.scalar(select(Code).where(Code.kind == "modification"))
        db.session.add(Coding(comment_id=_newest_first(app)[0], code_id=code.id, coder_id=analyst.id))
        db.session.commit()
    after_coding = _statements(app, client, path)
    assert _reads(after_coding, "track") == 0
    html = _page(client, path)
    assert "Pilot region" not in html and "Étiquette neuve" not in html
    with app.app_context():  # a new track and a new code: the next page offers them
        consultation = consultation_of_slug()
        db.session.add(Track(consultation_id=consultation.id, code="pilot", name_fr="Région pilote",
                             name_en="Pilot region", position=9))
        db.session.add(Code(consultation_id=consultation.id, kind="other", key="NEUVE", label_fr="Étiquette neuve",
                            label_en="Brand-new label", position=99))
        db.session.commit()
    html = _page(client, path)
    assert '<option value="pilot">Pilot region</option>' in html
    assert ">Brand-new label</option>" in html
