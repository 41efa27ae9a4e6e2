"""Complementary suppression: a hidden small group must not be recoverable by subtraction.

Each breakdown (by session, by track, by category) adds up to the "All sessions" row, and the
sessions of a track add up to that track's row. When exactly one cell of such a sum is hidden,
anyone could work it out as the total minus the cells shown; so the next smallest cell of the sum
is withheld too, or the total itself when nothing else is left. Withholding can break another
sum in turn, so the rules run until nothing changes.
"""
from collections.abc import Iterable, Sequence


def protect(overall, by_dimension: dict[str, list], track_of_session: dict, item_ids: Iterable[int]) -> None:
    """Mark `withheld` the cells that would give away a hidden one (groups hold `key` and `cells`)."""
    sums: list[tuple[object, Sequence]] = [(overall, groups) for groups in by_dimension.values()]
    for track in by_dimension.get("track", []):
        sessions = [group for group in by_dimension.get("session", [])
                    if track_of_session.get(group.key, None) == track.key]
        sums.append((track, sessions))
    for item_id in item_ids:
        changed = True
        while changed:
            changed = False
            for total, parts in sums:
                changed |= _close_one_sum(total.cells[item_id], [part.cells[item_id] for part in parts])


def _close_one_sum(total, parts: list) -> bool:
    filled = [cell for cell in parts if cell.count]
    if sum(1 for cell in filled if cell.suppressed) != 1:
        return False
    shown = sorted((cell for cell in filled if not cell.suppressed), key=lambda cell: cell.count)
    complement = shown[0] if shown else total
    if complement.suppressed:
        return False
    complement.withheld = True
    return True
