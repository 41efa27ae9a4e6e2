"""The rate limiter's in-process storage (`memory://`), without a thread per hit.

The storage of the `limits` package starts a `threading.Timer` whenever a hit finds its previous timer
finished, that is on nearly every hit of a quiet or moderately busy site: a thread created, started and
joined per limited request (about a sixth of a sign-up's time). Expired counters are dropped here by the
request that comes after the sweep interval instead, in the request's own thread. The counts themselves
are unchanged: a fixed window's counter is checked against its expiry when it is read, and a moving
window's entries are compared by time, so sweeping later only keeps dead entries in memory a little
longer; it never lets a request through that the limit would refuse.

Defining the class registers it for the `memory` scheme (the `limits` registry keeps the last class named
for a scheme), so `RATELIMIT_STORAGE_URI=memory://` and the default both use it once this module is
imported (consult/extensions.py does)."""
import threading
import time
from collections import Counter, defaultdict

from limits.storage import MemoryStorage, Storage

SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self._init_state()
        Storage.__init__(self, uri, wrap_exceptions=wrap_exceptions, **options)

    def _init_state(self) -> None:
        self.storage = Counter()
        self.locks = defaultdict(threading.RLock)
        self.expirations = {}
        self.events = {}
        self._sweeping = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("locks", None)
        state.pop("_sweeping", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.locks = defaultdict(threading.RLock)
        self._sweeping = threading.Lock()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (the parent's private hook)
        """Called by the parent before each counted hit: sweep in this thread once per interval."""
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()

    def reset(self) -> int | None:
        count = super().reset()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        return count
