"""Rows for the leaders' spreadsheets, in their stored types (dates, numbers, lists). A person is named
only where they consented; else a pseudonym."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.days import start_of
from storage.models import Person, Question, ToolRequest, ToolRequester, Win

WIN_COLUMNS = (
    "id", "date", "person", "department", "minutes", "tool", "tool_id", "tool_known", "tool_status", "use_case",
    "task", "outcome_category", "outcome", "shared",
)  # fmt: skip
QUESTION_COLUMNS = (
    "id", "asked_at", "person", "department", "platform", "verdict", "tool_ids", "unknown_tools", "data_class",
    "use_case", "text",
)  # fmt: skip
REQUEST_COLUMNS = (
    "id", "tool", "tool_id", "status", "decision", "opened_at", "decided_at", "decided_by", "closed_at", "requesters",
    "people", "reasons",
)  # fmt: skip


def win_rows(session: Session, *, since: date) -> list[dict]:
    query = (
        select(Win, Person).join(Person, col(Win.person_id) == col(Person.id)).where(Win.occurred_on >= since)
    ).order_by(col(Win.occurred_on), col(Win.id))
    return [
        {
            "id": win.id,
            "date": win.occurred_on,
            "person": person.display_name if win.share and person.display_name else person.pseudonym,
            "department": win.department or "",
            "minutes": win.minutes,
            "tool": win.tool_name,
            "tool_id": win.tool_id or "",
            "tool_known": win.tool_known,
            "tool_status": win.tool_status or "",
            "use_case": win.use_case or "",
            "task": win.task,
            "outcome_category": win.outcome_category or "",
            "outcome": win.outcome or "",
            "shared": win.share,
            "_person": person.id,  # one person under a name and a pseudonym is still one person
        }
        for win, person in session.exec(query)
    ]


def question_rows(session: Session, *, since: date) -> list[dict]:
    query = (
        select(Question, Person)
        .join(Person, col(Question.person_id) == col(Person.id), isouter=True)
        .where(Question.asked_at >= start_of(since))
        .order_by(col(Question.asked_at), col(Question.id))
    )
    return [
        {
            "id": q.id,
            "asked_at": q.asked_at,
            "person": person.pseudonym if person else "",
            "department": q.department or "",
            "platform": q.platform,
            "verdict": q.verdict,
            "tool_ids": list(q.tool_ids),
            "unknown_tools": list(q.unknown_tools),
            "data_class": q.data_class or "",
            "use_case": q.use_case or "",
            "text": q.text or "",
        }
        for q, person in session.exec(query)
    ]


def request_rows(session: Session, *, since: date) -> list[dict]:
    requests = session.exec(
        select(ToolRequest).where(ToolRequest.created_at >= start_of(since)).order_by(col(ToolRequest.id))
    )
    rows = []
    for request in requests:
        askers = session.exec(
            select(ToolRequester, Person)
            .join(Person, col(ToolRequester.person_id) == col(Person.id))
            .where(ToolRequester.tool_request_id == request.id)
            .order_by(col(ToolRequester.id))
        ).all()
        rows.append(
            {
                "id": request.id,
                "tool": request.tool_name,
                "tool_id": request.tool_id or "",
                "status": request.status,
                "decision": request.decision or "",
                "opened_at": request.created_at,
                "decided_at": request.decided_at,
                "decided_by": request.decided_by,
                "closed_at": request.closed_at,
                "requesters": len(askers),
                "people": ", ".join(p.pseudonym for _, p in askers),
                "reasons": " | ".join(r.reason for r, _ in askers if r.reason),
            }
        )
    return rows
