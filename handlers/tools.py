"""`tools`: the approved-tools list, or everything about one tool."""

from __future__ import annotations

from handlers import ask
from handlers.model import Fact, Reply, Request, Section, Status, Visibility
from handlers.services import Services
from handlers.tool_list import STATUS_LABEL, overview
from knowledge import KnowledgeBase
from knowledge.model import Tool
from knowledge.understand import understand


async def handle(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    query = request.text.strip()
    if query:
        tools = _named(kb, query)
        if not tools:
            # "tools for coding" is a question about which tool to use: answer it as one.
            return await ask.handle(request, services)
        return Reply(
            status=Status.INFO,
            visibility=Visibility.PUBLIC,
            headline=f"What the policy says about {' and '.join(t.name for t in tools)}",
            sections=tuple(_detail(kb, t) for t in tools),
            footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
        )
    return overview(kb)


def _named(kb: KnowledgeBase, query: str) -> list[Tool]:
    ids = {tool_id for mention in understand(query, kb.indexes).tools for tool_id in mention.tool_ids}
    return sorted((kb.tool[i] for i in ids), key=lambda t: kb.tool_order[t.id])


def _detail(kb: KnowledgeBase, tool: Tool) -> Section:
    facts = [Fact("Status", STATUS_LABEL[tool.status])]
    if tool.edition:
        facts.append(Fact("Edition", tool.edition))
    facts.append(Fact("Data allowed", kb.ceiling(tool.max_data)))
    facts += [Fact(f"{kb.data_name(c.data)} data", c.text) for c in tool.conditions]
    if tool.good_for:
        facts.append(Fact("Good for", ", ".join(kb.use_case[u].name for u in tool.good_for)))
    facts += [Fact(f"Not for {kb.use_case[n.use_case].name.lower()}", n.reason) for n in tool.not_for]
    if tool.available_to != "everyone":
        facts.append(Fact("Who may use it", ", ".join(tool.available_to)))
    if tool.access:
        facts.append(Fact("How to get it", tool.access))
    if tool.notes:
        facts.append(Fact("Note", tool.notes))
    return Section(title=f"{tool.name} ({tool.vendor})" if tool.vendor else tool.name, facts=tuple(facts))
