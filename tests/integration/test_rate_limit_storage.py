"""The rate limiter's in-process storage counts without starting a thread per hit, and still refuses."""
import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from consult.extensions import limiter
from consult.rate_limit_storage import SweptMemoryStorage
from tests.conftest import csrf_token_from
from tests.integration.test_forum_signup import forums_open, make_forum, signup_url  # noqa: F401


def test_the_default_storage_is_the_swept_one(app, client):
    client.get("/healthz")
    assert isinstance(limiter.storage, SweptMemoryStorage)
    assert isinstance(storage_from_string("memory://"), SweptMemoryStorage)


def test_limited_posts_start_no_thread_and_are_still_refused(app, client, forums_open, make_forum,  # noqa: F811
                                                              monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "5 per minute")
    forum = make_forum()
    token = csrf_token_from(client.get(signup_url(forum)).get_data(as_text=True))
    started = []
    original = threading.Thread.start

    def counting_start(thread):
        started.append(thread)
        return original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    statuses = []
    for _ in range(6):
        statuses.append(client.post(signup_url(forum), data={"csrf_token": token, "name": ""}).status_code)
        time.sleep(0.02)  # longer than the library's own timer, which would have ended and been started again
    assert statuses == [422] * 5 + [429]
    assert started == []


def test_expired_counts_are_dropped_and_the_window_opens_again(monkeypatch):
    monkeypatch.setattr("consult.rate_limit_storage.SWEEP_SECONDS", 0.05)
    storage = SweptMemoryStorage()
    fixed, moving = FixedWindowRateLimiter(storage), MovingWindowRateLimiter(storage)
    two_a_second = parse("2 per 1 second")
    assert [fixed.hit(two_a_second, "fixed") for _ in range(3)] == [True, True, False]
    assert [moving.hit(two_a_second, "moving") for _ in range(3)] == [True, True, False]
    time.sleep(1.1)
    assert fixed.hit(two_a_second, "other")  # a later hit sweeps what has expired, in its own thread
    assert "fixed" not in storage.storage and "moving" not in storage.events
    assert fixed.hit(two_a_second, "fixed") and moving.hit(two_a_second, "moving")
