"""Nothing acknowledged is lost when a replica dies: a request is written down before it is acknowledged,
and crossed off once it is answered.

Slack considers an acknowledged request done and never sends it again. SIGTERM is handled by draining
(bot.in_flight); a replica killed outright (out of memory, a node lost) would take what it had
acknowledged with it. So each replica holds its unanswered requests under a short lease in the
database and renews it while it runs; when a lease runs out, another replica takes the request over
and answers it from what was written down (a win is stored once either way: its request id is
unique). When the database cannot be written, requests are answered as before, without this net.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot import metrics
from bot.background import cancel
from handlers.services import Services

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)  # how long a dead replica's requests wait before another answers them
RENEW_EVERY = 4.0  # seconds between renewals of this replica's leases (well inside the lease)
HOLD_WAIT = 1.0  # seconds writing a request down may take before it is acknowledged without it
CROSS_OFF_EVERY = 0.2  # seconds between batches of answered requests crossed off
MAX_ATTEMPTS = 3  # a request that failed this often is dropped (and logged), not tried for ever
TOO_OLD = timedelta(minutes=25)  # Slack's response_url lasts 30 minutes: older ones cannot be answered

Replay = Callable[[dict], Awaitable[None]]  # answers a request from its payload, as when it came in


class PendingAnswers:
    def __init__(self, services: Services, *, lease: timedelta = LEASE, renew_every: float = RENEW_EVERY):
        self.services = services
        self.lease = lease
        self.renew_every = renew_every
        self.me = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.replayers: dict[str, Replay] = {}  # surface name -> how it answers a request taken over
        self._task: asyncio.Task | None = None
        self._held: set[str] = set()  # written down by this replica and not yet crossed off
        self._uncrossed: set[str] = set()  # answered, and not yet crossed off in the database
        self._to_hold: list[tuple[tuple[str, str, dict], asyncio.Future]] = []
        self._holding: asyncio.Task | None = None
        self._crossing: asyncio.Task | None = None

    @property
    def enabled(self) -> bool:
        return self.services.database is not None

    async def hold(self, key: str, surface: str, payload: dict) -> bool:
        """Written down before the acknowledgement; False when it could not be (it is answered anyway).

        Requests arriving together are written in one transaction (a group commit): under load the
        database sees one write per batch, not one per request."""
        if not self.enabled or key in self._held:
            return False
        written = asyncio.get_running_loop().create_future()
        self._to_hold.append(((key, surface, payload), written))
        if self._holding is None or self._holding.done():
            self._holding = asyncio.get_running_loop().create_task(self._write_holds())
        try:
            await asyncio.wait_for(asyncio.shield(written), HOLD_WAIT)
        except Exception as error:
            metrics.DATABASE_ERRORS.labels("pending answers").inc()
            log.warning("request %s acknowledged without a record (%s)", key, error.__class__.__name__)
            if isinstance(error, TimeoutError):
                self._uncrossed.add(key)  # the write may still land: crossed off once answered
            return False
        self._held.add(key)
        return True

    async def _write_holds(self) -> None:
        from storage.pending_answers import hold_many

        await asyncio.sleep(0)  # requests that arrived in the same turn of the loop join the batch
        while self._to_hold:
            batch, self._to_hold = self._to_hold, []
            rows = [row for row, _ in batch]
            now = self.services.clock()
            try:
                await self.services.transaction(
                    lambda session, rows=rows, now=now: hold_many(
                        session, rows, owner=self.me, now=now, lease=self.lease
                    )
                )
            except Exception as error:
                for _, written in batch:
                    if not written.done():
                        written.set_exception(error)
                continue
            for _, written in batch:
                if not written.done():
                    written.set_result(True)

    async def release(self, key: str) -> None:
        """Crossed off: answered, or the person told it failed. Written a batch at a time, a few times a
        second; a replica killed in between leaves the request to be answered once more, never lost."""
        if key not in self._held and key not in self._uncrossed:
            return
        self._held.discard(key)
        self._uncrossed.add(key)
        if self._crossing is None or self._crossing.done():
            self._crossing = asyncio.get_running_loop().create_task(self._cross_off(delay=CROSS_OFF_EVERY))

    async def _cross_off(self, delay: float = 0.0) -> None:
        from storage.pending_answers import release_many

        if delay:
            await asyncio.sleep(delay)
        keys = sorted(self._uncrossed)
        if not keys:
            return
        try:
            await self.services.transaction(lambda session: release_many(session, keys))
        except Exception as error:  # still leased to this replica, so nobody answers them again
            log.warning("%d answered requests not crossed off yet (%s)", len(keys), error.__class__.__name__)
            return
        self._uncrossed.difference_update(keys)

    async def _let_go(self, key: str) -> None:
        from storage.pending_answers import expire

        now = self.services.clock()
        with contextlib.suppress(Exception):
            await self.services.transaction(lambda session: expire(session, key=key, now=now))

    def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """After the drain: what was answered is crossed off, so no other replica answers it again."""
        await cancel(self._task)
        self._task = None
        if self._uncrossed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._cross_off(), 5.0)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database is away: the next tick tries again
                log.warning("pending answers: %s", error.__class__.__name__)

    async def tick(self) -> None:
        """Renew this replica's leases, and answer what a dead replica left."""
        from storage.pending_answers import renew, take_over

        now = self.services.clock()
        await self.services.transaction(
            lambda session: renew(session, owner=self.me, now=now, lease=self.lease)
        )
        await self._cross_off()
        taken = await self.services.transaction(
            lambda session: take_over(session, owner=self.me, now=now, lease=self.lease)
        )
        for item in taken:
            await self._answer(item, now)

    async def _answer(self, item, now) -> None:
        replay = self.replayers.get(item.surface)
        too_old = now - item.created_at > TOO_OLD
        if replay is None or too_old or item.attempts > MAX_ATTEMPTS:
            why = (
                "too old to answer" if too_old else "no surface to answer it" if replay is None else "failed"
            )
            log.error("request %s left by a stopped replica is dropped: %s", item.key, why)
            metrics.PENDING_TAKEN_OVER.labels(item.surface, "dropped").inc()
            self._held.add(item.key)
            await self.release(item.key)
            return
        log.warning("answering request %s, acknowledged by a replica that stopped", item.key)
        self._held.add(item.key)
        try:
            await replay(item.payload)
        except Exception:  # tried again by whoever holds it when the lease runs out
            log.exception("request %s taken over, and answering it failed", item.key)
            self._held.discard(item.key)
            await self._let_go(item.key)
            return
        metrics.PENDING_TAKEN_OVER.labels(item.surface, "answered").inc()
        await self.release(item.key)
