"""What the analysis pages make from data that changes only with a change stamp, kept per worker
under that stamp: the counts under the "analysis" stamp (until a comment, a coding, a code or the tree
changes), the filter form's lists and whether the codebook is complete under the "lists" stamp (until
a code, the tree, a track or a category changes: coding does not replace it). A stamp is read once per
request, and again when this process commits a change to its data."""
import threading

from cachetools import LRUCache
from flask import current_app, g, has_request_context

from .. import change_stamps
from ..extensions import db


def current_stamp(scope: str = change_stamps.ANALYSIS) -> int | None:
    """The scope's stamp, read before anything kept under it is made: what is made from changes that
    come after it is kept under it, and dropped as soon as it is replaced. None when the session holds
    changes not committed yet: what it reads must not be kept."""
    session = db.session()
    if not change_stamps.settled(session):
        return None
    commits = change_stamps.local_commits[scope]
    memo = g.setdefault("change_stamps", {}) if has_request_context() else {}
    if scope in memo and memo[scope][0] == commits:
        return memo[scope][1]
    # All scopes at once: a stamp read before what is kept under it may be read earlier still.
    for name, stamp in change_stamps.read_all(session.connection()).items():
        memo[name] = (change_stamps.local_commits[name], stamp)
    return memo[scope][1]


def kept(key: tuple, make, scope: str = change_stamps.ANALYSIS):
    """make(), or what it gave for the same key under the scope's current stamp. The results are shared
    between requests and threads: nothing may change them once made."""
    stamp = current_stamp(scope)
    if stamp is None:
        return make()
    cache, lock = current_app.extensions.get("count_cache") or _new_cache()
    with lock:
        found = cache.get(key)
    if found is not None and found[0] == (scope, stamp):
        return found[1]
    result = make()
    with lock:
        cache[key] = ((scope, stamp), result)
    return result


def forget(app, scope: str | None = None) -> None:
    """Drops everything kept (after the database was emptied behind the application's back), or what
    is kept under `scope` (what a new stamp of that scope would drop)."""
    found = app.extensions.get("count_cache")
    if found is not None:
        with found[1]:
            if scope is None:
                found[0].clear()
            for key in [key for key, (made_under, _value) in found[0].items() if made_under[0] == scope]:
                del found[0][key]


def _new_cache():
    made = (LRUCache(maxsize=max(current_app.config.get("COUNT_CACHE_ENTRIES", 256), 1)), threading.Lock())
    return current_app.extensions.setdefault("count_cache", made)


def per_request(key: tuple, make):
    """make(), once per request for `key` while the session holds no change and this process committed
    none to the lists' data since: the tree and the codebook are read by the counts, the rows and the
    filters of one page, and are the same for all of them."""
    session = db.session()
    if not has_request_context() or not change_stamps.settled(session):
        return make()
    memo = g.setdefault("analysis_memo", {})
    key = (*key, change_stamps.local_commits[change_stamps.LISTS])
    if key not in memo:
        memo[key] = make()
    return memo[key]
