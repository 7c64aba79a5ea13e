"""One thread that runs blocking database work for asyncio callers, in the order it was asked for.

SQLite takes one writer at a time, so a pool of threads only queues on its lock, and each hand-over
between the event loop and a pool thread costs a wake-up on both sides. One thread that drains
everything waiting, then hands all the results back to each loop in a single callback, pays for
those wake-ups once per batch instead of once per call.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

_Job = tuple[asyncio.AbstractEventLoop, asyncio.Future, Callable[[], Any]]
_STOP = None


class SerialWorker:
    def __init__(self, name: str = "aiguide-db"):
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    async def run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._ensure_started()
        self._jobs.put((loop, future, work))
        return await future

    def stop(self) -> None:
        """Finish what is queued, then end the thread; a later run() starts a new one."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(_STOP)
            thread.join()

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        while True:
            batch = [self._jobs.get(), *self._waiting()]
            done: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, Any, BaseException | None]]]
            done = defaultdict(list)
            stopping = False
            for job in batch:
                if job is _STOP:
                    stopping = True
                    continue
                loop, future, work = job
                try:
                    done[loop].append((future, work(), None))
                except BaseException as error:  # handed to the awaiting caller
                    done[loop].append((future, None, error))
            for loop, results in done.items():
                try:
                    loop.call_soon_threadsafe(_settle, results)
                except RuntimeError:
                    # The caller's loop closed while its work ran: nobody is left to tell.
                    log.debug("event loop closed before %d database results arrived", len(results))
            if stopping:
                # Work queued just behind the stop still has callers waiting for it.
                if not (leftovers := [job for job in self._waiting() if job is not _STOP]):
                    return
                for job in leftovers:
                    self._jobs.put(job)

    def _waiting(self) -> list[_Job | None]:
        jobs = []
        while True:
            try:
                jobs.append(self._jobs.get_nowait())
            except queue.Empty:
                return jobs


def _settle(results: list[tuple[asyncio.Future, Any, BaseException | None]]) -> None:
    for future, value, error in results:
        if future.cancelled():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)
