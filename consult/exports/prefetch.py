"""Items of a generator made in a background thread, a few steps ahead of the one using them.

An export spends about half its time fetching rows and half writing them out. The database
driver lets go of the interpreter while the database works, so a thread fetching the next batch
runs alongside the one writing the current batch: on two cores an export finishes sooner, and the
bounded queue keeps memory to a few batches whatever the size of the export."""
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
WAIT = 0.1  # seconds between looks at whether the reader gave up


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


def ahead(produce: Callable[[], Iterator[T]], depth: int = 2) -> Iterator[T]:
    """The items of produce(), made in a thread at most `depth` items ahead. An error in the
    thread is raised here; closing this generator (a client that went away) stops the thread after
    the item it is making, and produce()'s generator is closed in its thread (its `with` blocks
    release their connections there)."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=WAIT)
                return True
            except queue.Full:
                continue
        return False

    def run():
        source = produce()
        try:
            for item in source:
                if not offer(item):
                    return
            offer(_DONE)
        except BaseException as error:  # handed over to the reader, raised there
            offer(_Failure(error))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=run, name="export-rows", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
