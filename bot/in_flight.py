"""Work that was acknowledged and is still being answered, so that a stopping server finishes it.

A deploy stops a replica with SIGTERM. Slack and Teams consider an acknowledged request done; an
answer still being worked out when the process exits would be lost. The server stops accepting, then
waits (bounded) until this count is zero before it closes its connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator

log = logging.getLogger(__name__)


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle: asyncio.Event | None = None

    @property
    def count(self) -> int:
        return self._count

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        self._count += 1
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0 and self._idle is not None:
                self._idle.set()

    async def drain(self, timeout: float, what: str = "answers") -> int:
        """Wait until nothing is in flight, at most `timeout` seconds; how many were left unfinished."""
        if self._count == 0:
            return 0
        started = time.monotonic()
        log.info("stopping: finishing %d %s already acknowledged (up to %.0f s)", self._count, what, timeout)
        self._idle = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        if self._count:
            log.error("stopping: %d %s still unfinished after %.0f s are lost", self._count, what, timeout)
        else:
            log.info("stopping: all %s finished in %.1f s", what, time.monotonic() - started)
        return self._count
