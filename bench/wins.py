"""Benchmark: sustained AI-win logging rate, and the weekly aggregate over 1M wins, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import resource
import secrets
import sqlite3
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import event, insert, select, text
from throwaway_db import database_for

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from handlers.services import Services
from handlers.win_parse import parse_win
from knowledge import KnowledgeBase, load_knowledge
from storage.db import Database
from storage.models import Person
from storage.wins import add_win, period_summary

SQLITE_WINS_PER_S_TARGET = 500.0
AGGREGATE_TARGET_S = 1.0

# What people type, varied so the parser does not see one sentence over and over.
WIN_TEXTS = (
    "win 45m drafted the RFP response with Copilot -> sent to the client two days early",
    "win 30m summarised the board pack with ChatGPT -> left on time for once",
    "win 1h wrote unit tests for the billing job with GitHub Copilot -> fewer bugs in the release",
    "win 20m translated the supplier contract with DeepL -> replied to the supplier the same day",
    "win 90m built the quarterly pivot tables with Copilot -> closed the renewal a week early",
    "win 15m took minutes of the steering meeting with Otter -> actions sent before lunch",
    "win 2h researched competitors in payroll software with Perplexity -> no agency needed",
    "win 40m polished the client presentation with Claude -> the client signed",
)
PEOPLE = 2_000
DAYS = 730
AGGREGATE_RUNS = 5
BATCH = 50_000
DEPARTMENTS = ("Finance", "Legal", "Sales", "Marketing", "Engineering", "Operations", "HR", "IT",
               "Client Services", "Procurement", "Research", "Facilities")  # fmt: skip
TASKS = ("drafted the RFP response", "summarised the board pack", "wrote unit tests for the billing job",
         "translated the supplier contract", "took minutes of the steering meeting",
         "built the pivot table for the quarterly review", "researched competitors in payroll software")  # fmt: skip
OUTCOMES = ((None, None), (None, None), ("sent to the client two days early", "client_service"),
            ("closed the renewal", "revenue"), ("left on time", "wellbeing"), ("shipped a day early", "speed"),
            ("fewer errors in the report", "quality"), ("no agency needed", "cost"))  # fmt: skip
MINUTES = (10, 15, 20, 30, 30, 45, 45, 60, 90, 120)
WIN_COLUMNS = ("request_id", "person_id", "minutes", "tool_id", "tool_name", "tool_known", "tool_status",
               "use_case", "task", "outcome", "outcome_category", "share", "department", "occurred_on",
               "created_at")  # fmt: skip


@dataclass
class Figures:
    backend: str
    handler_wins_per_s: float | None = None
    raw_wins_per_s: float | None = None
    load_s: float | None = None
    aggregate_s: float | None = None
    rows: int = 0
    problems: list[str] = field(default_factory=list)  # any problem turns every verdict into MISS


def say(line: str = "") -> None:
    print(line, flush=True)


# --- the databases under test ----------------------------------------------------------------------


def describe(database: Database) -> str:
    if database.is_sqlite:
        return f"SQLite {sqlite3.sqlite_version}, WAL, synchronous=NORMAL (the app's pragmas)"
    with database.engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar_one()
    # tests/pg_server.py turns fsync off; commits cost less than on a durable production server.
    return f"PostgreSQL {version}, unix socket, fsync=off (the tests' throw-away server)"


# --- bulk load: people, then a million wins in date order --------------------------------------------


def load_people(database: Database) -> list[tuple[int, str]]:
    now = datetime.now(UTC)
    rows = [
        {"platform": "slack", "user_id": f"UB{n:06d}", "display_name": f"Person {n}",
         "email": f"person{n}@example.com", "department": DEPARTMENTS[n % len(DEPARTMENTS)],
         "department_source": "directory", "reminders": False, "pseudonym": f"person-{n:08x}", "created_at": now}
        for n in range(PEOPLE)
    ]  # fmt: skip
    with database.session() as session:
        session.execute(insert(Person), rows)
        people = session.execute(select(Person.id, Person.department).order_by(Person.id)).all()
    return [(person_id, department) for person_id, department in people]


def generate_wins(
    count: int,
    people: list[tuple[int, str]],
    kb: KnowledgeBase,
    *,
    first_day: date,
    week: tuple[date, date],
    tally: list[int],
    for_sqlite: bool,
    seed: int,
) -> Iterator[tuple]:
    """Rows in WIN_COLUMNS order, oldest first as a live table fills; `tally` sums the chosen week."""
    rng = random.Random(seed)
    tools = [(t.id, t.name, True, t.status) for t in kb.tools[:8]] + [(None, "Otter Pro", False, None)]
    use_cases = [u.id for u in kb.use_cases] + [None]
    for n in range(count):
        day = first_day + timedelta(days=n * DAYS // count)
        person_id, department = rng.choice(people)
        minutes = rng.choice(MINUTES)
        tool_id, tool_name, tool_known, tool_status = rng.choice(tools)
        outcome, category = rng.choice(OUTCOMES)
        created = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(seconds=n % 36_000)
        if week[0] <= day < week[1]:
            tally[0] += 1
            tally[1] += minutes
        row = (
            f"bulk-{n:08d}",
            person_id,
            minutes,
            tool_id,
            tool_name,
            tool_known,
            tool_status,
            rng.choice(use_cases),
            rng.choice(TASKS),
            outcome,
            category,
            rng.random() < 0.2,
            department,
        )
        if for_sqlite:
            # The text forms SQLAlchemy's SQLite Date and UTCDateTime columns write and compare against.
            yield (*row, day.isoformat(), created.replace(tzinfo=None).isoformat(" ", "microseconds"))
        else:
            yield (*row, day, created)


def bulk_load(database: Database, rows: Iterator[tuple]) -> float:
    """Seconds to store the rows: one executemany transaction on SQLite, COPY on PostgreSQL."""
    started = time.perf_counter()
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        if database.is_sqlite:
            placeholders = ", ".join("?" for _ in WIN_COLUMNS)
            statement = f"INSERT INTO wins ({', '.join(WIN_COLUMNS)}) VALUES ({placeholders})"
            cursor = driver.cursor()
            cursor.execute("BEGIN")  # the app's connect hook puts sqlite3 in autocommit mode
            while batch := list(islice(rows, BATCH)):
                cursor.executemany(statement, batch)
            cursor.execute("COMMIT")
        else:
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY wins ({', '.join(WIN_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            driver.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def analyze(database: Database) -> float:
    # Autovacuum analyses a table this freshly filled within a minute; do it now rather than race it.
    started = time.perf_counter()
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE wins"))
        connection.commit()
    return time.perf_counter() - started


# --- the weekly aggregate ------------------------------------------------------------------------------


def time_aggregate(database: Database, week: tuple[date, date]):
    """Median seconds of period_summary over one week, its result, and the SELECTs it issued."""
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        # The warm-up run: fills the page cache and SQLAlchemy's statement cache, and shows the SQL.
        with database.session() as session:
            summary = period_summary(session, start=week[0], end=week[1])
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    runs = []
    for _ in range(AGGREGATE_RUNS):
        started = time.perf_counter()
        with database.session() as session:
            period_summary(session, start=week[0], end=week[1])
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs, summary, statements


def query_plan(database: Database, statement: str, parameters) -> list[str]:
    with database.engine.connect() as connection:
        if database.is_sqlite:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            depth = {0: 0}
            lines = []
            for node, parent, _, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * (depth[node] - 1) + detail)
            return lines
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
        return [row[0] for row in rows]


# --- sustained writes --------------------------------------------------------------------------------


@dataclass
class Rate:
    wins: int
    seconds: float
    cpu_seconds: float = 0.0  # this process, all threads: unlike wall time, barely moved by other load
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.wins / self.seconds if self.seconds else 0.0

    def cpu_per_win(self) -> str:
        return f"{self.cpu_seconds / self.wins * 1000:.2f} ms CPU per win" if self.wins else ""

    def latency(self) -> str:
        if len(self.latencies) < 2:
            return ""
        cuts = statistics.quantiles(self.latencies, n=100)
        return f"; latency p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"


async def handler_path(
    database: Database, kb: KnowledgeBase, *, tasks: int, count: int, seconds: float | None
) -> Rate:
    """Wins through Router.dispatch, `tasks` people typing at once, as a chat surface would call it."""
    services = Services(knowledge=kb, database=database)
    router = build_router()
    address = Address(Platform.SLACK, "D_BENCH")
    run_id = secrets.token_hex(4)  # a second run on the same database must not hit "Already logged"

    async def run(tag: str, total: int, deadline: float | None, rate: Rate) -> None:
        issued = 0

        async def person_typing() -> None:
            nonlocal issued
            while (time.perf_counter() < deadline) if deadline else (issued < total):
                n, issued = issued, issued + 1
                # Known people, so upsert_person takes its everyday path: found, nothing changed.
                who = n % PEOPLE
                actor = Actor(f"UB{who:06d}", f"Person {who}", f"person{who}@example.com")
                request = Request(
                    Platform.SLACK,
                    actor,
                    address,
                    text=WIN_TEXTS[n % len(WIN_TEXTS)],
                    request_id=f"{tag}-{run_id}-{n:08d}",
                )
                started = time.perf_counter()
                reply = await router.dispatch(request, services)
                rate.latencies.append(time.perf_counter() - started)
                if reply.status is not Status.SUCCESS or not reply.headline.startswith("Logged win"):
                    rate.failures.append(reply.headline)
                rate.wins += 1

        await asyncio.gather(*(person_typing() for _ in range(tasks)))

    # Fill the connection pool and start the executor's threads before the clock runs.
    await run("warm", 20 * tasks, None, Rate(0, 0.0))
    rate = Rate(0, 0.0)
    started, cpu = time.perf_counter(), time.process_time()
    await run("handler", count, started + seconds if seconds else None, rate)
    rate.seconds, rate.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return rate


def raw_inserts(database: Database, kb: KnowledgeBase, *, count: int, seconds: float | None) -> Rate:
    """storage.wins.add_win, one unit of work per win, one after another: the storage cost alone."""
    fields = parse_win(WIN_TEXTS[0].removeprefix("win "), kb, date.today()).fields()
    run_id = secrets.token_hex(4)
    with database.session() as session:
        person_ids = list(session.execute(select(Person.id)).scalars())

    def store(n: int, tag: str) -> None:
        with database.session() as session:
            add_win(
                session,
                request_id=f"{tag}-{run_id}-{n:08d}",
                person_id=person_ids[n % len(person_ids)],
                department="Finance",
                **fields,
            )

    for n in range(50):
        store(n, "rawwarm")
    rate = Rate(0, 0.0)
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + seconds if seconds else None
    while (time.perf_counter() < deadline) if deadline else (rate.wins < count):
        store(rate.wins, "raw")
        rate.wins += 1
    rate.seconds, rate.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return rate


# --- one backend, start to finish ------------------------------------------------------------------


def last_full_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday


def bench_aggregate(
    database: Database, figures: Figures, args: argparse.Namespace, kb: KnowledgeBase
) -> None:
    today = date.today()
    week = last_full_week(today)
    tally = [0, 0]
    rows = generate_wins(
        args.rows,
        load_people(database),
        kb,
        first_day=today - timedelta(days=DAYS),
        week=week,
        tally=tally,
        for_sqlite=database.is_sqlite,
        seed=args.seed,
    )
    figures.load_s, figures.rows = bulk_load(database, rows), args.rows
    say(
        f"bulk load: {args.rows:,} wins, {PEOPLE:,} people, {DAYS} days in {figures.load_s:.1f} s "
        f"({args.rows / figures.load_s:,.0f} rows/s, with the migration's indexes in place)"
    )
    if not database.is_sqlite:
        say(f"ANALYZE wins: {analyze(database):.2f} s")

    figures.aggregate_s, runs, summary, statements = time_aggregate(database, week)
    say(
        f"weekly aggregate, period_summary {week[0]} .. {week[1]} (exclusive): median "
        f"{figures.aggregate_s * 1000:.1f} ms of {AGGREGATE_RUNS} "
        f"[{', '.join(f'{r * 1000:.1f}' for r in runs)}] ms after one warm-up"
    )
    found = [summary.totals.wins, summary.totals.minutes]
    say(f"  result: {found[0]:,} wins, {found[1]:,} minutes, {summary.people:,} people")
    if found != tally:
        # A fast answer over the wrong rows is no pass: the loader's date format would be at fault.
        figures.problems.append(f"aggregate counted {found} (wins, minutes); the loader wrote {tally}")
    for number, (statement, parameters) in enumerate(statements, 1):
        main = " (the main aggregate)" if number == 1 else ""
        say(f"  plan of query {number}/{len(statements)}{main}: {' '.join(statement.split())}")
        for line in query_plan(database, statement, parameters):
            say(f"    {line}")


def bench_backend(backend: str, args: argparse.Namespace, kb: KnowledgeBase) -> Figures | None:
    with database_for(backend, say) as found:
        if found is None:
            return None
        database, _server = found
        figures = Figures(backend)
        # Other work on the machine takes CPU from a benchmark that is CPU-bound; show how busy it was.
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        say(f"== {backend}: {describe(database)}; load average {load} on {os.cpu_count()} CPUs")
        if args.rows:
            bench_aggregate(database, figures, args, kb)
        else:
            load_people(database)

        handler = asyncio.run(
            handler_path(database, kb, tasks=args.tasks, count=args.wins, seconds=args.seconds)
        )
        figures.handler_wins_per_s = handler.per_second
        # Database.run: SQLite work on its one database thread, PostgreSQL on asyncio's default pool.
        workers = (
            "1 database thread"
            if database.is_sqlite
            else f"{min(32, (os.cpu_count() or 1) + 4)} pool threads"
        )
        say(
            f"handler path: {handler.wins:,} wins in {handler.seconds:.2f} s = {handler.per_second:,.0f} wins/s "
            f"({args.tasks} tasks, {workers}; {handler.cpu_per_win()}{handler.latency()})"
        )
        if handler.failures:
            figures.problems.append(
                f"{len(handler.failures):,} replies were not 'Logged win', e.g. {handler.failures[0]!r}"
            )

        raw = raw_inserts(database, kb, count=args.wins, seconds=args.seconds)
        figures.raw_wins_per_s = raw.per_second
        say(
            f"raw add_win: {raw.wins:,} wins in {raw.seconds:.2f} s = {raw.per_second:,.0f} wins/s "
            f"(one unit of work each, one thread; {raw.cpu_per_win()})"
        )
        if database.is_sqlite:
            size = Path(database.url.database or "").stat().st_size
            say(f"database file: {size / 2**20:,.0f} MiB")
        for problem in figures.problems:
            say(f"PROBLEM: {problem}")
        say()
        return figures


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[Figures]) -> None:
    say("== targets")
    for figures in results:
        sound = not figures.problems
        if figures.backend == "sqlite" and figures.handler_wins_per_s is not None:
            ok = sound and figures.handler_wins_per_s >= SQLITE_WINS_PER_S_TARGET
            say(
                f"{verdict(ok)}  sqlite wins/s through the handler path: {figures.handler_wins_per_s:,.0f} "
                f"(target >= {SQLITE_WINS_PER_S_TARGET:,.0f}; raw add_win {figures.raw_wins_per_s:,.0f})"
            )
        if figures.aggregate_s is None:
            say(f"----  {figures.backend} weekly aggregate: not measured (--rows 0)")
        else:
            ok = sound and figures.aggregate_s < AGGREGATE_TARGET_S
            say(
                f"{verdict(ok)}  {figures.backend} weekly aggregate over {figures.rows:,} wins: "
                f"{figures.aggregate_s * 1000:,.1f} ms (target < {AGGREGATE_TARGET_S * 1000:,.0f} ms)"
            )
        for problem in figures.problems:
            say(f"      {figures.backend}: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="wins to bulk-load for the aggregate (0: skip)"
    )
    parser.add_argument("--wins", type=int, default=5_000, help="wins to log in each throughput run")
    parser.add_argument("--seconds", type=float, help="run each throughput test this long instead of --wins")
    parser.add_argument("--tasks", type=int, default=10, help="concurrent people on the handler path")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # a handler failure logs its traceback; show it

    kb = load_knowledge()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [figures for backend in backends if (figures := bench_backend(backend, args, kb)) is not None]
    report(results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    say(f"peak RSS of this process: {peak / 1024:,.0f} MiB")
    return 0  # figures to read, not a gate


if __name__ == "__main__":
    raise SystemExit(main())
