"""Benchmark: the leadership and IT weekly digests over 1M wins and 1M questions, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import bisect
import inspect
import json
import math
import os
import random
import sqlite3
import statistics
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path

from sqlalchemy import event, insert, select, text
from throwaway_db import database_for

from handlers.digest import it_digest, last_full_week, leadership
from handlers.digest_settings import DigestSettings, Goals
from handlers.services import Services
from knowledge import KnowledgeBase, load_knowledge
from knowledge.base import USABLE_STATUSES
from storage import digests
from storage.db import Database
from storage.digests import GAPS
from storage.models import Person, ToolRequest, ToolRequester

TARGET_S = 2.0
RUNS = 5
DAYS = 730
BATCH = 50_000
BIG_TABLES = ("wins", "questions", "question_votes")
PLANS = 3  # the slowest statements per backend get their plan printed
SETTINGS = DigestSettings(goals=Goals(hours=20_000, staff_share=0.6, every_department=True))

DEPARTMENTS = {"Engineering": 18, "Client Services": 14, "Sales": 12, "Operations": 10, "Finance": 9,
               "Marketing": 7, "IT": 6, "Research": 6, "Legal": 5, "HR": 4, "Procurement": 3, "Facilities": 2}  # fmt: skip
TASKS = (("drafted the RFP response", "writing"), ("summarised the board pack", "summarizing"),
         ("built the pivot table for the quarterly review", "analysis"), ("wrote unit tests for billing", "coding"),
         ("took minutes of the steering meeting", "meeting-notes"), ("researched payroll vendors", "research"),
         ("answered the client's follow-up questions", "client-communication"),
         ("screened the graduate applications", "hiring"), ("named the new service line", "brainstorming"),
         ("translated the supplier contract", None))  # fmt: skip
OUTCOME_TEXT = {
    "revenue": ("closed the renewal", "won the bid"), "client_service": ("replied to the client the same day",),
    "wellbeing": ("left on time",), "speed": ("shipped a day early", "delivered before the deadline"),
    "quality": ("fewer errors in the report",), "cost": ("no agency needed",), "risk": ("passed the audit",),
    "learning": ("learned the new reporting tool",), "other": ("the team liked it",),
    None: (None, None, None, "it just felt easier"),
}  # fmt: skip
CATEGORY_WEIGHTS = {"speed": 14, "client_service": 12, "quality": 10, "wellbeing": 6, "revenue": 5, "learning": 4,
                    "cost": 3, "other": 3, "risk": 2, None: 25}  # fmt: skip
TOOL_WEIGHTS = {"approved": 10, "limited": 4, "pilot": 4, "under_review": 2, "not_approved": 2}
# Tools people name that the knowledge base does not list; asked about with a long tail, as in real life.
UNLISTED = ("DeepSeek", "Perplexity Pro", "Fireflies.ai", "Gamma", "Notion AI", "Jasper", "Otter Pro", "Poe",
            "Mistral Le Chat", "Copy.ai", "Tome", "Descript", "Runway", "ElevenLabs", "Synthesia", "Cursor",
            "Windsurf", "Lovable", "Replit AI", "Krisp", "tl;dv", "Read.ai", "Beautiful.ai", "Writesonic")  # fmt: skip
VERDICT_WEIGHTS = {"allowed": 35, "conditional": 20, "recommendation": 15, "unknown_tool": 13, "not_allowed": 12,
                   "no_match": 5}  # fmt: skip
MINUTES = (10, 15, 20, 30, 30, 45, 45, 60, 90, 120, 180)
WIN_COLUMNS = ("request_id", "person_id", "minutes", "tool_id", "tool_name", "tool_known", "tool_status",
               "use_case", "task", "outcome", "outcome_category", "share", "department", "occurred_on",
               "created_at")  # fmt: skip
QUESTION_COLUMNS = ("request_id", "person_id", "platform", "verdict", "tool_ids", "unknown_tools", "data_class",
                    "use_case", "text", "department", "asked_at", "escalated_at")  # fmt: skip
VOTE_COLUMNS = ("question_id", "person_id", "helpful", "voted_at", "reason")


def say(line: str = "") -> None:
    print(line, flush=True)


def weighted(weights: dict) -> list:
    # rng.choice over a list with repeats is several times faster than rng.choices with weights, per row.
    return [key for key, weight in weights.items() for _ in range(weight)]


# --- the databases under test ----------------------------------------------------------------------


def describe(database: Database) -> str:
    if database.is_sqlite:
        return f"SQLite {sqlite3.sqlite_version}, WAL, synchronous=NORMAL, default cache (the app's pragmas)"
    with database.engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar_one()
        buffers = connection.execute(text("SHOW shared_buffers")).scalar_one()
        jit = connection.execute(text("SHOW jit")).scalar_one()
    return (
        f"PostgreSQL {version}, unix socket, fsync=off, shared_buffers={buffers}, jit={jit} (stock settings)"
    )


# --- CPU accounting: is the machine ours, or is something else running? -----------------------------


@dataclass(frozen=True)
class Sample:
    own: float  # this process, every thread
    server: float  # the PostgreSQL server, its backends and the parallel workers it has reaped
    machine: float  # every CPU of the machine that was not idle, including steal


class Meter:
    def __init__(self, server) -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.postmaster = None
        if server is not None:
            self.postmaster = int((Path(server.data) / "postmaster.pid").read_text().split()[0])

    def _stat(self, pid: int) -> list[str]:
        raw = Path(f"/proc/{pid}/stat").read_text()
        return raw[raw.rfind(")") + 2 :].split()  # fields from the 3rd (state) on; the name may hold spaces

    def _server(self) -> float:
        if self.postmaster is None:
            return 0.0
        fields = self._stat(self.postmaster)
        ticks = sum(int(v) for v in fields[11:15])  # utime, stime, and the reaped children's cutime, cstime
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                child = self._stat(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(child[1]) == self.postmaster:
                ticks += int(child[11]) + int(child[12])
        return ticks / self.tick

    def _machine(self) -> float:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = values
        return (user + nice + system + irq + softirq + steal) / self.tick

    def sample(self) -> Sample:
        return Sample(time.process_time(), self._server(), self._machine())


@dataclass
class Timing:
    walls: list[float] = field(default_factory=list)
    own: float = 0.0
    server: float = 0.0
    others: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def cpu(self) -> str:
        wall = sum(self.walls)
        parts = f"per run: client CPU {self.own / len(self.walls) * 1000:,.0f} ms"
        if self.server:
            parts += f", server CPU {self.server / len(self.walls) * 1000:,.0f} ms"
        # Whatever the machine did beyond this process and its server was someone else's work.
        return f"{parts}; other processes used {max(self.others, 0) / wall:.2f} of {os.cpu_count()} CPUs meanwhile"


async def measure(call: Callable, meter: Meter, runs: int = RUNS) -> tuple[Timing, object]:
    """A warm-up call (page cache, statement cache), then `runs` timed calls; sync or async `call`."""
    result = call()
    if inspect.isawaitable(result):
        result = await result
    timing = Timing()
    for _ in range(runs):
        before = meter.sample()
        started = time.perf_counter()
        outcome = call()
        if inspect.isawaitable(outcome):
            await outcome
        timing.walls.append(time.perf_counter() - started)
        after = meter.sample()
        timing.own += after.own - before.own
        timing.server += after.server - before.server
        timing.others += (
            (after.machine - before.machine) - (after.own - before.own) - (after.server - before.server)
        )
    return timing, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


# --- the synthetic organisation: two years of wins and questions -------------------------------------


@dataclass
class World:
    kb: KnowledgeBase
    first_day: date
    last_day: date
    week: tuple[date, date]
    joined: list[int] = field(default_factory=list)  # ordinal of each person's first day, ascending
    people: list[tuple[int, str | None]] = field(default_factory=list)  # (id, department), same order
    tally: dict[str, int] = field(default_factory=dict)  # what the generators put in the digest week

    def day(self, share: float, rng: random.Random) -> date:
        """The day of the row at `share` of the table: adoption grows, so the last weeks are the busiest."""
        # Density 0.5 + t over t in [0, 1): the newest week holds about 1.5x the average week's rows.
        t = (math.sqrt(1 + 8 * share) - 1) / 2
        day = self.first_day + timedelta(days=int(t * DAYS))
        if day.weekday() >= 5 and rng.random() < 0.85:  # most work happens on weekdays
            day += timedelta(days=-1 if day.weekday() == 5 else 1)
            if day > self.last_day:
                day -= timedelta(days=3)
        return day

    def person(self, day: date, rng: random.Random) -> tuple[int, str | None]:
        # Only people who have joined; the earlier joiners are the keener users.
        joined = bisect.bisect_right(self.joined, day.toordinal())
        return self.people[int(joined * rng.random() ** 1.3)]

    def in_week(self, day: date) -> bool:
        return self.week[0] <= day < self.week[1]

    def count(self, key: str, n: int = 1) -> None:
        self.tally[key] = self.tally.get(key, 0) + n


def load_people(database: Database, world: World, count: int, rng: random.Random) -> None:
    launch = count // 5  # the pilot group, there from the first day
    days = sorted([0] * launch + [rng.randrange(DAYS) for _ in range(count - launch)])
    names = weighted(DEPARTMENTS)
    rows = []
    for n, offset in enumerate(days):
        joined = world.first_day + timedelta(days=offset)
        department = rng.choice(names) if rng.random() > 0.03 else None
        if n % (count // 3 or 1) == 1:
            department = "Board"  # a three-person department, which the digest must fold into "other"
        rows.append(
            {"platform": "slack" if rng.random() < 0.8 else "teams", "user_id": f"UB{n:07d}",
             "display_name": f"Person {n}", "email": f"person{n}@example.com", "department": department,
             "department_source": "directory" if department else None, "reminders": n % 3 == 0,
             "pseudonym": f"person-{n:08x}", "created_at": datetime(joined.year, joined.month, joined.day, 9, tzinfo=UTC)}
        )  # fmt: skip
    with database.session() as session:
        session.execute(insert(Person), rows)
        ids = session.execute(select(Person.id, Person.department).order_by(Person.id)).all()
    world.joined = [(world.first_day + timedelta(days=d)).toordinal() for d in days]
    world.people = [(person_id, department) for person_id, department in ids]


class Formats:
    """Values as each backend's bulk path takes them: SQLite gets the text SQLAlchemy itself would write."""

    def __init__(self, sqlite: bool):
        self.sqlite = sqlite

    def day(self, value: date):
        return value.isoformat() if self.sqlite else value

    def stamp(self, value: datetime | None):
        if value is None or not self.sqlite:
            return value
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def win_rows(count: int, world: World, fmt: Formats, seed: int) -> Iterator[tuple]:
    """Wins oldest first, as a live table fills."""
    rng = random.Random(seed)
    tools = [
        (t.id, t.name, True, t.status) for t in world.kb.tools for _ in range(TOOL_WEIGHTS.get(t.status, 1))
    ]
    tools += [(None, name, False, None) for name in UNLISTED[:6]]  # about 7% not on the list at all
    tools += [(None, "", False, None)] * 6  # and as many that name no tool
    categories = weighted(CATEGORY_WEIGHTS)
    for n in range(count):
        day = world.day(n / count, rng)
        person_id, department = world.person(day, rng)
        tool_id, tool_name, known, status = rng.choice(tools)
        task, use_case = rng.choice(TASKS)
        category = rng.choice(categories)
        minutes = rng.choice(MINUTES)
        if world.in_week(day):
            world.count("wins")
            world.count("minutes", minutes)
        created = datetime(day.year, day.month, day.day, 17, tzinfo=UTC) + timedelta(seconds=n % 20_000)
        yield (f"bench-win-{n:08d}", person_id, minutes, tool_id, tool_name, known, status,
               use_case if rng.random() > 0.15 else None, task, rng.choice(OUTCOME_TEXT[category]), category,
               rng.random() < 0.25, department, fmt.day(day), fmt.stamp(created))  # fmt: skip


