"""`request` asks IT to review a tool; `requests` shows what people are waiting for."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session

from handlers import reviews
from handlers.command_words import REQUEST_EXAMPLE as EXAMPLE
from handlers.model import Fact, Reply, Request, Section, Status
from handlers.redaction import redact
from handlers.services import Services
from handlers.win_parse import find_tool
from knowledge.phrases import compact
from storage import tool_requests

_BECAUSE = re.compile(r"\s*(?:\bbecause\b|\bsince\b|\s[-–—]\s|:)\s*", re.IGNORECASE)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


async def handle(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    name, reason = _split(request.text)
    if not name:
        return Reply(
            status=Status.INFO,
            headline="Which tool should IT review?",
            sections=(Section(text=f"For example: `{EXAMPLE}`"),),
        )
    if len(name) > 200 or len(reason) > 2000:
        return Reply(
            status=Status.ERROR,
            headline="That is too long to file. Name the tool and give a reason in a sentence or two.",
        )
    tool_id, tool_name, known, status = find_tool(name, kb)
    if known and status == "approved":
        tool = kb.tool[tool_id or ""]
        return Reply(
            status=Status.INFO,
            headline=f"{tool.name} is already approved; no review needed.",
            sections=(Section(facts=(Fact("How to get it", tool.access or f"Ask {kb.policy.contact}."),)),),
        )
    display = tool_name or name
    key = tool_id or compact(display)

    def work(session: Session) -> tool_requests.RequestOutcome:
        person = services.person(session, request.actor, request.platform)
        return tool_requests.request_review(
            session,
            request_id=request.request_id,
            tool_key=key,
            tool_name=display,
            tool_id=tool_id,
            person_id=person.id or 0,
            reason=redact(reason),
        )

    outcome = await services.transaction(work)
    count = outcome.requesters
    for_it = None
    if outcome.answered:
        who = request.actor.display_name or request.actor.user_id
        answer = Reply(
            status=Status.INFO,
            headline=f"{who} answered about {display}",
            sections=(Section(text=f"“{redact(reason)[:1000]}”"),),
        )
        return Reply(
            status=Status.SUCCESS,
            headline=f"Thanks: your answer about {display} is with IT.",
            sections=(Section(text="You will hear from me when IT decides."),),
            escalation=answer,
        )
    if not outcome.already_asked:
        for_it = await _for_it(outcome, request, services, reason)
    if outcome.already_asked:
        headline = f"You have already asked for a review of {display}; {count} {'person has' if count == 1 else 'people have'} asked so far."
    elif outcome.new_request:
        headline = f"Thanks: IT will review {display}. You are the first to ask."
    else:
        headline = f"Thanks: added your voice to the review of {display}. You are the {_ordinal(count)} person to ask."
    sections = []
    if not reason:
        sections.append(
            Section(
                text=f"Tell IT why it would help, it speeds the review up: `request {display} because ...`"
            )
        )
    sections.append(
        Section(text=f"IT answers in {kb.policy.contact}. Until then, ask me what to use instead.")
    )
    return Reply(status=Status.SUCCESS, headline=headline, sections=tuple(sections), escalation=for_it)


async def _for_it(outcome: tool_requests.RequestOutcome, request: Request, services: Services, reason: str):
    """The card for IT when a request opens; a line when someone joins it."""
    found = outcome.request
    if not outcome.new_request:
        who = request.actor.display_name or request.actor.user_id
        return reviews.joined_note(found, who, redact(reason), outcome.requesters)
    since = services.clock() - timedelta(days=30)
    await services.questions_written()  # the question that led here may still be queued

    def gather(session: Session):
        asking = [
            (p.display_name or p.user_id, r.reason)
            for r, p in tool_requests.people_asking(session, found.id or 0)
        ]
        return asking, tool_requests.questions_about(session, found, since=since)

    asking, questions = await services.transaction(gather)
    return reviews.it_card(found, asking, questions, services.knowledge)


def _split(text: str) -> tuple[str, str]:
    """'DeepSeek because it reads PDFs' → ('DeepSeek', 'it reads PDFs')."""
    parts = _BECAUSE.split(text.strip(), maxsplit=1)
    name = parts[0].strip().strip("\"'“”")
    return name, parts[1].strip() if len(parts) > 1 else ""


async def list_open(request: Request, services: Services) -> Reply:
    rows = await services.transaction(lambda session: tool_requests.open_requests(session))
    if not rows:
        return Reply(
            status=Status.INFO,
            headline="No open tool-review requests.",
            sections=(Section(text=f"Ask for one: `{EXAMPLE}`"),),
        )
    facts = []
    for row in rows:
        people = f"{row.requesters} {'person' if row.requesters == 1 else 'people'}"
        detail = f"{people} · open since {row.request.created_at.date().isoformat()}"
        if row.reasons:
            detail += " · “" + "”; “".join(r[:140] for r in row.reasons[:3]) + "”"
        facts.append(Fact(row.request.tool_name, detail))
    return Reply(
        status=Status.INFO,
        headline=f"{len(rows)} open tool-review request{'s' if len(rows) != 1 else ''}, most wanted first",
        sections=(Section(facts=tuple(facts)),),
    )


async def withdraw(request: Request, services: Services) -> Reply:
    """`withdraw TOOL`: takes back your request; with nobody left asking, the review is withdrawn."""
    name = request.text.strip().strip("\"'“”")
    if not name:
        return Reply(
            status=Status.INFO, headline="Which request do you take back? For example: `withdraw DeepSeek`"
        )
    tool_id, tool_name, _, _ = find_tool(name, services.knowledge)
    display = tool_name or name
    key = tool_id or compact(display)

    def work(session: Session) -> int | str | None:
        found = tool_requests.active(session, tool_key=key)
        if found is None:
            return "question"  # nobody asked for it: "withdraw consent in ChatGPT" is a question
        person = services.person(session, request.actor, request.platform)
        mine = [r for r in tool_requests.requesters(session, found.id or 0) if r.person_id == person.id]
        if not mine:
            return None
        return tool_requests.withdraw(session, found, person_id=person.id or 0, when=services.clock())

    left = await services.transaction(work)
    if left == "question":
        from handlers import ask

        return await ask.answer(replace(request, command="ask", text=f"withdraw {request.text}"), services)
    if left is None:
        return Reply(status=Status.INFO, headline=f"You have no open request for {display}.")
    if left == 0:
        return Reply(
            status=Status.SUCCESS,
            headline=f"Withdrawn: IT will not review {display} unless someone asks again.",
        )
    return Reply(
        status=Status.SUCCESS,
        headline=f"Took your name off the review of {display}; {left} {'person still asks' if left == 1 else 'people still ask'}.",
    )
