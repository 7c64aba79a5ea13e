"""Store a row once per request id in a single statement: INSERT … ON CONFLICT DO NOTHING RETURNING id.

A retried platform event or a double click carries the same request id; the unique index turns the
second insert into nothing, without a read before the write or a savepoint around it.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

_DIALECTS = {"sqlite": sqlite, "postgresql": postgresql}
Row = TypeVar("Row", bound=SQLModel)


@cache
def _statement(table: Table, dialect: str):
    # Built once per table and dialect; values go in as parameters, so the compiled form is reused.
    insert = _DIALECTS[dialect].insert(table)
    return insert.on_conflict_do_nothing(index_elements=["request_id"]).returning(table.c.id)


@cache
def _stored_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.name != "id")


def insert_once(session: Session, row: SQLModel) -> int | None:
    """The new row's id, or None when a row with the same request id is already stored."""
    table = row.__table__  # type: ignore[attr-defined]
    statement = _statement(table, session.get_bind().dialect.name)
    return session.execute(statement, {name: getattr(row, name) for name in _stored_columns(table)}).scalar()


def store_once(session: Session, row: Row) -> tuple[Row, bool]:
    """(the stored row, True) the first time; (the row stored first, False) for a repeated request id."""
    new_id = insert_once(session, row)
    if new_id is None:
        kind = type(row)
        existing = session.exec(select(kind).where(kind.request_id == row.request_id)).first()  # type: ignore[attr-defined]
        assert existing is not None
        return existing, False
    row.id = new_id  # type: ignore[attr-defined]  # everything else was known before the insert
    return row, True
