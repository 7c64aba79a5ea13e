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


def hold(
    session: Session, *, key: str, surface: str, payload: dict, owner: str, now: datetime, lease: timedelta
) -> bool:
    """Records the request; False when it is held already (a retried delivery of the same request)."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PendingAnswer).values(
        key=key[:200], surface=surface, payload=payload, owner=owner, lease_until=now + lease, attempts=0,
        created_at=now,
    )  # fmt: skip
    stored = session.execute(
        insert.on_conflict_do_nothing(index_elements=["key"]).returning(PendingAnswer.key)
    )
    return stored.first() is not None


def release(session: Session, *, key: str) -> None:
    session.execute(delete(PendingAnswer).where(PendingAnswer.key == key[:200]))


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
