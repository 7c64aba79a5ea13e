"""`aiguide kb propose`: knowledge-base YAML drafted from IT's review decisions that the knowledge base
does not reflect yet, for IT to read, adjust and commit. aiguide never edits the policy itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import yaml
from sqlmodel import Session

from handlers.reviews import is_published, listed_entry, slug
from handlers.services import Services
from knowledge import KnowledgeBase
from storage import feedback, tool_requests
from storage.models import ToolRequest

STATUS = {"approved": "approved", "pilot": "pilot", "rejected": "not_approved"}


@dataclass(frozen=True)
class Proposal:
    text: str  # the YAML, comments included; "" when there is nothing to propose
    drafted: tuple[str, ...]  # tool names with a new entry
    changed: tuple[str, ...]  # tools already listed whose entry should change (drafted as comments)
    reflected: tuple[str, ...]  # decisions the knowledge base given already says (the server publishes them)


async def propose(services: Services) -> Proposal:
    """Read-only: requests are marked published by the server that answers from the policy, never by a
    draft made against some other copy of it."""
    kb = services.knowledge
    reflected: list[str] = []

    def gather(session: Session):
        decided = tool_requests.decided_unpublished(session)
        reflected.extend(r.tool_name for r in decided if is_published(r, kb))
        waiting = [r for r in decided if not is_published(r, kb)]
        return [
            (
                r,
                [
                    (p.display_name or p.user_id, q.reason, q.created_at)
                    for q, p in tool_requests.people_asking(session, r.id or 0)
                ],
            )
            for r in waiting
        ]

    waiting = await services.transaction(gather)
    since = services.clock() - timedelta(days=30)
    answered = await services.transaction(lambda s: feedback.answered_escalations(s, since=since))
    answers = _answer_rules(answered, kb)
    blocks: list[str] = []
    new_groups: list[str] = []
    drafted: list[str] = []
    changed: list[str] = []
    taken = set(kb.tool)
    for request, asking in waiting:
        entry = _entry(request, kb, taken)
        taken.add(entry["id"])
        history = _history(request, asking)
        listed = listed_entry(request, kb)
        if listed is not None:
            changed.append(request.tool_name)
            body = _dump([{**entry, "id": listed.id}])
            blocks.append(
                history
                + f"# {request.tool_name} is listed already as `{listed.id}`: change that entry to\n"
                + "".join(f"# {line}\n" for line in body.splitlines())
            )
            continue
        drafted.append(request.tool_name)
        blocks.append(history + _dump([entry]))
        group = request.pilot_group if request.decision == "pilot" else None
        if group and group not in kb.groups and group not in new_groups:
            new_groups.append(group)
    if not blocks and not answers:
        return Proposal("", (), (), tuple(reflected))
    head = (
        f"# Drafted by `aiguide kb propose` on {services.today().isoformat()} from tool-review decisions\n"
        f"# (policy {kb.policy.version}). Read it, adjust it (conditions, good_for, access), then add it to the\n"
        "# knowledge base: `aiguide kb validate` checks it, and the requesters hear once it is loaded.\n"
    )
    groups = ""
    if new_groups:
        groups = (
            "# Pilot groups not declared yet: who is in them comes from the people file, or list them here.\n"
            + _dump({"groups": {g: [] for g in new_groups}})
        )
    tools = ("tools:\n" + "\n".join(_indent(block) for block in blocks)) if blocks else ""
    return Proposal(head + groups + tools + answers, tuple(drafted), tuple(changed), tuple(reflected))


def _answer_rules(answered, kb: KnowledgeBase) -> str:
    """IT's answers to questions passed to a human, as commented rule drafts: only IT can tell whether
    an answer forbids or requires, and what should trigger it."""
    if not answered:
        return ""
    lines = [
        "",
        "# IT's answers to questions passed to a human (last 30 days). To make one policy, uncomment it,",
        "# choose forbid or require, check its triggers, and move it to your rules file.",
        "# rules:",
    ]
    for question in answered:
        tools = [t for t in question.tool_ids or () if t in kb.tool]
        rule: dict = {"id": f"it-answer-{question.id}", "effect": "require"}
        if tools:
            rule["tools"] = tools
        if question.data_class in kb.data_class:
            rule["data"] = [question.data_class]
        if question.use_case in kb.use_case:
            rule["use_cases"] = [question.use_case]
        if question.text:
            rule["mentions"] = []  # words from the question that should trigger it
        rule["text"] = question.it_answer or ""
        asked = " ".join((question.text or "(question text not kept)").splitlines())
        lines.append(f"#   # asked: {asked[:200]} · answered by {question.it_answered_by or 'IT'}")
        lines += [f"#   {line}" for line in _dump([rule]).splitlines()]
    return "\n".join(lines) + "\n"


def _entry(request: ToolRequest, kb: KnowledgeBase, taken: set[str]) -> dict:
    tool_id = request.tool_id if request.tool_id in kb.tool else _free_id(slug(request.tool_name), taken)
    decision = request.decision or "rejected"
    entry: dict = {"id": tool_id, "name": request.tool_name, "status": STATUS[decision]}
    entry["max_data"] = request.ceiling if decision != "rejected" and request.ceiling else "none"
    if decision == "pilot" and request.pilot_group:
        entry["available_to"] = [request.pilot_group]
    if request.alternative and request.alternative in kb.tool:
        entry["alternatives"] = [request.alternative]
    if decision == "rejected":
        entry["access"] = "Not available." + (
            f" Use {kb.tool[request.alternative].name} instead." if request.alternative in kb.tool else ""
        )
    else:
        entry["access"] = f"Ask {kb.policy.contact} for access."
    if request.note:
        entry["notes"] = request.note
    return entry


def _free_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _history(request: ToolRequest, asking: list[tuple[str, str, object]]) -> str:
    decided = request.decided_at.date().isoformat() if request.decided_at else "?"
    lines = [
        f"{request.tool_name}: requested {request.created_at.date().isoformat()} by {len(asking)} "
        f"{'person' if len(asking) == 1 else 'people'}; {request.decision} on {decided} by {request.decided_by or 'IT'}"
    ]
    lines += [f"  {name}: {reason}" for name, reason, _ in asking[:5] if reason]
    return "".join(f"# {' '.join(line.splitlines())}\n" for line in lines)


def _dump(value) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)


def _indent(block: str) -> str:
    return "".join(f"  {line}\n" if line else "\n" for line in block.splitlines())
