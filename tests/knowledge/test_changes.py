"""What an announcement of a new policy version says changed, and the admins' `reload` command."""

from __future__ import annotations

from dataclasses import replace

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from knowledge.changes import Reload, describe, summary

ADMIN = Actor(user_id="U_ADMIN")
ADDRESS = Address(platform=Platform.CONSOLE, channel="test")


def _with_tool(kb, tool_id: str, **changes):
    return replace(kb, tools=tuple(t.model_copy(update=changes) if t.id == tool_id else t for t in kb.tools))


def test_every_change_an_employee_would_notice_is_one_plain_sentence(kb):
    chatgpt = kb.tool["chatgpt-enterprise"]
    new = _with_tool(kb, "grammarly", status="under_review")
    new = _with_tool(new, "chatgpt-enterprise", max_data="internal", available_to=("engineering",))
    new = replace(new, tools=tuple(t for t in new.tools if t.id != "otter"))
    new = replace(
        new, tools=(*new.tools, chatgpt.model_copy(update={"id": "acme-writer", "name": "Acme Writer"}))
    )
    first, *others = kb.rules
    new = replace(new, rules=(first.model_copy(update={"text": "Never paste any secret."}), *others[1:]))
    lines = describe(summary(kb), summary(new))
    assert lines == [
        f"New: Acme Writer, approved, up to {kb.data_name(chatgpt.max_data)} information.",
        "Removed from the list: Otter.ai.",
        f"{chatgpt.name} now takes up to Internal information (was up to {kb.data_name(chatgpt.max_data)} information).",
        f"{chatgpt.name} is now for engineering (was everyone).",
        "Grammarly Business is now under review (was approved).",
        "Rule changed: Never paste any secret.",
        f"Rule removed: {others[0].text}",
    ]
    assert describe(summary(kb), summary(kb)) == []


async def test_reload_is_for_admins_and_says_what_it_did(services):
    router = build_router()
    ask = Request(platform=Platform.CONSOLE, actor=Actor(user_id="U1"), address=ADDRESS, text="reload")
    refused = await router.dispatch(ask, services)
    assert "admin" in refused.headline.lower()

    as_admin = replace(ask, actor=ADMIN)
    assert "start it again" in (await router.dispatch(as_admin, services)).headline

    async def reload(reason: str) -> Reload:
        assert "U_ADMIN" in reason
        return Reload(
            "changed", "2026.12", "2026.11", ("Grammarly Business is now under review (was approved).",)
        )

    services.reload_knowledge = reload
    reply = await router.dispatch(as_admin, services)
    assert reply.status == Status.SUCCESS and "2026.11 → 2026.12" in reply.headline
    assert reply.sections[0].bullets == ("Grammarly Business is now under review (was approved).",)

    async def broken(reason: str) -> Reload:
        return Reload("rejected", "2026.11", "2026.11", problems=("tools.yaml:4: tools[0].status: ...",))

    services.reload_knowledge = broken
    reply = await router.dispatch(as_admin, services)
    assert reply.status == Status.ERROR and "not loaded: 1 problem" in reply.headline
    assert reply.sections[0].bullets == ("tools.yaml:4: tools[0].status: ...",)
