"""A migrated, empty database for a benchmark: a SQLite file, or a PostgreSQL server started like the tests'."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.db import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]


def load_pg_server():
    # tests/ is not a package; load its throw-away server helper by path, as the tests' conftest uses it.
    spec = importlib.util.spec_from_file_location("pg_server", ROOT / "tests" / "pg_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def database_for(backend: str, say: Callable[[str], None]) -> Iterator[tuple[Database, object] | None]:
    """The database and its server (None for SQLite); None when PostgreSQL is not installed.
    Everything is stopped and removed afterwards, also after an error."""
    workdir = Path(tempfile.mkdtemp(prefix="aiguide-bench-"))
    server = None
    database = None
    try:
        if backend == "sqlite":
            url = f"sqlite:///{workdir / 'aiguide.db'}"
        else:
            pg_server = load_pg_server()
            bindir = pg_server.find_bindir()
            if bindir is None:
                say("PostgreSQL skipped: initdb not found (install postgresql to benchmark it).")
                yield None
                return
            server = pg_server.PostgresServer(bindir)
            server.start()
            url = server.url()
        database = Database(url)
        upgrade(database)
        yield database, server
    finally:
        try:
            if database is not None:
                database.dispose()
            if server is not None:
                server.stop()
        except subprocess.CalledProcessError as error:
            say(f"note: stopping PostgreSQL failed: {error.stderr or error}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
