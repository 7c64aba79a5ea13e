"""Requests for IT to review a tool: one open request per tool, with everyone who asked for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import now
from storage.models import ACTIVE_REQUEST, Person, ToolRequest, ToolRequester


@dataclass(frozen=True)
class RequestOutcome:
    request: ToolRequest
    new_request: bool  # False: joined an open request for the same tool
    already_asked: bool  # this person had asked before
    requesters: int
    answered: bool = False  # a requester's answer to IT's question (the request is in review)


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
    request, created = open_request(session, tool_key=tool_key, tool_name=tool_name, tool_id=tool_id)
    mine = session.exec(
        select(ToolRequester).where(
            ToolRequester.tool_request_id == request.id, ToolRequester.person_id == person_id
        )
    ).first()
    if mine is not None:
        answered = bool(reason) and request.status == "in_review"
        if reason and (answered or not mine.reason):
            mine.reason = reason[:2000]
            session.add(mine)
        return RequestOutcome(request, False, True, _count(session, request.id), answered=answered)
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


def open_request(
    session: Session, *, tool_key: str, tool_name: str, tool_id: str | None
) -> tuple[ToolRequest, bool]:
    query = select(ToolRequest).where(
        ToolRequest.tool_key == tool_key, col(ToolRequest.status).in_(ACTIVE_REQUEST)
    )
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
    requests = list(session.exec(select(ToolRequest).where(col(ToolRequest.status).in_(ACTIVE_REQUEST))))
    askers = session.exec(
        select(ToolRequester.tool_request_id, ToolRequester.reason)
        .join(ToolRequest, col(ToolRequest.id) == col(ToolRequester.tool_request_id))
        .where(col(ToolRequest.status).in_(ACTIVE_REQUEST))
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
    """Withdraws an active request (everyone who asked took it back)."""
    request = session.get(ToolRequest, tool_request_id)
    if request is None or request.status not in ACTIVE_REQUEST:
        return None
    request.status = "withdrawn"
    request.closed_at = when or now(session)
    session.add(request)
    session.flush()
    return request


def purge_closed_requests(session: Session, *, before: datetime) -> int:
    """Requests withdrawn or published before `before`, with everyone who asked."""
    result = session.exec(  # type: ignore[call-overload]
        delete(ToolRequest).where(
            col(ToolRequest.status).in_(("withdrawn", "published")), col(ToolRequest.closed_at) < before
        )
    )
    return int(result.rowcount or 0)


# --- reviews: what IT decided, and who has been told ---------------------------------------------

DECISIONS = ("approved", "pilot", "rejected")


def active(session: Session, *, tool_key: str) -> ToolRequest | None:
    query = select(ToolRequest).where(
        ToolRequest.tool_key == tool_key, col(ToolRequest.status).in_(ACTIVE_REQUEST)
    )
    return session.exec(query).first()


def by_ref(session: Session, ref: str) -> ToolRequest | None:
    return session.exec(select(ToolRequest).where(ToolRequest.ref == ref)).first()


def latest(session: Session, *, tool_key: str) -> ToolRequest | None:
    """The newest request for the tool, whatever its status."""
    query = select(ToolRequest).where(ToolRequest.tool_key == tool_key)
    return session.exec(
        query.order_by(col(ToolRequest.created_at).desc(), col(ToolRequest.id).desc())
    ).first()


def decide(
    session: Session,
    request: ToolRequest,
    *,
    decision: str,
    by: str,
    note: str,
    when: datetime,
    ceiling: str | None = None,
    pilot_group: str | None = None,
    alternative: str | None = None,
) -> bool:
    """Records IT's decision on a request still open or in review; False when someone decided it first
    (two admins at once: the first one counts). The requesters are told by the review notices."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    values = {
        "status": "decided", "decision": decision, "decided_at": when, "decided_by": by[:200], "note": note[:2000],
        "ceiling": ceiling if decision != "rejected" else None,
        "pilot_group": pilot_group[:200] if pilot_group and decision == "pilot" else None,
        "alternative": alternative,
    }  # fmt: skip
    return _update_active(session, request, values)


def ask_for_more(session: Session, request: ToolRequest, *, by: str, note: str) -> bool:
    """IT needs more information: the request is in review, and its requesters are asked `note`."""
    if not _update_active(
        session, request, {"status": "in_review", "decided_by": by[:200], "note": note[:2000]}
    ):
        return False
    # Asked again each time IT asks something new.
    for requester in requesters(session, request.id or 0):
        requester.told = None if requester.told == "in_review" else requester.told
        session.add(requester)
    session.flush()
    return True


def _update_active(session: Session, request: ToolRequest, values: dict) -> bool:
    result = session.execute(
        update(ToolRequest)
        .where(col(ToolRequest.id) == request.id, col(ToolRequest.status).in_(ACTIVE_REQUEST))
        .values(**values)
    )
    session.refresh(request)
    return result.rowcount == 1


def withdraw(session: Session, request: ToolRequest, *, person_id: int, when: datetime) -> int:
    """Takes this person's voice off an active request; the requesters left (0: it is withdrawn)."""
    session.exec(  # type: ignore[call-overload]
        delete(ToolRequester).where(
            ToolRequester.tool_request_id == request.id, ToolRequester.person_id == person_id
        )
    )
    left = _count(session, request.id)
    if left == 0:
        request.status = "withdrawn"
        request.closed_at = when
        session.add(request)
    session.flush()
    return left