def question_rows(count: int, world: World, fmt: Formats, seed: int, votes: list[tuple]) -> Iterator[tuple]:
    """Questions oldest first; fills `votes` as it goes, assuming ids 1..count (the table starts empty)."""
    rng = random.Random(seed)
    tools = world.kb.tools
    names = {t.id: t.name for t in tools}
    usable = [t.id for t in tools if t.status in USABLE_STATUSES]
    refused = [t.id for t in tools if t.status not in USABLE_STATUSES]
    verdicts = weighted(VERDICT_WEIGHTS)
    unlisted_weights = list(accumulate(1 / (rank + 1) for rank in range(len(UNLISTED))))
    classes = [None, *(c.id for c in world.kb.data_classes)]
    empty = "[]"
    for n in range(count):
        day = world.day(n / count, rng)
        person_id, department = world.person(day, rng) if rng.random() > 0.08 else (None, None)
        verdict = rng.choice(verdicts)
        tool_ids: list[str] = []
        unknown: list[str] = []
        if verdict in ("allowed", "conditional"):
            tool_ids = [rng.choice(usable)] if rng.random() > 0.1 else rng.sample(usable, 2)
        elif verdict == "not_allowed":
            tool_ids = [rng.choice(refused if rng.random() < 0.6 else usable)]
        elif verdict == "unknown_tool":
            unknown = rng.choices(UNLISTED, cum_weights=unlisted_weights, k=1 if rng.random() > 0.1 else 2)
            unknown = list(dict.fromkeys(unknown))
            if rng.random() < 0.15:  # a mixed question: one listed tool, one not
                tool_ids = [rng.choice(usable)]
        task, use_case = rng.choice(TASKS)
        data_class = rng.choice(classes)
        question = None
        if rng.random() < 0.65:  # the rest were asked where question text is not kept
            tool = names[tool_ids[0]] if tool_ids else (unknown[0] if unknown else "AI")
            question = f"can I use {tool} to {task.split(' ', 1)[1]} with {data_class or 'our'} data?"
        asked = datetime(day.year, day.month, day.day, 7, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(43_200)
        )
        escalated = asked + timedelta(minutes=rng.randint(1, 240)) if rng.random() < 0.015 else None
        if world.in_week(day):
            world.count("questions")
        if escalated and world.in_week(escalated.date()):
            world.count("escalations")
        if rng.random() < 0.04:
            voter = person_id or world.people[rng.randrange(len(world.people))][0]
            voted = asked + timedelta(minutes=rng.randint(1, 600))
            helpful = rng.random() < 0.7
            if not helpful and world.in_week(voted.date()):
                world.count("unhelpful")
            votes.append(
                (
                    n + 1,
                    voter,
                    helpful,
                    fmt.stamp(voted),
                    "" if helpful else "it said no where the contract allows it",
                )
            )
        yield (f"bench-q-{n:08d}", person_id, "slack" if rng.random() < 0.8 else "teams", verdict,
               json.dumps(tool_ids) if tool_ids else empty, json.dumps(unknown) if unknown else empty,
               data_class, use_case, question, department, fmt.stamp(asked), fmt.stamp(escalated))  # fmt: skip


