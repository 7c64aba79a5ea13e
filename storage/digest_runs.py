"""Claims on (digest target, period): the database decides who sends, so a digest goes out once
however many replicas tick, and a sender that died is replaced after its lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import DigestRun

MAX_ATTEMPTS = 5


def claim(session: Session, *, target: str, period: str, me: str, now: datetime, lease: timedelta) -> str:
    """What this replica now owns: "new" (a fresh claim), "claimed" (a takeover from a sender whose
    lease ran out: it may have posted before it died), "failed" (a retry after a failed send); "" when
    another replica owns it or it was sent."""
    values = {"target": target, "period": period, "status": "claimed", "claimed_by": me,
              "lease_expires_at": now + lease, "attempts": 1}  # fmt: skip
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DigestRun).values(**values)
    # RETURNING, not rowcount: PostgreSQL drivers report -1 rows for an INSERT that returns its id.
    result = session.execute(
        insert.on_conflict_do_nothing(index_elements=["target", "period"]).returning(DigestRun.id)
    )
    if result.first() is not None:
        return "new"
    before = session.exec(
        select(DigestRun.status).where(DigestRun.target == target, DigestRun.period == period)
    ).first()
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
    return str(before) if takeover.rowcount == 1 else ""


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


def mark_unconfirmed(session: Session, *, target: str, period: str, me: str, error: str) -> None:
    """Its sender stopped mid-send and nobody can tell whether it was posted: never tried again."""
    session.execute(
        update(DigestRun)
        .where(DigestRun.target == target, DigestRun.period == period, DigestRun.claimed_by == me)
        .values(status="unconfirmed", error=error[:2000])
    )


def runs(session: Session, *, target: str | None = None) -> list[DigestRun]:
    query = select(DigestRun).order_by(col(DigestRun.id))
    if target is not None:
        query = query.where(DigestRun.target == target)
    return list(session.exec(query))


def not_delivered(session: Session, *, limit: int = 10) -> list[DigestRun]:
    """The latest runs that failed for good or whose delivery nobody can confirm, for the IT digest."""
    query = (
        select(DigestRun)
        .where(col(DigestRun.status).in_(("unconfirmed", "failed")), DigestRun.attempts >= 1)
        .order_by(col(DigestRun.id).desc())
        .limit(limit)
    )
    return [r for r in session.exec(query) if r.status == "unconfirmed" or r.attempts >= MAX_ATTEMPTS]


def settled(session: Session, *, target: str, period: str) -> bool:
    """Sent, or never to be tried again (unconfirmed, or failed as often as it may be)."""
    run = session.exec(
        select(DigestRun).where(DigestRun.target == target, DigestRun.period == period)
    ).first()
    if run is None:
        return False
    return run.status in ("sent", "unconfirmed") or (run.status == "failed" and run.attempts >= MAX_ATTEMPTS)
