"""The time a request runs at: one source for the views' `g.now` and for when a kept page expires, so that
both move together when the clock is set (`app.extensions["request_clock"]`, a callable giving an aware
UTC datetime)."""
from datetime import datetime, timezone


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


def request_now(app) -> datetime:
    return app.extensions.get("request_clock", wall_clock)()
