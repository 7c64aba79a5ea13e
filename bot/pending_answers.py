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
from handlers.services import Services

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)  # how long a dead replica's requests wait before another answers them
RENEW_EVERY = 4.0  # seconds between renewals of this replica's leases (well inside the lease)
HOLD_WAIT = 1.0  # seconds writing a request down may take before it is acknowledged without it
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
        self._uncrossed: set[str] = set()  # answered, but the database was away when it was to be crossed off

    @property
    def enabled(self) -> bool:
        return self.services.database is not None

    async def hold(self, key: str, surface: str, payload: dict) -> bool:
        """Written down before the acknowledgement; False when it could not be (it is answered anyway)."""
        if not self.enabled or key in self._held:
            return False
        from storage.pending_answers import hold

        now = self.services.clock()
        try:
            await asyncio.wait_for(
                self.services.transaction(
                    lambda session: hold(
                        session,
                        key=key,
                        surface=surface,
                        payload=payload,
                        owner=self.me,
                        now=now,
                        lease=self.lease,
                    )
                ),
                HOLD_WAIT,
            )
        except Exception as error:
            metrics.DATABASE_ERRORS.labels("pending answers").inc()
            log.warning("request %s acknowledged without a record (%s)", key, error.__class__.__name__)
            if isinstance(error, TimeoutError):
                self._uncrossed.add(key)  # the write may still land: crossed off once answered
            return False
        self._held.add(key)
        return True

    async def release(self, key: str) -> None:
        """Crossed off: answered, or the person told it failed."""
        if key not in self._held and key not in self._uncrossed:
            return
        from storage.pending_answers import release

        self._held.discard(key)
        try:
            await self.services.transaction(lambda session: release(session, key=key))
            self._uncrossed.discard(key)
        except Exception as error:  # still leased to this replica, so nobody answers it again
            self._uncrossed.add(key)
            log.warning("answered request %s not crossed off yet (%s)", key, error.__class__.__name__)

    async def _let_go(self, key: str) -> None:
        from storage.pending_answers import expire

        now = self.services.clock()
        with contextlib.suppress(Exception):
            await self.services.transaction(lambda session: expire(session, key=key, now=now))

    def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

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
        for key in list(self._uncrossed):
            await self.release(key)
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