def bulk_load(
    database: Database, table: str, columns: tuple[str, ...], rows: Iterator[tuple]
) -> tuple[int, float]:
    """Rows stored and seconds (generating them included): executemany in one transaction, or COPY."""
    started = time.perf_counter()
    stored = 0
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        if database.is_sqlite:
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            cursor = driver.cursor()
            # The default 2 MB cache thrashes on the random-order person index; the pool is reset after loading.
            cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute("BEGIN")  # the app's connect hook puts sqlite3 in autocommit mode
            while batch := list(islice(rows, BATCH)):
                cursor.executemany(statement, batch)
                stored += len(batch)
            cursor.execute("COMMIT")
        else:
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    stored += 1
            driver.commit()
    finally:
        raw.close()
    return stored, time.perf_counter() - started


def load_requests(database: Database, world: World, rng: random.Random) -> int:
    """Review requests: open ones with a long tail of requesters, and closed ones for the same tools."""
    ids = [person_id for person_id, _ in world.people]
    opened = world.first_day + timedelta(days=DAYS // 2)
    stamp = datetime(opened.year, opened.month, opened.day, tzinfo=UTC)
    requests = [
        {"tool_key": name.lower().replace(" ", ""), "tool_name": name, "status": "open" if rank < 20 else "closed",
         "created_at": stamp, "closed_at": None if rank < 20 else stamp + timedelta(days=30)}
        for rank, name in enumerate(UNLISTED)
    ] + [
        {"tool_key": name.lower().replace(" ", ""), "tool_name": name, "status": "closed", "created_at": stamp,
         "closed_at": stamp + timedelta(days=10)}
        for name in UNLISTED[:5]
    ]  # fmt: skip
    with database.session() as session:
        session.execute(insert(ToolRequest), requests)
        request_ids = session.execute(select(ToolRequest.id).order_by(ToolRequest.id)).scalars().all()
        requesters = [
            {"request_id": f"bench-req-{request_id}-{person_id}", "tool_request_id": request_id,
             "person_id": person_id, "reason": "it would save me time", "created_at": stamp}
            for rank, request_id in enumerate(request_ids)
            for person_id in rng.sample(ids, min(len(ids), 300 // (rank % len(UNLISTED) + 1) + rng.randint(1, 5)))
        ]  # fmt: skip
        session.execute(insert(ToolRequester), requesters)
    return len(requests) + len(requesters)


def load(database: Database, world: World, args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    fmt = Formats(database.is_sqlite)
    started = time.perf_counter()
    load_people(database, world, args.people, rng)
    say(f"load: {args.people:,} people in {time.perf_counter() - started:.1f} s (ORM insert, one statement)")
    votes: list[tuple] = []
    for table, columns, rows in (
        ("wins", WIN_COLUMNS, win_rows(args.wins, world, fmt, args.seed + 1)),
        ("questions", QUESTION_COLUMNS, question_rows(args.questions, world, fmt, args.seed + 2, votes)),
    ):
        stored, seconds = bulk_load(database, table, columns, rows)
        say(
            f"load: {stored:,} {table} in {seconds:.1f} s ({stored / seconds:,.0f} rows/s, generating included)"
        )
    stored, seconds = bulk_load(database, "question_votes", VOTE_COLUMNS, iter(votes))
    say(f"load: {stored:,} question_votes in {seconds:.1f} s")
    started = time.perf_counter()
    stored = load_requests(database, world, rng)
    say(f"load: {stored:,} tool requests and requesters in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    if database.is_sqlite:
        raw = database.engine.raw_connection()
        try:
            # Outside any transaction; in steady state the app's WAL auto-checkpoints keep the log this short.
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        size = Path(database.url.database or "").stat().st_size
        say(
            f"load: WAL checkpoint {time.perf_counter() - started:.1f} s; file {size / 2**20:,.0f} MiB; no ANALYZE"
        )
    else:
        # Autovacuum would analyse and vacuum tables this fresh within minutes; do it now rather than race it.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
            size = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
        say(f"load: VACUUM ANALYZE {time.perf_counter() - started:.1f} s; database {size / 2**20:,.0f} MiB")
    database.engine.dispose()  # back to the app's own connection settings for the timings


# --- the timings ------------------------------------------------------------------------------------


@dataclass
class Statement:
    label: str
    sql: str
    parameters: object
    median: float = 0.0
    rows: int = 0


@contextmanager
def capture(database: Database, label: str, into: list[Statement]) -> Iterator[None]:
    def listen(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            into.append(Statement(label, statement, parameters))

    event.listen(database.engine, "before_cursor_execute", listen)
    try:
        yield
    finally:
        event.remove(database.engine, "before_cursor_execute", listen)


def storage_calls(start: date, end: date) -> list[tuple[str, Callable]]:
    """The storage.digests calls the two digests make, with the same arguments (see handlers/digest.py)."""
    before, quarter = start - timedelta(days=7), end - timedelta(days=90)
    usable = tuple(USABLE_STATUSES)
    return [
        ("win_figures week", lambda s: digests.win_figures(s, start=start, end=end, usable=usable)),
        ("win_figures week before", lambda s: digests.win_figures(s, start=before, end=start, weeks=1, usable=usable)),
        ("win_figures 90 days", lambda s: digests.win_figures(s, start=quarter, end=end, weeks=1, usable=usable)),
        ("adoption week", lambda s: digests.adoption(s, start=start, end=end)),
        ("adoption 90 days", lambda s: digests.adoption(s, start=quarter, end=end)),
        ("question_figures week", lambda s: digests.question_figures(s, start=start, end=end)),
    ]  # fmt: skip


def rerun(database: Database, statements: list[Statement]) -> None:
    """Each captured SELECT again through the driver, fetched in full: the database's share of the time."""
    with database.engine.connect() as connection:
        for statement in statements:
            runs = []
            for attempt in range(RUNS + 1):
                started = time.perf_counter()
                statement.rows = len(connection.exec_driver_sql(statement.sql, statement.parameters).all())
                if attempt:
                    runs.append(time.perf_counter() - started)
            statement.median = statistics.median(runs)


def query_plan(database: Database, statement: Statement) -> list[str]:
    with database.engine.connect() as connection:
        if database.is_sqlite:
            rows = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters
            ).all()
            depth = {0: 0}
            lines = []
            for node, parent, _, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * (depth[node] - 1) + detail)
            return lines
        sql = f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}"
        return [row[0] for row in connection.exec_driver_sql(sql, statement.parameters).all()]


def hints(database: Database, plan: list[str]) -> list[str]:
    """What in a plan points at a missing index: a whole big table read for a date range."""
    found = []
    for line in plan:
        words = line.split()
        if database.is_sqlite and words[:1] == ["SCAN"] and "INDEX" not in line:
            table = words[1]
        elif not database.is_sqlite and "Seq Scan on" in line:
            table = line.split("Seq Scan on")[1].split()[0]
        else:
            table = ""
        if table in BIG_TABLES:  # reading all of people (thousands of rows) costs next to nothing
            found.append(f"reads the whole {table} table")
        if not database.is_sqlite and line.strip().startswith("JIT:"):
            found.append("JIT compiled this query (jit=on, cost above jit_above_cost); compiling costs time")
    return list(dict.fromkeys(found))


@dataclass
class Result:
    backend: str
    digest: str
    timing: Timing | None = None
    error: str = ""


def check(world: World, week, questions, problems: list[str]) -> None:
    # A fast digest over the wrong rows is no pass: the loader's date formats would be at fault.
    expected = (world.tally.get("wins", 0), world.tally.get("minutes", 0), world.tally.get("questions", 0))
    found = (week.wins, week.minutes, sum(questions.by_verdict.values()))
    if found != expected:
        problems.append(f"the digest counted (wins, minutes, questions) {found}; the loader wrote {expected}")
    if len(questions.escalations) != min(GAPS, world.tally.get("escalations", 0)):
        problems.append(
            f"{len(questions.escalations)} escalations listed of {world.tally.get('escalations', 0)}"
        )


async def timings(database: Database, world: World, meter: Meter, kb: KnowledgeBase) -> list[Result]:
    services = Services(knowledge=kb, database=database)
    start, end = world.week
    results = []
    for name, call in (
        ("leadership", lambda: leadership(services, start, end, SETTINGS)),
        ("it_digest", lambda: it_digest(services, start, end)),
    ):
        timing, reply = await measure(call, meter)
        results.append(Result(database.url.get_backend_name(), name, timing))
        say(
            f"{name} {start} .. {end} (exclusive): median {ms(timing.median)} of {RUNS} "
            f"[{', '.join(f'{w * 1000:,.0f}' for w in timing.walls)}] ms after a warm-up"
        )
        say(f"  {timing.cpu()}")
        say(f"  headline: {reply.headline}")

    say("storage.digests calls, each in its own transaction:")
    statements: list[Statement] = []
    figures = {}
    for label, call in storage_calls(start, end):

        def run(call=call):
            with database.session() as session:
                return call(session)

        with capture(database, label, statements):
            run()  # the statements, captured once, outside the timed runs
        timing, figures[label] = await measure(run, meter)
        say(f"  {ms(timing.median):>8}  {label}  ({timing.cpu()})")
    problems: list[str] = []
    check(world, figures["win_figures week"], figures["question_figures week"], problems)
    for problem in problems:
        say(f"PROBLEM: {problem}")
        for result in results:
            result.error = problem

    rerun(database, statements)
    say(f"each SELECT re-run on its own through the driver (median of {RUNS}, all rows fetched):")
    for statement in statements:
        sql = " ".join(statement.sql.split())
        say(f"  {ms(statement.median):>8} {statement.rows:>6,} rows  {statement.label:<24} {sql[:96]}")
    slowest = sorted(statements, key=lambda s: -s.median)[:PLANS]
    for statement in slowest:
        say(
            f"plan of a slow one ({ms(statement.median)}, {statement.label}): {' '.join(statement.sql.split())}"
        )
        plan = query_plan(database, statement)
        for line in plan:
            say(f"    {line}")
        for hint in hints(database, plan):
            say(f"  hint: {hint}")
    return results


def bench_backend(backend: str, args: argparse.Namespace, kb: KnowledgeBase) -> list[Result]:
    with database_for(backend, say) as found:
        if found is None:
            return []
        database, server = found
        say(f"== {backend}: {describe(database)}")
        say(f"   load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        today = date.today()
        world = World(kb, today - timedelta(days=DAYS - 1), today, last_full_week(today))
        load(database, world, args)
        say(
            f"digest week {world.week[0]}: {world.tally.get('wins', 0):,} wins, {world.tally.get('questions', 0):,} "
            f"questions, {world.tally.get('escalations', 0)} escalations, {world.tally.get('unhelpful', 0)} 👎"
        )
        try:
            return asyncio.run(timings(database, world, Meter(server), kb))
        finally:
            say()


def report(results: list[Result]) -> None:
    say("== targets")
    for result in results:
        if result.timing is None:
            say(f"ERROR {result.backend} {result.digest}: {result.error}")
            continue
        ok = not result.error and result.timing.median < TARGET_S
        say(
            f"{'PASS' if ok else 'MISS'}  {result.backend:<10} {result.digest:<10} median "
            f"{ms(result.timing.median):>8} (target < {TARGET_S:g} s){f'; {result.error}' if result.error else ''}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--wins", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    kb = load_knowledge()
    results: list[Result] = []
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        try:
            results += bench_backend(backend, args, kb)
        except Exception:
            # One backend failing should not hide the other's figures.
            traceback.print_exc()
            results.append(Result(backend, "both", error="failed; traceback above"))
    report(results)
    return 0  # figures to read, not a gate


if __name__ == "__main__":
    raise SystemExit(main())
