"""Complementary suppression of evaluation results: no hidden small group can be recovered by subtracting the
cells shown from a total, in a breakdown or in the sessions of one track."""
from consult.evaluation.protection import protect
from consult.evaluation.results import Cell, Group

ITEM = 1


def _group(key, count):
    group = Group(label=str(key), size=count, key=key)
    group.cells[ITEM] = Cell(count, 4.0 if count else None, withheld=bool(count) and group.suppressed)
    return group


def _shown(groups):
    return {group.key: not group.cells[ITEM].suppressed for group in groups}


def test_one_hidden_cell_of_a_breakdown_takes_the_next_smallest_with_it():
    overall = _group("all", 20)
    sessions = [_group("A", 3), _group("B", 8), _group("C", 9)]
    tracks = [_group("T1", 11), _group("T2", 9)]
    categories = [_group("X", 12), _group("Y", 6), _group("Z", 2), _group("W", 0)]
    protect(overall, {"session": sessions, "track": tracks, "category": categories},
            {"A": "T1", "B": "T1", "C": "T2"}, [ITEM])

    assert _shown(sessions) == {"A": False, "B": False, "C": True}
    assert sessions[1].cells[ITEM].withheld and not sessions[1].cells[ITEM].small
    assert _shown(categories) == {"X": True, "Y": False, "Z": False, "W": False}
    assert categories[3].cells[ITEM].count == 0  # an empty group is shown as empty, not withheld
    assert _shown(tracks) == {"T1": True, "T2": True} and not overall.cells[ITEM].suppressed


def test_the_sessions_of_a_track_add_up_to_the_track():
    # Two sessions hidden in the session breakdown, but each is alone among its track's sessions:
    # track minus the session shown would give it back.
    overall = _group("all", 29)
    sessions = [_group("A", 3), _group("B", 10), _group("C", 4), _group("D", 12)]
    tracks = [_group("T1", 13), _group("T2", 16)]
    protect(overall, {"session": sessions, "track": tracks, "category": [_group("X", 29)]},
            {"A": "T1", "B": "T1", "C": "T2", "D": "T2"}, [ITEM])
    assert _shown(sessions) == {"A": False, "B": False, "C": False, "D": False}
    assert _shown(tracks) == {"T1": True, "T2": True}


def test_a_total_that_would_give_away_its_only_part_is_withheld():
    # A track with one session of 3 and another session with no answers: the track would equal the session.
    overall = _group("all", 9)
    sessions = [_group("A", 3), _group("B", 6)]
    tracks = [_group("T1", 3), _group("T2", 6)]
    tracks[0].cells[ITEM].withheld = False
    tracks[0].size = 5  # another item gave the track five answers: the row is shown, this cell is small
    protect(overall, {"session": sessions, "track": tracks, "category": [_group("X", 9)]},
            {"A": "T1", "B": "T2"}, [ITEM])
    assert _shown(sessions) == {"A": False, "B": False}
    assert _shown(tracks) == {"T1": False, "T2": False}
    assert not overall.cells[ITEM].suppressed


def test_nothing_hidden_nothing_withheld():
    overall = _group("all", 15)
    sessions = [_group("A", 5), _group("B", 10)]
    protect(overall, {"session": sessions, "track": [], "category": []}, {}, [ITEM])
    assert _shown(sessions) == {"A": True, "B": True}
