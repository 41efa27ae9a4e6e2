"""Rules of the outcome that need no database: small groups, what changed between two versions, and
how comment numbers are read."""
import pytest
from werkzeug.datastructures import MultiDict

from consult.items.forms import AddCommentsForm
from consult.models import ReportVersion
from consult.outcome.review import changes
from consult.outcome.services import shown_count


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.mark.parametrize("number, shown", [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"),
                                           (91, "91")])
def test_groups_under_five_are_not_counted_exactly(english, number, shown):
    assert shown_count(number) == shown


def _version(sections):
    return ReportVersion(number=1, content={"languages": {"en": {"title": "T", "sections": sections}}})


def _section(key, memo="", note="", rows=()):
    return {"key": key, "heading": key.upper(), "depth": 0, "memo": memo, "note": note, "comments": 0,
            "tables": [{"kind": "clarify", "title": "Clarify", "rows": [
                {"number": number, "statement": statement, "comments": comments}
                for number, statement, comments in rows]}]}


def test_changes_between_versions_are_said_section_by_section(english):
    before = _version([_section("topic-1", memo="a", rows=[(1, "One", 2), (2, "Two", 1), (3, "Three", 1)])])
    after = _version([_section("topic-1", memo="b", note="n", rows=[(1, "One!", 2), (2, "Two", 4), (4, "Four", 1)]),
                      _section("topic-2")])
    assert changes(before, after, "en") == [
        "TOPIC-1: the text of what we heard changed.",
        "TOPIC-1: the coordinator's text changed.",
        "TOPIC-1: item 4 added.",
        "TOPIC-1: item 3 removed.",
        "TOPIC-1: item 1 reworded.",
        "TOPIC-1: the support of item 2 changed.",
        "TOPIC-2: new section.",
    ]
    assert changes(None, after, "en") == []


@pytest.mark.parametrize("typed, numbers, valid", [
    ("12, 45 78", [12, 45, 78], True),
    ("#12;12", [12], True),
    ("12, abc", [12], False),
    ("99999999999999999999999", [], False),
])
def test_comment_numbers_are_read_from_what_is_typed(app, typed, numbers, valid):
    with app.test_request_context("/", method="POST"):
        form = AddCommentsForm(formdata=MultiDict({"comments": typed}), meta={"csrf": False})
        assert form.validate() is valid
        assert form.comments.data == numbers
