"""Published head counts: a group of fewer than 5 is never shown exactly, nor can it be worked out by
subtracting the other groups of its table from the total shown above it."""
from consult.outcome.services import shown_counts


def test_a_lone_small_group_takes_the_smallest_other_one_with_it(app):
    with app.test_request_context("/?lang=en"):
        shown = dict(shown_counts([("Québec", 60), ("Canada", 29), ("No forum", 2)]))
        # 91 - 60 - 29 would say 2: the Canadian count is left out as well.
        assert shown == {"Québec": "60", "Canada": "not shown", "No forum": "fewer than 5"}


def test_small_groups_that_hide_each_other_leave_the_rest_shown(app):
    with app.test_request_context("/?lang=en"):
        # 1 + 4: the two can be told apart by subtraction only as a pair of 5, which says neither.
        assert dict(shown_counts([("A", 40), ("B", 1), ("C", 4)])) == {
            "A": "40", "B": "fewer than 5", "C": "fewer than 5"}
        # 1 + 1 would say both: the smallest group shown joins them.
        assert dict(shown_counts([("A", 40), ("B", 1), ("C", 1), ("D", 12)])) == {
            "A": "40", "B": "fewer than 5", "C": "fewer than 5", "D": "not shown"}


def test_a_table_without_small_groups_is_shown_whole(app):
    with app.test_request_context("/?lang=fr"):
        assert shown_counts([("A", 5), ("B", 9)]) == [("A", "5"), ("B", "9")]
        assert shown_counts([]) == []
