"""The markup of comment rows in lists, kept per worker: eight analysts reading the same orientations
and searches render the same rows again and again, and a row's template was a quarter of a list's time.

A row is kept under everything it shows, by value: the comment's own columns, its codes, its person's
pseudonym and province, its origin, the viewer's rights, the language, and the "lists" change stamp
(codes, the tree, tracks, categories and the consultation, whose names it writes). Any change to one of
them gives another key; nothing is ever invalidated by hand. The two things a row writes that belong to
one request (the form's CSRF token and the list to come back to) are kept as marks and put back on
every use.
"""
import secrets
import threading
from urllib.parse import urlencode

from cachetools import LRUCache
from flask import current_app
from flask_babel import get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .. import change_stamps
from ..i18n import current_language
from .stamped import current_stamp

# Random per process, so that no text typed by anyone can contain them.
BACK_MARK = "back" + secrets.token_hex(12)
_TOKEN_MARK = "csrf" + secrets.token_hex(12)
_NEXT_MARK = "next=" + BACK_MARK
# As url_for writes a query value (werkzeug's _urlencode): the kept and the fresh rows are the same bytes.
_QUERY_SAFE = "!$'()*,/:;?@"


def _cache():
    found = current_app.extensions.get("row_cache")
    if found is None:
        entries = current_app.config.get("ROW_CACHE_ENTRIES", 1000)
        found = current_app.extensions.setdefault(
            "row_cache", (LRUCache(maxsize=entries), threading.Lock()) if entries > 0 else None)
    return found


def _page_part(palette) -> tuple | None:
    """What every row of the page shares in its key (read once per page); None when the lists' stamp
    cannot be trusted (changes not committed yet)."""
    lists = current_stamp(change_stamps.LISTS)
    if lists is None:
        return None
    return (lists, current_language(), str(get_timezone()), palette.consultation.id, palette.can_code,
            palette.can_build_items)


def key_of(row) -> tuple | None:
    """What the row shows, as a key; None for a row that must be rendered afresh (a message or an
    error for this request, actions written out, or changes not committed yet)."""
    if not row.lazy_actions or row.message or row.errors or row.typed or row.open_actions or row.palette is None:
        return None
    page = row.palette.once(("row key",), _page_part, row.palette)
    if page is None:
        return None
    comment, person, origin = row.comment, row.participant, row.origin
    return (
        page, row.blind_sample,
        comment.id, comment.revision, comment.text, comment.language, comment.language_source, comment.channel,
        comment.prompt, comment.source_date, comment.topic_id, comment.topic_confirmed, comment.visibility,
        comment.visibility_reason, comment.needs_review, comment.stance,
        tuple(code.id for code in row.codes),
        (person.pseudonym, person.region, person.category_id) if person is not None else None,
        row.track.id if row.track is not None else None,
        (origin.label, origin.url) if origin is not None else None,
    )


def rendered(row, macro) -> Markup:
    """macro(row.comment, row), kept for the next request that shows the same row."""
    found = _cache()
    key = key_of(row) if found is not None else None
    token = generate_csrf() if key is not None else ""
    if not token:  # no key, or no token to swap for its mark: replacing "" would mark every gap
        return macro(row.comment, row)
    cache, lock = found
    with lock:
        kept = cache.get(key)
    if kept is None:
        back, row.back = row.back, BACK_MARK
        try:
            kept = str(macro(row.comment, row)).replace(token, _TOKEN_MARK)
        finally:
            row.back = back
        with lock:
            cache[key] = kept
    for mark, value in row.palette.once(("row marks", row.back, token), _marks, row.back, token):
        kept = kept.replace(mark, value)
    return Markup(kept)


def _marks(back: str, token: str) -> tuple:
    """What each mark of a kept row stands for on this page (the same for all its rows)."""
    return ((_NEXT_MARK, str(escape(urlencode({"next": back}, safe=_QUERY_SAFE)))), (BACK_MARK, str(escape(back))),
            (_TOKEN_MARK, token))
