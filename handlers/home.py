"""`home`: the personal start page (Slack's App Home): what I may use, my wins, how to ask."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from handlers.me import quarter_start
from handlers.model import Action, Fact, Reply, Request, Section, Status
from handlers.services import Services
from knowledge.base import USABLE_STATUSES
from knowledge.policy import Situation, Verdict, decide
from storage import wins


async def handle(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    asker = services.asker(request.actor)
    facts = []
    # Most sensitive first: the question people get wrong is "may this data go in?".
    for data_class in reversed(kb.data_classes):
        situation = Situation(data_classes=(data_class.id,), asker=asker)
        fine, conditional = [], []
        for tool in kb.tools:
            if tool.status not in USABLE_STATUSES:
                continue
            verdict = decide(kb, tool, situation).verdict
            if verdict == Verdict.ALLOWED:
                fine.append(tool.name)
            elif verdict == Verdict.CONDITIONAL:
                conditional.append(tool.name)
        value = ", ".join(fine) or "no tool"
        if conditional:
            value += f" · with conditions: {', '.join(conditional)}"
        facts.append(Fact(f"{data_class.name} information", value))
    sections = [Section(title="What you may use", facts=tuple(facts))]
    if services.database is not None:
        today = services.today()

        def work(session: Session) -> wins.Totals:
            person = services.person(session, request.actor, request.platform)
            return wins.person_totals(
                session, person_id=person.id or 0, start=quarter_start(today), end=today + timedelta(days=1)
            )

        totals = await services.transaction(work)
        sections.append(
            Section(
                title="Your wins this quarter",
                text=f"{totals.wins} win{'s' if totals.wins != 1 else ''}, {totals.minutes / 60:.1f} h saved. "
                "Log one with `win 45m what you did -> what it led to`.",
            )
        )
    if services.tools_url:
        sections.append(
            Section(
                title="Every approved tool",
                text=f"Which tool may take which information: {services.tools_url}",
            )
        )
    sections.append(
        Section(
            title="How to ask",
            text="Send me a message or mention me, in your own words:",
            bullets=(
                "can I paste a client contract into ChatGPT?",
                "what can I use to summarize meeting notes?",
            ),
        )
    )
    return Reply(
        status=Status.INFO,
        headline=f"AI tools at {kb.policy.organization}",
        actions=(
            Action("Log an AI win", "win", "", style="primary"),
            Action("Ask about a tool", "question", ""),
        ),
        sections=tuple(sections),
        footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
    )
