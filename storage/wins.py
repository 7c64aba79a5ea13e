"""AI wins: minutes saved, with what, on what, and what the time went to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.db import now
from storage.insert_once import store_once
from storage.models import Win

EDITABLE = frozenset(
    {"minutes", "tool_id", "tool_name", "tool_known", "tool_status", "use_case", "task", "outcome",
     "outcome_category", "share", "occurred_on"}
)  # fmt: skip


def add_win(session: Session, *, request_id: str, person_id: int, **fields) -> tuple[Win, bool]:
    """Store a win once per request id: a retried event or a double click returns the first row."""
    fields.setdefault("created_at", now(session))
    return store_once(session, Win(request_id=request_id, person_id=person_id, **fields))


def own_win(session: Session, *, win_id: int, person_id: int) -> Win | None:
    win = session.get(Win, win_id)
    return win if win is not None and win.person_id == person_id else None


def recent_wins(session: Session, *, person_id: int, limit: int = 10) -> list[Win]:
    query = select(Win).where(Win.person_id == person_id).order_by(col(Win.id).desc()).limit(limit)
    return list(session.exec(query))


def delete_win(session: Session, *, win_id: int, person_id: int) -> Win | None:
    """Delete one of the person's own wins; None when it is not theirs or not there."""
    win = own_win(session, win_id=win_id, person_id=person_id)
    if win is not None:
        session.delete(win)
        session.flush()
    return win


def update_win(session: Session, *, win_id: int, person_id: int, **changes) -> Win | None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"cannot edit {sorted(unknown)}")
    win = own_win(session, win_id=win_id, person_id=person_id)
    if win is None:
        return None
    for name, value in changes.items():
        setattr(win, name, value)
    session.add(win)
    session.flush()
    return win


@dataclass(frozen=True)
class Totals:
    wins: int
    minutes: int


def person_totals(session: Session, *, person_id: int, start: date, end: date) -> Totals:
    """Wins and minutes with `start <= occurred_on < end`."""
    query = select(func.count(col(Win.id)), func.coalesce(func.sum(Win.minutes), 0)).where(
        Win.person_id == person_id, Win.occurred_on >= start, Win.occurred_on < end
    )
    count, minutes = session.exec(query).one()
    return Totals(int(count), int(minutes))


def top_outcomes(
    session: Session, *, person_id: int, start: date, end: date, limit: int = 3
) -> list[tuple[str, int]]:
    """(outcome category, minutes) for the person's wins in the period, most minutes first."""
    minutes = func.sum(Win.minutes)
    query = (
        select(Win.outcome_category, minutes)
        .where(
            Win.person_id == person_id,
            Win.occurred_on >= start,
            Win.occurred_on < end,
            col(Win.outcome_category).is_not(None),
        )
        .group_by(Win.outcome_category)
        .order_by(minutes.desc(), Win.outcome_category)
        .limit(limit)
    )
    return [(category, int(total)) for category, total in session.exec(query)]


@dataclass(frozen=True)
class PeriodSummary:
    totals: Totals
    people: int
    by_outcome: dict[str, int]  # category → minutes
    by_department: dict[str, int]  # department → minutes


def period_summary(session: Session, *, start: date, end: date) -> PeriodSummary:
    """Everyone's wins with `start <= occurred_on < end`, summed the ways digests need."""
    in_period = (Win.occurred_on >= start, Win.occurred_on < end)
    count, minutes, people = session.exec(
        select(
            func.count(col(Win.id)),
            func.coalesce(func.sum(Win.minutes), 0),
            func.count(func.distinct(Win.person_id)),
        ).where(*in_period)
    ).one()
    by_outcome = session.exec(
        select(Win.outcome_category, func.sum(Win.minutes)).where(*in_period).group_by(Win.outcome_category)
    )
    by_department = session.exec(
        select(Win.department, func.sum(Win.minutes)).where(*in_period).group_by(Win.department)
    )
    return PeriodSummary(
        totals=Totals(int(count), int(minutes)),
        people=int(people),
        by_outcome={k or "unstated": int(v) for k, v in by_outcome},
        by_department={k or "unknown": int(v) for k, v in by_department},
    )
