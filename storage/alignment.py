"""The counts behind the alignment report, by id: the report itself names them from the knowledge base.

Questions are read one period at a time (a month or a quarter), only the columns counted; wins are
summed in the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage.days import start_of
from storage.models import Person, Question, QuestionVote, ToolRequest, ToolRequester, Win


@dataclass
class Tally:
    """How many times something happened, and to how many different people."""

    times: int = 0
    people: set = field(default_factory=set)

    def add(self, person: int | None) -> None:
        self.times += 1
        if person is not None:  # a deleted person's questions are not one more person
            self.people.add(person)

    @property
    def persons(self) -> int:
        return len(self.people)


@dataclass
class QuestionCounts:
    total: int = 0
    people: set = field(default_factory=set)
    by_verdict: Counter = field(default_factory=Counter)
    by_use_case: dict[str, Tally] = field(default_factory=dict)
    by_tool: dict[str, Tally] = field(default_factory=dict)  # listed tools, by id
    by_unknown_tool: dict[str, Tally] = field(default_factory=dict)  # names people typed
    no_tool: int = 0  # questions that named no tool at all
    by_rule: dict[str, Tally] = field(default_factory=dict)
    rule_alternatives: dict[str, Counter] = field(default_factory=dict)  # rule id → alternatives offered
    not_understood: Tally = field(default_factory=Tally)  # aiguide could not tell what was meant
    unhelpful: Tally = field(default_factory=Tally)  # answers voted 👎 in the period
    escalated: Tally = field(default_factory=Tally)  # passed to a human in the period
    it_answered: int = 0
    refused_otherwise: int = (
        0  # refused with none of the red lines given: data above a ceiling, a tool's status
    )
    refused_unrecorded: int = 0  # refused before aiguide recorded the rules behind an answer


def question_counts(
    session: Session, *, start: date, end: date, red_lines: frozenset[str] = frozenset()
) -> QuestionCounts:
    since, until = start_of(start), start_of(end)
    counts = QuestionCounts()
    rows = session.exec(
        select(
            Question.person_id,
            Question.verdict,
            Question.use_case,
            Question.tool_ids,
            Question.unknown_tools,
            Question.rule_ids,
            Question.alternative_ids,
        ).where(Question.asked_at >= since, Question.asked_at < until)
    )
    for person, verdict, use_case, tool_ids, unknown, rule_ids, alternatives in rows:
        counts.total += 1
        counts.people.add(person)
        counts.by_verdict[verdict] += 1
        if person is None:
            counts.people.discard(None)
        if verdict == "no_match":
            counts.not_understood.add(person)
        if use_case:
            counts.by_use_case.setdefault(use_case, Tally()).add(person)
        for tool in tool_ids or ():
            counts.by_tool.setdefault(tool, Tally()).add(person)
        for name in unknown or ():
            counts.by_unknown_tool.setdefault(name, Tally()).add(person)
        if not tool_ids and not unknown:
            counts.no_tool += 1
        if verdict == "not_allowed" and rule_ids is None:
            counts.refused_unrecorded += 1
        elif verdict == "not_allowed" and not red_lines.intersection(rule_ids):
            counts.refused_otherwise += 1
        for rule in rule_ids or ():
            counts.by_rule.setdefault(rule, Tally()).add(person)
            counts.rule_alternatives.setdefault(rule, Counter()).update(alternatives or ())
    for person in session.exec(
        select(QuestionVote.person_id).where(
            col(QuestionVote.helpful).is_(False),
            QuestionVote.voted_at >= since,
            QuestionVote.voted_at < until,
        )
    ).all():
        counts.unhelpful.add(person)
    for person, answered in session.exec(
        select(Question.person_id, Question.it_answered_at).where(
            col(Question.escalated_at) >= since, col(Question.escalated_at) < until
        )
    ):
        counts.escalated.add(person)
        counts.it_answered += answered is not None
    return counts


@dataclass(frozen=True)
class WinGroup:
    wins: int
    minutes: int
    people: int


@dataclass(frozen=True)
class WinCounts:
    total: WinGroup
    by_use_case: dict[str, WinGroup]
    by_tool: dict[str, WinGroup]  # listed tools by id; "" for wins with no listed tool
    by_tool_name: dict[str, WinGroup]  # by the tool's name as people typed it
    # The tool's status when the win was logged; "unlisted" for a tool not on the list, "none" for no tool.
    by_status: dict[str, WinGroup]
    by_outcome: dict[str, WinGroup]


def win_counts(session: Session, *, start: date, end: date) -> WinCounts:
    period = (Win.occurred_on >= start, Win.occurred_on < end)
    sums = (
        func.count(col(Win.id)),
        func.coalesce(func.sum(Win.minutes), 0),
        func.count(func.distinct(Win.person_id)),
    )

    def grouped(column) -> dict[str, WinGroup]:
        rows = session.exec(select(column, *sums).where(*period).group_by(column))
        return {key or "": WinGroup(int(n), int(m), int(p)) for key, n, m, p in rows}

    n, m, p = session.exec(select(*sums).where(*period)).one()
    status = case(
        (col(Win.tool_name) == "", "none"),
        (col(Win.tool_known).is_(True) & col(Win.tool_status).is_not(None), Win.tool_status),
        else_="unlisted",
    )
    by_status = grouped(status)
    return WinCounts(
        total=WinGroup(int(n), int(m), int(p)),
        by_use_case=grouped(Win.use_case),
        by_tool=grouped(Win.tool_id),
        by_tool_name=grouped(Win.tool_name),
        by_status=by_status,
        by_outcome=grouped(Win.outcome_category),
    )


@dataclass(frozen=True)
class Quote:
    person: str
    minutes: int
    tool: str
    outcome: str


def shared_outcomes(session: Session, *, start: date, end: date, limit: int = 3) -> list[Quote]:
    """Outcomes their authors chose to share (the only wins the report may name), the largest first."""
    rows = session.exec(
        select(Win, Person)
        .join(Person, col(Win.person_id) == col(Person.id))
        .where(
            Win.occurred_on >= start,
            Win.occurred_on < end,
            col(Win.share).is_(True),
            col(Win.outcome).is_not(None),
        )
        .order_by(col(Win.minutes).desc(), col(Win.id))
        .limit(limit)
    )
    return [Quote(p.display_name or p.pseudonym, w.minutes, w.tool_name, w.outcome or "") for w, p in rows]


@dataclass(frozen=True)
class Pilot:
    tool_name: str
    tool_id: str | None
    group: str
    decided_at: datetime | None


def pilot_decisions(session: Session, *, end: date) -> list[Pilot]:
    """Pilots IT decided up to `end`, newest first, published to the knowledge base or not."""
    rows = session.exec(
        select(ToolRequest)
        .where(
            ToolRequest.decision == "pilot",
            ToolRequest.status == "decided",  # once published, the knowledge base lists the pilot
            col(ToolRequest.decided_at) < start_of(end),
        )
        .order_by(col(ToolRequest.decided_at).desc())
    )
    return [Pilot(r.tool_name, r.tool_id, r.pilot_group or "", r.decided_at) for r in rows]


def requesters_by_tool(session: Session) -> dict[str, int]:
    """People who asked IT to review each tool (by the request's normalised name), any state."""
    rows = session.exec(
        select(ToolRequest.tool_key, func.count(func.distinct(ToolRequester.person_id)))
        .join(ToolRequester, col(ToolRequester.tool_request_id) == col(ToolRequest.id))
        .group_by(ToolRequest.tool_key)
    )
    return {key: int(n) for key, n in rows}
