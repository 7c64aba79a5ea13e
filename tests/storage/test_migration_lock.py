"""Replicas started together on an empty database: every one comes up, the schema is migrated once."""

from __future__ import annotations

import subprocess
import sys
import uuid

from sqlalchemy import create_engine, text

from storage.db import Database
from storage.migrate import HEAD, current_revision

UPGRADE = "import sys; from storage.db import Database; from storage.migrate import upgrade; upgrade(Database(sys.argv[1]))"


def start_together(url: str, count: int) -> list[subprocess.CompletedProcess]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    return [subprocess.CompletedProcess(p.args, p.wait(120), *p.communicate()) for p in processes]


def test_three_replicas_on_an_empty_postgresql_database_all_come_up(postgres):
    for _ in range(2):  # repeatedly: a race shows only some of the time
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        results = start_together(postgres.url(name), 3)
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-800:] for r in results]
        database = Database(postgres.url(name))
        assert current_revision(database) == HEAD
        database.dispose()


def test_three_processes_on_a_new_sqlite_file_all_come_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'aiguide.db'}"
    results = start_together(url, 3)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-800:] for r in results]
    assert current_revision(Database(url)) == HEAD
