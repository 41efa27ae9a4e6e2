"""A search of the analysis workspace costs no more for a common word than for a rare one: its
matches are counted up to a bound ("more than N" beyond it), the page is the first rows of an
ordered, limited query, and the plans say the database stops early (EXPLAIN, on SQLite and
PostgreSQL)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from consult.analysis import queries, search
from consult.analysis.search import parse
from consult.extensions import db
from consult.models import Comment
from tests.factories import consultation_of, make_comment

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/analysis"


@pytest.fixture
def searched(app, demo, login):
    client = login(["analyst"], email="analyst@example.org")
    client.get("/?lang=en")
    day = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)
    with app.app_context():
        consultation = consultation_of(demo)
        for number in range(12):
            make_comment(consultation, f"Les équipes de proximité, remarque {number}", topic="1.1",
                         when=day + timedelta(hours=number))
        make_comment(consultation, "Un financement stable des équipes rurales", topic="4.2", when=day)
        make_comment(consultation, "Rien à voir", topic="1.1", when=day)
        db.session.commit()
    return client


def _page(client, path, **args):
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def _listed(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def test_beyond_the_bound_a_search_reads_more_than_and_shows_its_first_rows(app, searched, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 5)
    html = _page(searched, f"{BASE}/comments", q="équipes")
    assert "More than 5 comments match these filters." in html
    assert "appear when the search narrows to 5 comments or fewer" in html
    # No counts by channel and code (they would read every match), and the newest rows first.
    assert 'id="node-total"' not in html
    listed = _listed(html)
    assert len(listed) == 13  # a page holds 25
    with app.app_context():
        dates = [db.session.get(Comment, comment_id).source_date for comment_id in listed]
    assert dates == sorted(dates, reverse=True)


def test_within_the_bound_the_count_is_exact_with_its_counts(app, searched, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 50)
    html = _page(searched, f"{BASE}/comments", q="équipes")
    assert "13 comments match these filters." in html
    assert "More than" not in html
    assert 'id="node-total"' in html


def test_a_topic_view_searched_beyond_the_bound(app, searched, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 5)
    with app.app_context():
        topic_id = db.session.scalar(text("SELECT id FROM topic WHERE code = '1.1'"))
    html = _page(searched, f"{BASE}/topics/{topic_id}", q="proximité")
    assert "More than 5 comments match these filters." in html
    assert len(_listed(html)) == 12
    # Without a search, the orientation's counts are exact as before.
    html = _page(searched, f"{BASE}/topics/{topic_id}")
    assert "13 comments." in html


def test_the_bounded_count(app, searched):
    with app.app_context():
        consultation = consultation_of_slug()
        filters = queries.Filters(search=parse("équipes"))
        assert queries.bounded_count(consultation, filters, 5) == (5, True)
        assert queries.bounded_count(consultation, filters, 13) == (13, False)
        assert queries.bounded_count(consultation, queries.Filters(search=parse("rurales")), 5) == (1, False)


def consultation_of_slug():
    from consult.models import Consultation

    return db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))


# -- plans -------------------------------------------------------------------------------------


def _compiled(statement) -> str:
    return str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))


def _listing_statement(consultation, filters):
    where = queries.conditions(consultation, filters)
    return queries._ordered(select(Comment.id).where(*where), filters).limit(queries.PER_PAGE)


def _bounded_statement(consultation, filters, limit):
    from sqlalchemy import func

    found = select(Comment.id).where(*queries.conditions(consultation, filters)).limit(limit + 1).subquery()
    return select(func.count()).select_from(found)


def _plan(statement) -> str:
    sql = _compiled(statement)
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
        return "\n".join(row[-1] for row in rows)
    return "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))


def test_plans_stop_at_the_page_and_at_the_bound(app, searched):
    """The newest matches come from the index on (consultation, date) read in order, matched against
    the full-text index, and stop at the page; the count stops at its bound."""
    with app.app_context():
        consultation = consultation_of_slug()
        filters = queries.Filters(search=parse("équipes"))
        listing = _plan(_listing_statement(consultation, filters))
        count = _plan(_bounded_statement(consultation, filters, 1000))
        if db.engine.dialect.name == "sqlite":
            assert "comment_search VIRTUAL TABLE INDEX" in listing, listing
            assert "USE TEMP B-TREE FOR ORDER BY" not in listing, listing
            assert "comment_search VIRTUAL TABLE INDEX" in count, count
        else:
            assert listing.lstrip().startswith("Limit"), listing
            assert "Limit" in count, count
            # The stored words are read, never computed again for each row the filter looks at.
            assert "search_vector @@" in listing and "search_vector @@" in count, count
            assert "to_tsvector" not in listing + count, listing + count
            # The search is written as the full-text index's expression, so the planner can use it
            # (on a few rows it rightly prefers others; here they are ruled out).
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            matched = select(Comment.id).where(*search.conditions(filters.search, "postgresql"))
            assert "ix_comment_search" in _plan(matched)
