"""The questions log, written in batches while the server runs.

A transaction per question (a session, a person lookup, an insert, a commit, a hop to the database
thread) cost more CPU than reading the question and rendering the answer together. The server queues
each asked question and writes whatever is queued in one transaction, a few times a second; a click
on an answer's 👍 or "Ask a human" writes the queue first, so it finds its question (on another
replica, it looks again a moment later).

While the database is down the queue is kept (bounded) and tried again; on shutdown it is written
before the server closes. A kill -9 loses what was queued, at most a fraction of a second of
question statistics: never an answer, a win or a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.asked import Asked, AskedBy
from storage.db import Database
from storage.models import Question
from storage.people import upsert_person

__all__ = ["Asked", "AskedBy", "QuestionBatch", "write"]

log = logging.getLogger(__name__)

INTERVAL_S = 0.2
MAX_PENDING = 20_000
_DIALECTS = {"sqlite": sqlite, "postgresql": postgresql}
# The database being away (down, locked, unreachable): the questions wait for it.
UNAVAILABLE = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def write(session: Session, batch: list[Asked]) -> None:
    """Store the batch in the session's transaction; a request id already stored is left as it was."""
    people: dict[tuple[str, str], tuple[int | None, str | None]] = {}
    rows = []
    for asked in batch:
        who = asked.by
        key = (who.platform, who.user_id)
        if key not in people:
            person = upsert_person(session, **asdict(who))
            people[key] = (person.id, person.department)
        person_id, department = people[key]
        rows.append(
            {
                "request_id": asked.request_id,
                "person_id": person_id,
                "platform": asked.by.platform,
                "verdict": asked.verdict,
                "tool_ids": asked.tool_ids,
                "unknown_tools": asked.unknown_tools,
                "rule_ids": asked.rule_ids,
                "alternative_ids": asked.alternative_ids,
                "data_class": asked.data_class,
                "use_case": asked.use_case,
                "text": asked.text,
                "department": department,
                "asked_at": asked.asked_at,
                "escalated_at": None,
                "model_tokens": asked.model_tokens,
                "model_fallback": asked.model_fallback,
            }
        )
    dialect = _DIALECTS[session.get_bind().dialect.name]
    statement = dialect.insert(Question.__table__).on_conflict_do_nothing(index_elements=["request_id"])  # type: ignore[attr-defined]
    session.execute(statement, rows)


class QuestionBatch:
    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime],
        *,
        interval: float = INTERVAL_S,
        max_pending: int = MAX_PENDING,
    ):
        self.database = database
        self.clock = clock
        self.interval = interval
        self.max_pending = max_pending
        self._pending: list[Asked] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self.failing = False
        self.dropped = 0
        self._closing = False

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, asked: Asked) -> None:
        self._pending.append(asked)
        self._trim()
        if len(self._pending) >= 500:
            self._wake.set()

    def _trim(self) -> None:
        # The database has been away for a long time: keep the newest questions, and say so.
        excess = len(self._pending) - self.max_pending
        if excess > 0:
            del self._pending[:excess]
            before, self.dropped = self.dropped, self.dropped + excess
            if before == 0 or before // 1000 != self.dropped // 1000:
                log.error(
                    "question log: %d questions dropped while the database is unavailable", self.dropped
                )

    async def flush(self) -> int:
        """Write what is queued now; the number written. Raises when the database is unavailable (the
        questions stay queued); a question the database refuses for good is logged and dropped."""
        async with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                try:
                    await self.database.run(lambda: self._write(batch))
                    written = len(batch)
                except UNAVAILABLE:
                    raise
                except Exception as error:
                    # Not the database being away but something in the batch it will never take (a value
                    # too long, a character it cannot store): one at a time, so only that question is lost.
                    log.error(
                        "question log: a batch of %d was refused (%r); writing one by one", len(batch), error
                    )
                    written = await self.database.run(lambda: self._write_each(batch))
            except BaseException as error:  # unavailable, or the server stopping in the middle
                self._pending[:0] = batch
                self._trim()
                if not self.failing and not isinstance(error, asyncio.CancelledError):
                    log.warning(
                        "question log: the database failed (%r); questions are kept and retried", error
                    )
                    self.failing = True
                raise
            if self.failing:
                log.warning("question log: the database is back; %d questions written", written)
                self.failing = False
            return written

    def _write(self, batch: list[Asked]) -> None:
        with self.database.session(self.clock) as session:
            write(session, batch)

    def _write_each(self, batch: list[Asked]) -> int:
        written = 0
        for asked in batch:
            try:
                self._write([asked])
                written += 1
            except UNAVAILABLE:
                raise
            except Exception as error:
                self.dropped += 1
                log.error("question log: question of request %s not stored: %r", asked.request_id, error)
        return written

    def start(self) -> None:
        if self._task is None:
            self._closing = False
            self._task = asyncio.create_task(self._run(), name="question-log")

    async def stop(self) -> None:
        """Stop the timer (letting a write under way finish) and write what is left."""
        task, self._task = self._task, None
        if task is not None:
            self._closing = True
            self._wake.set()
            await asyncio.gather(task, return_exceptions=True)
        try:
            await self.flush()
        except Exception as error:
            log.error("question log: %d questions not written at shutdown: %s", self.pending, error)

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            if self._closing:
                return  # stop() writes what is left
            with contextlib.suppress(Exception):  # flush says so, and keeps the questions
                await self.flush()
