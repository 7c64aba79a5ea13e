"""Acknowledge first, answer next: answers give way while Slack requests are waiting for their ack.

Slack shows the person an error when a request is not acknowledged within 3 seconds, while an answer
on response_url may come later. Acks cost little and answers cost several times more, and both run on
one event loop. In a burst (a team told to "try /aiguide now") answers started at once would slow every
ack behind them. So an answer waits while acks are pending, but never longer than `longest_wait`,
which keeps answers flowing when requests never stop coming.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

LONGEST_WAIT_S = 1.0


class AckFirst:
    def __init__(self, longest_wait: float = LONGEST_WAIT_S):
        self.longest_wait = longest_wait
        self._pending = 0
        self._idle: asyncio.Event | None = None

    @property
    def pending(self) -> int:
        return self._pending

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Around the handling of one inbound request, until its response is ready to go back."""
        self._pending += 1
        self._event().clear()
        try:
            yield
        finally:
            self._pending -= 1
            if self._pending == 0:
                self._event().set()

    async def turn(self) -> None:
        """Wait until no ack is pending, or `longest_wait` has passed."""
        if self._pending == 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event().wait(), self.longest_wait)

    def _event(self) -> asyncio.Event:
        # Made on first use, inside the running loop the server uses.
        if self._idle is None:
            self._idle = asyncio.Event()
            self._idle.set()
        return self._idle
