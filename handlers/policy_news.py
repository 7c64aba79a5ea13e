"""Policy changes in chat: the announcement of a new version, the notice to IT of a change that was not
loaded, and the admins' `reload` command."""

from __future__ import annotations

from handlers.model import Action, Reply, Request, Section, Status, Visibility
from handlers.services import Services
from knowledge import KnowledgeBase
from knowledge.changes import Reload

MAX_LISTED = 15  # a long change list is cut, with a pointer to the rest, so the message stays readable


def announcement(kb: KnowledgeBase, previous: str, changes: list[str] | tuple[str, ...]) -> Reply:
    """For the channels IT chose: what is different for employees, in plain words."""
    return Reply(
        status=Status.INFO,
        visibility=Visibility.PUBLIC,
        headline=f"The AI tools policy at {kb.policy.organization} changed (version {kb.policy.version})",
        sections=(Section(text=f"What is different since version {previous}:", bullets=_listed(changes)),),
        actions=(Action("See the approved tools", "tools", ""),),
        footer=f"Ask me before you use a tool for something new · Questions: {kb.policy.contact}",
    )


def rejected(kb: KnowledgeBase, problems: list[str] | tuple[str, ...]) -> Reply:
    """For IT: a change to the knowledge base that was not loaded, and why."""
    count = len(problems)
    return Reply(
        status=Status.ERROR,
        headline=f"A knowledge-base change was not loaded: {count} problem{'s' * (count != 1)}",
        sections=(
            Section(bullets=_listed(problems)),
            Section(
                text=f"Policy {kb.policy.version} goes on answering. Fix the files and save them again; "
                "`aiguide kb validate DIR` lists the same problems."
            ),
        ),
        footer=f"Policy {kb.policy.version}",
    )


def _listed(lines: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    if len(lines) <= MAX_LISTED:
        return tuple(lines)
    return (*lines[:MAX_LISTED], f"… and {len(lines) - MAX_LISTED} more")


def reload_reply(kb: KnowledgeBase, result: Reload) -> Reply:
    if result.outcome == "rejected":
        return rejected(kb, result.problems)
    if result.outcome == "unchanged":
        return Reply(
            status=Status.INFO,
            headline=f"The knowledge-base files are as loaded: policy {result.version} is serving.",
        )
    moved = (
        f"policy {result.previous} → {result.version}"
        if result.previous != result.version
        else f"policy {result.version} (the version was not changed; raise `version` so answers show "
        "which policy they rest on)"
    )
    return Reply(
        status=Status.SUCCESS,
        headline=f"Reloaded the knowledge base: {moved}",
        sections=(Section(bullets=_listed(result.changes or ("No tool or rule changed.",))),),
    )


async def handle(request: Request, services: Services) -> Reply:
    """`reload`: read the knowledge-base files again now (admins)."""
    if services.reload_knowledge is None:
        return Reply(
            status=Status.INFO,
            headline="This session reads the knowledge base when it starts; start it again to load changes.",
        )
    result = await services.reload_knowledge(f"asked by {request.actor.user_id}")
    return reload_reply(services.knowledge, result)
