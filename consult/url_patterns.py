"""URLs of one route for many rows of a page: the route is built once, with a marker where the row's id
goes, and the marker is replaced for each row (url_for for each row and each of its forms was a tenth of
the time a list of comments took)."""
from flask import url_for

# An integer, so that the route's converter takes it, and long enough to appear nowhere else in a URL.
_MARK = 987_654_321_987


class RouteFor:
    """url_for(endpoint, **values, <varying>=id) for any id, built once."""

    def __init__(self, endpoint: str, varying: str, **values):
        self._head, _mark, self._tail = url_for(endpoint, **values, **{varying: _MARK}).partition(str(_MARK))

    def __call__(self, value: int, anchor: str = "") -> str:
        return f"{self._head}{int(value)}{self._tail}{'#' + anchor if anchor else ''}"
