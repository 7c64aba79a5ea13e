"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from storage.serial_worker import SerialWorker

T = TypeVar("T")
DEFAULT_SQLITE_FILE = "aiguide.db"


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def now(session: Session) -> datetime:
    """The time by the clock the session was opened with: every stored timestamp comes from it."""
    clock = session.info.get("clock", utc_now)
    return clock()


class Database:
    """One engine and its sessions.

    SQLite allows one writer at a time; its writes are serialised here so that concurrent
    tasks queue instead of failing with "database is locked".
    """

    def __init__(self, url: str, *, echo: bool = False, clock: Callable[[], datetime] = utc_now):
        self.url = make_url(url)
        self.clock = clock
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = self.url.database or ""
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                self.url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20
            )
        self._write_lock = threading.RLock() if self.is_sqlite else None
        self._worker = SerialWorker() if self.is_sqlite else None
        # PostgreSQL work gets threads of its own: in the default pool it would queue behind (and hold
        # up) other blocking calls, such as botbuilder's connector requests.
        self._pool = (
            None if self.is_sqlite else ThreadPoolExecutor(max_workers=16, thread_name_prefix="database")
        )

    async def run(self, work: Callable[[], T]) -> T:
        """Run blocking database work off the event loop.

        SQLite work goes to one thread, since it would queue on the write lock anyway; PostgreSQL
        work goes to the database's own thread pool, where transactions run side by side.
        """
        if self._worker is not None:
            return await self._worker.run(work)
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, contextvars.copy_context().run, work
        )

    @contextmanager
    def session(self, clock: Callable[[], datetime] | None = None) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises.

        `clock` (default: the database's) stamps every row written in it; see `now`.
        """
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.info["clock"] = clock or self.clock
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        if self._worker is not None:
            self._worker.stop()
        self.engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:
    # The sqlite3 module's own transaction handling breaks SAVEPOINT (a released savepoint
    # commits); let SQLAlchemy say BEGIN itself, as its documentation recommends.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_url(path: Path | str = DEFAULT_SQLITE_FILE) -> str:
    return f"sqlite:///{Path(path).expanduser()}"


def build_engine_url(url: str | None, data_dir: Path | None = None) -> str:
    """The configured URL, or a SQLite file in `data_dir` (the embedded default)."""
    if url:
        return (
            url.replace("postgresql://", "postgresql+psycopg://", 1)
            if url.startswith("postgresql://")
            else url
        )
    return sqlite_url((data_dir or Path.cwd()) / DEFAULT_SQLITE_FILE)
