"""Acknowledged requests not yet answered: held by one replica under a lease it keeps renewing, taken
over by another when the lease runs out (the holder died)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import PendingAnswer


@dataclass(frozen=True)
class Taken:
    key: str
    surface: str
    payload: dict
    attempts: int
    created_at: datetime


def hold_many(
    session: Session, rows: list[tuple[str, str, dict]], *, owner: str, now: datetime, lease: timedelta
) -> None:
    """Writes down (key, surface, payload) requests that arrived together, in one statement; a key held
    already (a retried delivery) stays as it is."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    values = [
        {"key": key[:200], "surface": surface, "payload": payload, "owner": owner, "lease_until": now + lease,
         "attempts": 0, "created_at": now}
        for key, surface, payload in rows
    ]  # fmt: skip
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PendingAnswer)
    session.execute(insert.on_conflict_do_nothing(index_elements=["key"]), values)


def release_many(session: Session, keys: list[str]) -> None:
    session.execute(delete(PendingAnswer).where(col(PendingAnswer.key).in_([k[:200] for k in keys])))


def expire(session: Session, *, key: str, now: datetime) -> None:
    """Gives a request up to whoever looks next (this replica could not answer it)."""
    session.execute(update(PendingAnswer).where(PendingAnswer.key == key).values(lease_until=now, owner=""))


def renew(session: Session, *, owner: str, now: datetime, lease: timedelta) -> int:
    """Extends every lease this replica holds; how many it holds."""
    result = session.execute(
        update(PendingAnswer).where(PendingAnswer.owner == owner).values(lease_until=now + lease)
    )
    return int(result.rowcount or 0)


def take_over(
    session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int = 20
) -> list[Taken]:
    """The requests whose holder let the lease run out, now held by `owner`; each is taken by one
    replica only (the update re-checks the lease)."""
    expired = session.exec(
        select(PendingAnswer.key)
        .where(PendingAnswer.lease_until < now)
        .order_by(col(PendingAnswer.created_at))
        .limit(limit)
    ).all()
    taken = []
    for key in expired:
        result = session.execute(
            update(PendingAnswer)
            .where(PendingAnswer.key == key, PendingAnswer.lease_until < now)
            .values(owner=owner, lease_until=now + lease, attempts=PendingAnswer.attempts + 1)
        )
        if result.rowcount == 1:
            row = session.get(PendingAnswer, key)
            if row is not None:
                taken.append(Taken(row.key, row.surface, dict(row.payload), row.attempts, row.created_at))
    return taken
