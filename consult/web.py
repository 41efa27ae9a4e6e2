"""Request hooks and template helpers shared by every blueprint."""
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import groupby

from babel.numbers import format_decimal
from flask import current_app, g, request
from flask_babel import get_locale

from .dates import format_day, format_moment
from .i18n import remember_locale
from .request_clock import request_now
from .security import add_security_headers

HTMX_VERSION = "2.0.8"


def paragraphs(text: str) -> list[str]:
    """Plain-text content split into paragraphs on blank lines."""
    return [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()]


BULLETS = ("– ", "- ", "• ")


def text_blocks(text: str) -> list[tuple[str, object]]:
    """Plain text as ("p", text) and ("ul", [items]) blocks: lines starting with a dash are a list."""
    blocks: list[tuple[str, object]] = []
    for paragraph in paragraphs(text):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        for is_item, run in groupby(lines, key=lambda line: line.startswith(BULLETS)):
            run = list(run)
            blocks.append(("ul", [line[2:].strip() for line in run]) if is_item else ("p", " ".join(run)))
    return blocks


def local_date(value: datetime | None, tz=None, fmt="long"):
    """The day of a moment in the consultation's zone (the site's when none is given)."""
    if value is None:
        return ""
    return format_day(value, fmt, tz)


def last_day(value: datetime | None, tz=None, fmt="long"):
    """The last day included by a closing moment: closing at midnight means the day before."""
    if value is None:
        return ""
    return local_date(value - timedelta(microseconds=1), tz, fmt)


def local_datetime(value: datetime | None, tz=None, fmt="long"):
    """"6 décembre 2026 à 14 h 30", "Dec 6, 2026, 2:30 p.m.": Canadian formats, no seconds or offset."""
    return format_moment(value, fmt, tz)


def number(value: int | float) -> str:
    """A number with the current language's separators (1 234 in French, 1,234 in English): what Flask-
    Babel's numberformat gives, formatted once per worker for each number and language, as the analysis
    tables show a hundred counts on every page."""
    return _number(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def init_app(app):
    app.after_request(remember_locale)
    app.after_request(add_security_headers)

    @app.before_request
    def _stamp_request():
        g.now = request_now(current_app)

    @app.after_request
    def _no_store_for_staff(response):
        # Staff pages (every area's, all under /staff/) show personal data: never in a shared cache.
        if request.path.startswith("/staff/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

