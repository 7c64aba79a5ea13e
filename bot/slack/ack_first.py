"""Acknowledge first, answer next: answers give way while Slack requests wait for their ack.

Slack shows the person an error when a request is not acknowledged within 3 seconds, while an answer
on response_url may come later. Acks cost little and answers cost several times more, and both run on
one event loop. In a burst (a team told to "try /aiguide now") answers started at once would slow every
ack behind them. So an answer waits while any request's HTTP response (its ack) is still being made,
its own included, but never longer than `longest_wait`: under traffic that never pauses, answers go
out up to a second late rather than acks. Waiting answers are let go one per turn of the event loop,
so a request that arrives meanwhile is read and acknowledged before the next answer starts.

Two variants measured worse at 50 concurrent slash commands (bench/slack_http.py): counting a request
as acknowledged when the listener calls ack(), before bolt has turned that into the HTTP response, and
waiting only for requests that arrived earlier. Both let answers run between acks again, and acks fell
to a fifth of bolt's own rate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator

LONGEST_WAIT_S = 1.0


class AckFirst:
    def __init__(self, longest_wait: float = LONGEST_WAIT_S):
        self.longest_wait = longest_wait
        self._pending = 0  # requests whose HTTP response is not ready yet
        self._waiting: deque[asyncio.Future[None]] = deque()  # answers waiting, first come first served

    @property
    def pending(self) -> int:
        return self._pending

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Around one inbound request, until its HTTP response is ready to go back."""
        self._pending += 1
        try:
            yield
        finally:
            self._pending -= 1
            if self._pending == 0:
                self._release_one()

    async def turn(self) -> None:
        """Wait until no request is waiting for its ack, or `longest_wait` has passed."""
        if self._pending == 0 and not self._waiting:
            return
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append(future)
        # A timer rather than wait_for: the answer resumes on the very next turn of the loop when let go.
        timer = loop.call_later(self.longest_wait, _let_go, future)
        try:
            await future
        finally:
            timer.cancel()
            if future in self._waiting:  # let go by the timer or cancelled: do not keep it queued
                self._waiting.remove(future)

    def _release_one(self) -> None:
        # One answer per turn of the event loop: between two, the loop reads the sockets again, and
        # a request that arrived meanwhile stops the releasing until it too has been acknowledged.
        while self._waiting and self._pending == 0:
            future = self._waiting.popleft()
            if future.done():  # let go at the time limit, or cancelled
                continue
            future.set_result(None)
            if self._waiting:
                asyncio.get_running_loop().call_soon(self._release_one)
            return


def _let_go(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
