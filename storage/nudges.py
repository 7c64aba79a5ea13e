"""Who gets the weekly reminder to log wins, and how many answered it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import DigestRun, Person, Win

NUDGE_PREFIX = "nudge:"


def people_to_nudge(session: Session, *, weekday: str) -> list[Person]:
    """People who asked for reminders and are not off on `weekday` ("fri")."""
    query = select(Person).where(col(Person.reminders).is_(True)).order_by(col(Person.id))
    return [p for p in session.exec(query) if weekday not in p.days_off.split(",")]


def nudge_figures(session: Session, *, period: str) -> tuple[int, int]:
    """(people reminded in the ISO week `period`, of whom logged a win after their reminder)."""
    sent = session.exec(
        select(DigestRun.target, DigestRun.sent_at).where(
            col(DigestRun.target).startswith(NUDGE_PREFIX),
            DigestRun.period == period,
            DigestRun.status == "sent",
        )
    ).all()
    answered = 0
    for target, sent_at in sent:
        person_id = int(target.removeprefix(NUDGE_PREFIX))
        later = session.exec(
            select(func.count(col(Win.id))).where(
                Win.person_id == person_id,
                Win.created_at >= sent_at,
                Win.created_at < sent_at + timedelta(days=7),
            )
        ).one()
        answered += 1 if later else 0
    return len(sent), answered
