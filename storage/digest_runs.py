"""Claims on (digest target, period): the database decides who sends, so a digest goes out once
however many replicas tick, and a sender that died is replaced after its lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import DigestRun

MAX_ATTEMPTS = 5


def claim(session: Session, *, target: str, period: str, me: str, now: datetime, lease: timedelta) -> bool:
    """True when this replica now owns the send: a fresh claim, or a takeover of a stale one."""
    values = {"target": target, "period": period, "status": "claimed", "claimed_by": me,
              "lease_expires_at": now + lease, "attempts": 1}  # fmt: skip
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DigestRun).values(**values)
    # RETURNING, not rowcount: PostgreSQL drivers report -1 rows for an INSERT that returns its id.
    result = session.execute(
        insert.on_conflict_do_nothing(index_elements=["target", "period"]).returning(DigestRun.id)
    )
    if result.first() is not None:
        return True
    takeover = session.execute(
        update(DigestRun)
        .where(
            DigestRun.target == target,
            DigestRun.period == period,
            col(DigestRun.status).in_(("claimed", "failed")),
            DigestRun.lease_expires_at < now,
            DigestRun.attempts < MAX_ATTEMPTS,
        )
        .values(
            claimed_by=me, lease_expires_at=now + lease, attempts=DigestRun.attempts + 1, status="claimed"
        )
    )
    return takeover.rowcount == 1


def mark_sent(
    session: Session, *, target: str, period: str, me: str, now: datetime, message_ref: str
) -> bool:
    result = session.execute(
        update(DigestRun)
        .where(DigestRun.target == target, DigestRun.period == period, DigestRun.claimed_by == me)
        .values(status="sent", sent_at=now, message_ref=message_ref[:200], error=None)
    )
    return result.rowcount == 1


def mark_failed(session: Session, *, target: str, period: str, me: str, error: str) -> None:
    session.execute(
        update(DigestRun)
        .where(DigestRun.target == target, DigestRun.period == period, DigestRun.claimed_by == me)
        .values(status="failed", error=error[:2000])
    )


def runs(session: Session, *, target: str | None = None) -> list[DigestRun]:
    query = select(DigestRun).order_by(col(DigestRun.id))
    if target is not None:
        query = query.where(DigestRun.target == target)
    return list(session.exec(query))
