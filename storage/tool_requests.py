"""Requests for IT to review a tool: one open request per tool, with everyone who asked for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import now
from storage.models import ToolRequest, ToolRequester


@dataclass(frozen=True)
class RequestOutcome:
    request: ToolRequest
    new_request: bool  # False: joined an open request for the same tool
    already_asked: bool  # this person had asked before
    requesters: int


def request_review(
    session: Session,
    *,
    request_id: str,
    tool_key: str,
    tool_name: str,
    tool_id: str | None,
    person_id: int,
    reason: str = "",
) -> RequestOutcome:
    existing = session.exec(select(ToolRequester).where(ToolRequester.request_id == request_id)).first()
    if existing is not None:  # a retried event: report what the first delivery did
        request = session.get(ToolRequest, existing.tool_request_id)
        assert request is not None
        return RequestOutcome(request, False, True, _count(session, request.id))
    request, created = _open_request(session, tool_key=tool_key, tool_name=tool_name, tool_id=tool_id)
    mine = session.exec(
        select(ToolRequester).where(
            ToolRequester.tool_request_id == request.id, ToolRequester.person_id == person_id
        )
    ).first()
    if mine is not None:
        if reason and not mine.reason:
            mine.reason = reason[:2000]
            session.add(mine)
        return RequestOutcome(request, False, True, _count(session, request.id))
    requester = ToolRequester(
        request_id=request_id,
        tool_request_id=request.id,
        person_id=person_id,
        reason=reason[:2000],
        created_at=now(session),
    )
    try:
        with session.begin_nested():
            session.add(requester)
            session.flush()
    except IntegrityError:
        return RequestOutcome(request, False, True, _count(session, request.id))
    return RequestOutcome(request, created, False, _count(session, request.id))


def _open_request(
    session: Session, *, tool_key: str, tool_name: str, tool_id: str | None
) -> tuple[ToolRequest, bool]:
    query = select(ToolRequest).where(ToolRequest.tool_key == tool_key, ToolRequest.status == "open")
    request = session.exec(query).first()
    if request is not None:
        return request, False
    request = ToolRequest(
        tool_key=tool_key, tool_name=tool_name[:200], tool_id=tool_id, created_at=now(session)
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # The partial unique index lost us the race: someone opened it a moment ago.
        request = session.exec(query).one()
        return request, False
    return request, True


def _count(session: Session, tool_request_id: int | None) -> int:
    query = select(func.count(col(ToolRequester.id))).where(ToolRequester.tool_request_id == tool_request_id)
    return int(session.exec(query).one())


@dataclass(frozen=True)
class OpenRequest:
    request: ToolRequest
    requesters: int
    reasons: tuple[str, ...]


def open_requests(session: Session) -> list[OpenRequest]:
    """Open requests, most-wanted first."""
    # Two queries whatever the number of requests: the requests, then everyone who asked for them.
    requests = list(session.exec(select(ToolRequest).where(ToolRequest.status == "open")))
    askers = session.exec(
        select(ToolRequester.tool_request_id, ToolRequester.reason)
        .join(ToolRequest, col(ToolRequest.id) == col(ToolRequester.tool_request_id))
        .where(ToolRequest.status == "open")
        .order_by(col(ToolRequester.id))
    )
    counts: dict[int, int] = {}
    reasons: dict[int, list[str]] = {}
    for request_id, reason in askers:
        counts[request_id] = counts.get(request_id, 0) + 1
        if reason:
            reasons.setdefault(request_id, []).append(reason)
    result = [OpenRequest(r, counts.get(r.id or 0, 0), tuple(reasons.get(r.id or 0, ()))) for r in requests]
    return sorted(result, key=lambda r: (-r.requesters, r.request.created_at, r.request.id or 0))


def close_request(
    session: Session, *, tool_request_id: int, when: datetime | None = None
) -> ToolRequest | None:
    request = session.get(ToolRequest, tool_request_id)
    if request is None or request.status != "open":
        return None
    request.status = "closed"
    request.closed_at = when or now(session)
    session.add(request)
    session.flush()
    return request


def purge_closed_requests(session: Session, *, before: datetime) -> int:
    result = session.exec(  # type: ignore[call-overload]
        delete(ToolRequest).where(ToolRequest.status == "closed", col(ToolRequest.closed_at) < before)
    )
    return int(result.rowcount or 0)
