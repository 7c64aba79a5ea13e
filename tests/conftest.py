"""Shared fixtures: the bundled example knowledge base and the services handlers run on."""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.db import Database
from storage.migrate import upgrade

sys.path.append(str(Path(__file__).parent))  # test helpers (pg_server, fakes); appended so packages win

from handlers.services import Services
from knowledge import KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def services(kb: KnowledgeBase) -> Services:
    return Services(knowledge=kb, admins=frozenset({"U_ADMIN"}))


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the whole run; skipped only where the binaries are missing."""
    from pg_server import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found, and CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL is not installed here (initdb not found)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


def _fresh_database(request, kind: str) -> Database:
    if kind == "sqlite":
        path = request.getfixturevalue("tmp_path") / "aiguide.db"
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres")
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = server.url(name)
    database = Database(url)
    upgrade(database)
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """The migrated schema on SQLite and on PostgreSQL: every storage test runs on both."""
    database = _fresh_database(request, request.param)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_database(request):
    database = _fresh_database(request, "sqlite")
    yield database
    database.dispose()


FIXED_NOW = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)  # a Thursday


@pytest.fixture
def db_services(kb, database) -> Services:
    """Services over a migrated database (SQLite and PostgreSQL) with the clock fixed on a Thursday."""
    return Services(knowledge=kb, database=database, clock=lambda: FIXED_NOW, admins=frozenset({"U_ADMIN"}))
