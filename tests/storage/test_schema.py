"""Migrations from empty to head on SQLite and PostgreSQL, and no drift between models and migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import inspect, text
from sqlmodel import select

from storage.migrate import HEAD, current_revision, downgrade, drift, head_revision, upgrade
from storage.models import Person, Question
from storage.people import upsert_person


def test_migrated_schema_matches_the_models(database):
    assert current_revision(database) == head_revision() == HEAD
    assert drift(database) == []


def test_downgrade_to_empty_and_back(database):
    downgrade(database, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(database)
    assert {"people", "wins", "questions", "tool_requests", "tool_requesters"} <= set(
        inspect(database.engine).get_table_names()
    )


def test_drift_is_detected(database):
    with database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE questions ADD COLUMN surprise INTEGER"))
    assert drift(database), "an extra column must show up as drift"


def test_aware_utc_datetimes_survive_a_round_trip(database):
    berlin = timezone(timedelta(hours=1))
    asked = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)
    with database.session() as session:
        person = upsert_person(session, platform="slack", user_id="U1")
        session.add(
            Question(
                request_id="r1", person_id=person.id, platform="slack", verdict="allowed", asked_at=asked
            )
        )
    with database.session() as session:
        (stored,) = session.exec(select(Question)).all()
        assert stored.asked_at == asked
        assert stored.asked_at.tzinfo is not None and stored.asked_at.utcoffset() == timedelta(0)
        assert stored.asked_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_sqlite_pragmas(sqlite_database):
    with sqlite_database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_a_failing_unit_of_work_leaves_nothing_behind(database):
    try:
        with database.session() as session:
            upsert_person(session, platform="slack", user_id="U9")
            raise RuntimeError("crash half-way")
    except RuntimeError:
        pass
    with database.session() as session:
        assert session.exec(select(Person)).all() == []