def requesters(session: Session, tool_request_id: int) -> list[ToolRequester]:
    query = select(ToolRequester).where(ToolRequester.tool_request_id == tool_request_id)
    return list(session.exec(query.order_by(col(ToolRequester.id))))


def people_asking(session: Session, tool_request_id: int) -> list[tuple[ToolRequester, Person]]:
    query = (
        select(ToolRequester, Person)
        .join(Person, col(Person.id) == col(ToolRequester.person_id))
        .where(ToolRequester.tool_request_id == tool_request_id)
        .order_by(col(ToolRequester.id))
    )
    return list(session.exec(query))


# The statuses a requester hears about.
NOTIFIED = ("in_review", "decided", "published")


@dataclass(frozen=True)
class Notice:
    requester_id: int
    status: str
    request: ToolRequest
    person: Person
    reason: str = ""


def notices_due(
    session: Session,
    *,
    person_id: int | None = None,
    platforms: tuple[str, ...] | None = None,
    limit: int = 200,
) -> list[Notice]:
    """Requesters not yet told of their request's current status (in review, decided, published), of
    one person or of people on the given platforms."""
    query = (
        select(ToolRequester, ToolRequest, Person)
        .join(ToolRequest, col(ToolRequest.id) == col(ToolRequester.tool_request_id))
        .join(Person, col(Person.id) == col(ToolRequester.person_id))
        .where(col(ToolRequest.status).in_(NOTIFIED))
        .where((col(ToolRequester.told).is_(None)) | (col(ToolRequester.told) != col(ToolRequest.status)))
    )
    if person_id is not None:
        query = query.where(ToolRequester.person_id == person_id)
    if platforms is not None:
        query = query.where(col(Person.platform).in_(platforms))
    rows = session.exec(query.order_by(col(ToolRequester.id)).limit(limit))
    return [Notice(r.id or 0, q.status, q, p, r.reason) for r, q, p in rows]


def mark_told(session: Session, *, requester_id: int, status: str) -> None:
    requester = session.get(ToolRequester, requester_id)
    if requester is not None:
        requester.told = status
        session.add(requester)
        session.flush()


def decided_unpublished(session: Session) -> list[ToolRequest]:
    query = select(ToolRequest).where(ToolRequest.status == "decided")
    return list(session.exec(query.order_by(col(ToolRequest.decided_at), col(ToolRequest.id))))


def mark_published(session: Session, request: ToolRequest, *, when: datetime) -> None:
    request.status = "published"
    request.published_at = when
    request.closed_at = when
    session.add(request)
    session.flush()


def overdue(session: Session, *, opened_before: datetime) -> list[OpenRequest]:
    """Active requests open since before `opened_before`, most wanted first."""
    return [r for r in open_requests(session) if r.request.created_at < opened_before]


@dataclass(frozen=True)
class ReviewTimes:
    decided: int  # requests decided in the period
    median_days: float | None  # from the first request to the decision
    oldest_open_days: float | None  # the oldest request still waiting, at the end of the period
    oldest_open_tool: str | None


def review_times(session: Session, *, start: datetime, end: datetime) -> ReviewTimes:
    decided = session.exec(
        select(ToolRequest.created_at, ToolRequest.decided_at).where(
            col(ToolRequest.decided_at) >= start, col(ToolRequest.decided_at) < end
        )
    ).all()
    days = sorted((d - c).total_seconds() / 86400 for c, d in decided if d is not None)
    median = None
    if days:
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    oldest = session.exec(
        select(ToolRequest.tool_name, ToolRequest.created_at)
        .where(col(ToolRequest.status).in_(ACTIVE_REQUEST), col(ToolRequest.created_at) < end)
        .order_by(col(ToolRequest.created_at))
    ).first()
    if oldest is None:
        return ReviewTimes(len(days), median, None, None)
    return ReviewTimes(len(days), median, (end - oldest[1]).total_seconds() / 86400, oldest[0])


def questions_about(session: Session, request: ToolRequest, *, since: datetime, limit: int = 3) -> list[str]:
    """The requesters' own recent questions that named the tool: what led them to ask."""
    from storage.models import Question

    people = [r.person_id for r in requesters(session, request.id or 0)]
    if not people:
        return []
    rows = session.exec(
        select(Question.text, Question.tool_ids, Question.unknown_tools)
        .where(col(Question.person_id).in_(people), col(Question.asked_at) >= since)
        .order_by(col(Question.asked_at).desc())
        .limit(500)
    )
    name = request.tool_name.lower()
    found: list[str] = []
    for text, tool_ids, unknown in rows:
        named = (request.tool_id and request.tool_id in (tool_ids or ())) or any(
            name == (u or "").lower() for u in unknown or ()
        )
        if named and text and text not in found:
            found.append(text)
            if len(found) == limit:
                break
    return found


def card_posted(session: Session, *, ref: str, where: str) -> None:
    """The first card posted for a review is the one its decision changes."""
    found = by_ref(session, ref=ref)
    if found is not None and not found.it_message:
        found.it_message = where[:200]
