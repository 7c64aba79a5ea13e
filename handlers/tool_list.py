"""The approved-tools list, by status: what `tools` and "what can I use?" answer."""

from __future__ import annotations

from handlers.model import Fact, Reply, Section, Status, Visibility
from knowledge import KnowledgeBase
from knowledge.model import Tool

STATUS_LABEL = {
    "approved": "Approved",
    "limited": "Approved for some uses or people",
    "pilot": "Pilot",
    "under_review": "Under review",
    "not_approved": "Not approved",
}


def overview(kb: KnowledgeBase) -> Reply:
    sections = []
    for status, label in STATUS_LABEL.items():
        facts = tuple(
            Fact(t.name, kb.ceiling(t.max_data) + audience(t)) for t in kb.tools if t.status == status
        )
        if facts:
            sections.append(Section(title=label, facts=facts))
    return Reply(
        status=Status.INFO,
        visibility=Visibility.PUBLIC,
        headline=f"AI tools at {kb.policy.organization}",
        sections=tuple(sections),
        footer=f"Type `tools NAME` for details · Policy {kb.policy.version}",
    )


def audience(tool: Tool) -> str:
    return "" if tool.available_to == "everyone" else f" · only for {', '.join(tool.available_to)}"
