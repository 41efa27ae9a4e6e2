"""The proposal's public pages kept ready for visitors, so that a crowd arriving from an invitation
email costs one rendering per page and language instead of one per visit.

Only pages whose view is marked `cacheable` (or calls `keep_until` with the moment its page
changes by itself, such as a consultation's opening), asked with GET by someone without a session (no
sign-in, no form started, no message waiting) and answered 200 without setting a cookie, are kept:
such a page is the same for every visitor asking the same path in the same language. Each worker
keeps its own, bounded in bytes, with the "content" change stamp read before rendering. The stamp is
read again at most once a second (at once after a change committed by the same worker), so an edit
reaches visitors within a second.
"""
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from urllib.parse import parse_qsl

from cachetools import LRUCache
from flask import request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_cookie

from . import change_stamps
from .extensions import db
from .i18n import LANGUAGES, LOCALE_COOKIE, language_of
from .request_clock import request_now

MARK = "consult.page_cache.cacheable"
STAMP_SECONDS = 1.0


def cacheable(view):
    """Marks a view whose page depends only on its address, its language and the content."""

    @wraps(view)
    def marked(*args, **kwargs):
        request.environ[MARK] = True
        return view(*args, **kwargs)

    return marked


def keep_until(moment: datetime | None) -> None:
    """Marks the page being made as one that also depends on the time, the same until `moment`
    (the next opening or closing it shows; None: no such moment ahead)."""
    request.environ[MARK] = moment.timestamp() if moment is not None else True


def next_moment(now: datetime, moments) -> datetime | None:
    """The first of `moments` (None ignored) after `now`."""
    return min((moment for moment in moments if moment is not None and moment > now), default=None)


@dataclass(frozen=True)
class Page:
    stamp: int
    status: str
    headers: list
    body: bytes
    expires: float | None = None  # seconds since the epoch

    def fresh(self, stamp: int | None, now: float) -> bool:
        return self.stamp == stamp and (self.expires is None or now < self.expires)


class PageCache:
    """WSGI middleware in front of the application."""

    # When the change stamp was last read; a test moves it on instead of waiting.
    clock = staticmethod(time.monotonic)

    def __init__(self, wsgi_app, app, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.app = app
        self.pages = LRUCache(maxsize=max_bytes, getsizeof=lambda page: self._size(page.body))
        self.lock = threading.Lock()
        self.private_cookies = {app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME",
                                                                                   "remember_token")}
        self._engine = None
        self._stamp: tuple[int | None, float, int] = (None, 0.0, -1)

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        stamp = self.content_stamp()
        with self.lock:
            page = self.pages.get(key)
        if page is not None and page.fresh(stamp, request_now(self.app).timestamp()):
            start_response(page.status, list(page.headers))
            return [page.body]
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        mark = environ.get(MARK)
        if stamp is None or not mark or not self._shareable(answer):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if self._size(content) > self.pages.maxsize:
            return [content]
        with self.lock:
            self.pages[key] = Page(stamp, answer["status"], list(answer["headers"]), content,
                                   expires=None if mark is True else mark)
        return [content]

    def _key(self, environ):
        # Read from the WSGI environment itself: a request object and its parsed headers cost as much as
        # serving the kept page.
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        raw_cookies = environ.get("HTTP_COOKIE")
        cookies = parse_cookie(raw_cookies) if raw_cookies else {}
        if self.private_cookies & cookies.keys():
            return None
        # Kept per path and language only: anything else a visitor can vary at will (other arguments,
        # an unknown language, the Host header; the pages' links are relative) would let anyone fill
        # the cache with copies of one page and push the others out.
        query = environ.get("QUERY_STRING")
        arguments = parse_qsl(query, keep_blank_values=True) if query else []
        asked = [value for name, value in arguments if name == "lang"]
        if len(asked) < len(arguments) or len(asked) > 1 or any(value not in LANGUAGES for value in asked):
            return None
        language = language_of(asked[0] if asked else None, cookies.get(LOCALE_COOKIE),
                               environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        return (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO"), tuple(asked), language)

    @staticmethod
    def _size(body: bytes) -> int:
        return len(body) + 1024  # the headers and the key, roughly

    @staticmethod
    def _shareable(answer: dict) -> bool:
        return answer.get("status", "").startswith("200") and not any(
            name.lower() == "set-cookie" for name, _value in answer.get("headers", ()))

    def content_stamp(self) -> int | None:
        stamp, read_at, commits = self._stamp
        now = self.clock()
        local = change_stamps.local_commits[change_stamps.CONTENT]
        if now - read_at < STAMP_SECONDS and commits == local:
            return stamp
        try:
            with self.engine().connect() as connection:
                stamp = change_stamps.read(connection, change_stamps.CONTENT)
        except SQLAlchemyError:
            # No database yet, or not migrated: serve without keeping anything; the page says why.
            return None
        self._stamp = (stamp, now, local)
        return stamp

    def engine(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def forget(self) -> None:
        with self.lock:
            self.pages.clear()
        self._stamp = (None, 0.0, -1)


def init_app(app) -> None:
    # Not under `flask run --debug`: someone editing templates must see each change at once.
    if app.config.get("PAGE_CACHE_BYTES", 0) > 0 and not app.debug:
        cache = PageCache(app.wsgi_app, app, app.config["PAGE_CACHE_BYTES"])
        app.wsgi_app = cache
        app.extensions["page_cache"] = cache


def forget(app) -> None:
    """Drops every kept page (after the database was emptied behind the application's back)."""
    cache = app.extensions.get("page_cache")
    if cache is not None:
        cache.forget()
