"""The sums behind the weekly digests: each one query over a date range, indexed."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from sqlalchemy import func, union
from sqlmodel import Session, col, select

from storage.days import start_of
from storage.models import ACTIVE_REQUEST, Person, Question, QuestionVote, ToolRequest, ToolRequester, Win
from storage.tool_requests import ReviewTimes, review_times


@dataclass(frozen=True)
class WinTotals:
    minutes: int
    wins: int
    people: int


def win_totals(session: Session, *, start: date, end: date) -> WinTotals:
    """Minutes, wins and people for `start <= occurred_on < end`: one indexed query."""
    minutes, count, people = session.exec(
        select(func.coalesce(func.sum(Win.minutes), 0), func.count(col(Win.id)), func.count(func.distinct(Win.person_id)))
        .where(Win.occurred_on >= start, Win.occurred_on < end)
    ).one()  # fmt: skip
    return WinTotals(int(minutes), int(count), int(people))


@dataclass(frozen=True)
class SharedWin:
    person: str
    minutes: int
    tool: str
    task: str
    outcome: str
    category: str


@dataclass(frozen=True)
class WinFigures:
    minutes: int
    wins: int
    people: int
    weekly_minutes: list[tuple[date, dict[str, int]]]  # week start → {outcome category: minutes}
    by_outcome: dict[str, int]
    by_use_case: dict[str, int]
    by_tool: dict[str, int]
    unlisted_tool_wins: int  # wins with a tool not approved, or not on the list at all
    shared: list[SharedWin]


def win_figures(
    session: Session, *, start: date, end: date, weeks: int = 8, usable: tuple[str, ...]
) -> WinFigures:
    """Figures for wins with `start <= occurred_on < end`, plus the `weeks` weeks up to `end`."""
    period = (Win.occurred_on >= start, Win.occurred_on < end)
    minutes, count, people = session.exec(
        select(func.coalesce(func.sum(Win.minutes), 0), func.count(col(Win.id)), func.count(func.distinct(Win.person_id)))
        .where(*period)
    ).one()  # fmt: skip

    def grouped(column) -> dict[str, int]:
        rows = session.exec(select(column, func.sum(Win.minutes)).where(*period).group_by(column))
        return {key or "": int(total) for key, total in rows}

    first_week = end - timedelta(days=7 * weeks)
    trend_rows = session.exec(
        select(Win.occurred_on, Win.outcome_category, func.sum(Win.minutes))
        .where(Win.occurred_on >= first_week, Win.occurred_on < end)
        .group_by(Win.occurred_on, Win.outcome_category)
    )
    trend: dict[date, dict[str, int]] = {first_week + timedelta(days=7 * i): {} for i in range(weeks)}
    for day, category, total in trend_rows:
        week = first_week + timedelta(days=7 * ((day - first_week).days // 7))
        bucket = trend[week]
        bucket[category or "unstated"] = bucket.get(category or "unstated", 0) + int(total)
    unlisted = session.exec(
        select(func.count(col(Win.id))).where(
            *period,
            col(Win.tool_name) != "",
            (col(Win.tool_known).is_(False)) | (col(Win.tool_status).not_in(usable)),
        )
    ).one()
    shared = session.exec(
        select(Win, Person)
        .join(Person, col(Win.person_id) == col(Person.id))
        .where(*period, col(Win.share).is_(True), col(Win.outcome).is_not(None))
        .order_by(col(Win.minutes).desc(), col(Win.id))
        .limit(3)
    )
    return WinFigures(
        minutes=int(minutes),
        wins=int(count),
        people=int(people),
        weekly_minutes=sorted(trend.items()),
        by_outcome={k or "unstated": v for k, v in grouped(Win.outcome_category).items()},
        by_use_case=grouped(Win.use_case),
        by_tool=grouped(Win.tool_name),
        unlisted_tool_wins=int(unlisted),
        shared=[
            SharedWin(
                p.display_name or p.pseudonym,
                w.minutes,
                w.tool_name,
                w.task,
                w.outcome or "",
                w.outcome_category or "",
            )
            for w, p in shared
        ],
    )


@dataclass(frozen=True)
class Adoption:
    active_by_department: dict[str, int]  # people who asked or logged a win in the period
    new_people: int  # first activity ever in the period
    department_sizes: dict[str, int]  # everyone aiguide knows, by department


def adoption(session: Session, *, start: date, end: date) -> Adoption:
    since, until = start_of(start), start_of(end)
    active_ids = union(
        select(Win.person_id.label("pid")).where(Win.occurred_on >= start, Win.occurred_on < end),  # type: ignore[attr-defined]
        select(col(Question.person_id).label("pid")).where(
            Question.asked_at >= since, Question.asked_at < until, col(Question.person_id).is_not(None)
        ),
    ).subquery()
    by_department = session.exec(
        select(Person.department, func.count())
        .join(active_ids, active_ids.c.pid == Person.id)
        .group_by(Person.department)
    )
    new = session.exec(
        select(func.count(col(Person.id))).where(Person.created_at >= since, Person.created_at < until)
    ).one()
    sizes = session.exec(select(Person.department, func.count()).group_by(Person.department))
    return Adoption(_named(by_department), int(new), _named(sizes))


def _named(rows) -> dict[str, int]:
    return {(department or "unknown"): int(count) for department, count in rows}


GAPS = 200  # 👎 and "ask a human" questions read per week, grouped in the IT digest


@dataclass(frozen=True)
class Gap:
    """A question the knowledge base did not answer well, with what it was about."""

    text: str  # the (redacted) question, "" when texts are not kept
    verdict: str
    tools: tuple[str, ...]  # tool ids and unlisted names
    data_class: str | None
    use_case: str | None
    reason: str = ""  # what the 👎 said was wrong


@dataclass(frozen=True)
class ModelFigures:
    """What the language model cost over a period: answers it took part in, tokens by UTC day, and the
    answers that went out without its part, by why."""

    answers: int
    tokens_by_day: dict[date, int]
    fallbacks: dict[str, int]

    @property
    def tokens(self) -> int:
        return sum(self.tokens_by_day.values())


def model_figures(session: Session, *, start: date, end: date) -> ModelFigures | None:
    """None when no answer in the period was given with a model configured."""
    rows = session.exec(
        select(Question.asked_at, Question.model_tokens, Question.model_fallback).where(
            Question.asked_at >= start_of(start),
            Question.asked_at < start_of(end),
            col(Question.model_tokens).is_not(None),
        )
    ).all()
    if not rows:
        return None
    by_day: dict[date, int] = {}
    fallbacks: dict[str, int] = {}
    for asked_at, tokens, fallback in rows:
        day = asked_at.astimezone(UTC).date()
        by_day[day] = by_day.get(day, 0) + int(tokens or 0)
        if fallback:
            fallbacks[fallback] = fallbacks.get(fallback, 0) + 1
    return ModelFigures(len(rows), dict(sorted(by_day.items())), fallbacks)


@dataclass(frozen=True)
class QuestionFigures:
    by_verdict: dict[str, int]
    unknown_tools: list[tuple[str, int, int]]  # (name, questions, distinct people), most people first
    refused_tools: list[tuple[str, int, int]]  # listed tools answered not_allowed
    unhelpful: list[Gap]  # answers voted 👎
    escalations: list[Gap]  # questions passed to a human
    open_requests: list[tuple[str, int]]  # (tool, people), most wanted first
    reviews: ReviewTimes | None = None  # time to decision, the oldest still waiting
    decided: list[tuple[str, str]] = field(default_factory=list)  # (tool, decision) decided in the period
    model: ModelFigures | None = None  # the language model's cost, when one answered in the period


def question_figures(session: Session, *, start: date, end: date, limit: int = 5) -> QuestionFigures:
    since, until = start_of(start), start_of(end)
    period = (Question.asked_at >= since, Question.asked_at < until)
    by_verdict = dict(
        session.exec(select(Question.verdict, func.count()).where(*period).group_by(Question.verdict)).all()
    )
    rows = session.exec(
        select(Question.unknown_tools, Question.tool_ids, Question.verdict, Question.person_id).where(*period)
    )
    unknown: dict[str, tuple[int, set]] = {}
    refused: dict[str, tuple[int, set]] = {}
    for unknown_names, tool_ids, verdict, person in rows:
        for name in unknown_names or ():
            count, people = unknown.get(name, (0, set()))
            people.add(person)
            unknown[name] = (count + 1, people)
        if verdict == "not_allowed":
            for tool_id in tool_ids or ():
                count, people = refused.get(tool_id, (0, set()))
                people.add(person)
                refused[tool_id] = (count + 1, people)

    def top(counts: dict[str, tuple[int, set]]) -> list[tuple[str, int, int]]:
        ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1][1]), -kv[1][0], kv[0]))
        return [(name, count, len(people)) for name, (count, people) in ranked[:limit]]

    about = (Question.text, Question.verdict, Question.tool_ids, Question.unknown_tools, Question.data_class,
             Question.use_case)  # fmt: skip
    unhelpful = session.exec(
        select(*about, QuestionVote.reason)
        .join(QuestionVote, col(QuestionVote.question_id) == col(Question.id))
        .where(
            col(QuestionVote.helpful).is_(False),
            QuestionVote.voted_at >= since,
            QuestionVote.voted_at < until,
        )
        .order_by(col(QuestionVote.voted_at))
        .limit(GAPS)
    )
    escalated = session.exec(
        select(*about)
        .where(col(Question.escalated_at) >= since, col(Question.escalated_at) < until)
        .order_by(col(Question.escalated_at))
        .limit(GAPS)
    )

    def gap(row) -> Gap:
        text, verdict, tool_ids, unknown_names, data_class, use_case, *reason = row
        tools = tuple(dict.fromkeys([*(tool_ids or ()), *(unknown_names or ())]))
        return Gap(text or "", verdict, tools, data_class, use_case, (reason[0] if reason else "") or "")

    requesters = func.count(col(ToolRequester.id))
    open_requests = session.exec(
        select(ToolRequest.tool_name, requesters)
        .join(ToolRequester, col(ToolRequester.tool_request_id) == col(ToolRequest.id))
        .where(col(ToolRequest.status).in_(ACTIVE_REQUEST))
        .group_by(ToolRequest.id, ToolRequest.tool_name)
        .order_by(requesters.desc(), ToolRequest.tool_name)
        .limit(limit)
    )
    return QuestionFigures(
        by_verdict={k: int(v) for k, v in by_verdict.items()},
        unknown_tools=top(unknown),
        refused_tools=top(refused),
        unhelpful=[gap(row) for row in unhelpful],
        escalations=[gap(row) for row in escalated],
        open_requests=[(name, int(n)) for name, n in open_requests],
        reviews=review_times(session, start=since, end=until),
        decided=[
            (name, decision or "")
            for name, decision in session.exec(
                select(ToolRequest.tool_name, ToolRequest.decision)
                .where(col(ToolRequest.decided_at) >= since, col(ToolRequest.decided_at) < until)
                .order_by(col(ToolRequest.decided_at))
                .limit(limit * 2)
            )
        ],
        model=model_figures(session, start=start, end=end),
    )


@dataclass(frozen=True)
class Spread:
    """How self-reported minutes are spread over wins: what a leader should read the total as."""

    total: int
    without_largest: int  # the total less the largest tenth of wins, where most over-estimates sit
    typical_low: int  # the middle half of wins saved between these minutes each
    typical_high: int


def minutes_spread(session: Session, *, start: date, end: date) -> Spread | None:
    """None when there are too few wins (under 10) for a spread to mean anything."""
    minutes = sorted(
        session.exec(select(Win.minutes).where(Win.occurred_on >= start, Win.occurred_on < end)).all()
    )
    n = len(minutes)
    if n < 10:
        return None
    largest = max(1, n // 10)
    low, _, high = statistics.quantiles(minutes, n=4, method="inclusive")
    return Spread(
        total=sum(minutes),
        without_largest=sum(minutes[: n - largest]),
        typical_low=math.floor(low + 0.5),
        typical_high=math.floor(high + 0.5),
    )
