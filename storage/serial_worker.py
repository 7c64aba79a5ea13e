"""One thread that runs blocking database work for asyncio callers, in the order it was asked for.

SQLite takes one writer at a time, so a pool of threads only queues on its lock, and each hand-over
between the event loop and a pool thread costs a wake-up on both sides. Here each result is handed
back as soon as it is ready, but while a loop has results it has not yet collected, further results
join them instead of waking it again: under load, one wake-up carries many results.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

_Job = tuple[asyncio.AbstractEventLoop, asyncio.Future, Callable[[], Any]]
_Result = tuple[asyncio.Future, Any, BaseException | None]
_STOP = None


class SerialWorker:
    def __init__(self, name: str = "aiguide-db"):
        self._name = name
        self._lock = threading.Lock()
        # Each thread has its own queue, so a stop and a new start never share one.
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue[_Job | None] | None = None

    async def run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if self._jobs is None:
                self._jobs = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._serve, args=(self._jobs,), name=self._name, daemon=True
                )
                self._thread.start()
            self._jobs.put((loop, future, work))
        return await future

    def stop(self) -> None:
        """Finish what is queued, then end the thread; a later run() starts a new one."""
        with self._lock:
            thread, jobs = self._thread, self._jobs
            self._thread = self._jobs = None
            if jobs is not None:
                jobs.put(_STOP)
        if thread is not None:
            thread.join()

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[_Job | None]) -> None:
        while (job := jobs.get()) is not _STOP:
            loop, future, work = job
            try:
                _post(loop, (future, work(), None))
            except StopIteration as error:
                # A future cannot hold StopIteration; the caller still needs to hear of it.
                _post(loop, (future, None, RuntimeError(f"database work raised StopIteration: {error!r}")))
            except BaseException as error:  # handed to the awaiting caller
                _post(loop, (future, None, error))


class _Mailbox:
    """Results waiting for one event loop, and whether a callback to collect them is already due."""

    def __init__(self) -> None:
        self.results: list[_Result] = []
        self.collect_due = False


_boxes: dict[asyncio.AbstractEventLoop, _Mailbox] = {}
_boxes_lock = threading.Lock()


def _post(loop: asyncio.AbstractEventLoop, result: _Result) -> None:
    # Each result goes at once, but a loop that has not yet collected the previous ones gets no
    # second wake-up: the callback already due takes everything that arrived before it runs.
    with _boxes_lock:
        # A loop closed with its collection still queued never runs it: forget its mailbox.
        for closed in [known for known in _boxes if known.is_closed()]:
            del _boxes[closed]
        if loop.is_closed():
            return
        box = _boxes.setdefault(loop, _Mailbox())
        box.results.append(result)
        if box.collect_due:
            return
        box.collect_due = True
    try:
        loop.call_soon_threadsafe(_collect, loop)
    except RuntimeError:
        # The caller's loop closed while its work ran: nobody is left to tell.
        with _boxes_lock:
            _boxes.pop(loop, None)


def _collect(loop: asyncio.AbstractEventLoop) -> None:
    with _boxes_lock:
        box = _boxes.pop(loop, None)
    if box is None:
        return
    for future, value, error in box.results:
        if future.done():  # cancelled while its work ran
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)
