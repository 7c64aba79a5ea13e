"""Remembers platform deliveries already handled, so a retried event is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.db import now
from storage.models import ProcessedEvent


def first_delivery(session: Session, *, key: str) -> bool:
    """True when this key was never seen; records it either way."""
    if session.get(ProcessedEvent, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(key=key[:200], seen_at=now(session)))
            session.flush()
    except IntegrityError:
        return False
    return True


def seen(session: Session, *, key: str) -> bool:
    return session.get(ProcessedEvent, key[:200]) is not None


def forget_events(session: Session, *, before: datetime) -> int:
    result = session.exec(delete(ProcessedEvent).where(ProcessedEvent.seen_at < before))  # type: ignore[call-overload]
    return int(result.rowcount or 0)
