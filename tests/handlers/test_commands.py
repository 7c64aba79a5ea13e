"""The command registry, routing, help and the tools listing."""

from __future__ import annotations

import pytest

from handlers.commands import build_registry, build_router
from handlers.model import Action, Actor, Address, Platform, Reply, Request, Status
from handlers.registry import CommandSpec, DuplicateCommandError, Registry
from handlers.router import Router

ACTOR = Actor(user_id="U1")
ADDRESS = Address(platform=Platform.CONSOLE, channel="test")


def request(text: str = "", command: str | None = None) -> Request:
    return Request(platform=Platform.CONSOLE, actor=ACTOR, address=ADDRESS, text=text, command=command)


async def noop(request, services):
    return Reply(status=Status.INFO, headline=request.text)


def test_registry_refuses_a_taken_word():
    registry = build_registry()
    with pytest.raises(DuplicateCommandError, match="already taken by 'tools'"):
        registry.register(CommandSpec(name="toolbox", handler=noop, summary="", usage="", aliases=("tools",)))


@pytest.mark.parametrize(
    ("text", "command", "routed_text"),
    [
        ("tools", "tools", ""),
        ("Tools copilot", "tools", "copilot"),
        ("help", "help", ""),
        ("help?", "help", ""),
        ("ask can I use Gemini?", "ask", "can I use Gemini?"),
        ("can I use Gemini?", "ask", "can I use Gemini?"),
    ],
)
def test_router_picks_the_command_word_or_falls_back_to_ask(text, command, routed_text):
    spec, routed = build_router().resolve(request(text))
    assert (spec.name, routed.command, routed.text) == (command, command, routed_text)


def test_platform_named_command_wins_over_text():
    spec, routed = build_router().resolve(request("copilot", command="tools"))
    assert spec.name == "tools" and routed.text == "copilot"


async def test_help_lists_what_the_asker_may_type(services):
    reply = await build_router().dispatch(request("help"), services)
    assert [s.title for s in reply.sections] == [
        "ask QUESTION (or just type the question)", "tools [NAME]",
        "win 45m WHAT YOU DID [with TOOL] -> WHAT IT LED TO", "me [department NAME | reminders on|off | days off fri]",
        "request TOOL because REASON", "requests", "withdraw TOOL", "help",
    ]  # fmt: skip
    assert "Brightline Partners" in reply.headline
    admin = Request(platform=Platform.CONSOLE, actor=Actor(user_id="U_ADMIN"), address=ADDRESS, text="help")
    admin_titles = [s.title for s in (await build_router().dispatch(admin, services)).sections]
    assert "digest [it] [2026-W47]" in admin_titles and any(t.startswith("decide TOOL") for t in admin_titles)


async def test_tools_lists_every_tool_grouped_by_status(services, kb):
    reply = await build_router().dispatch(request("tools"), services)
    listed = [f.label for s in reply.sections for f in s.facts]
    assert sorted(listed) == sorted(t.name for t in kb.tools)
    assert reply.sections[0].title == "Approved"
    otter = next(f for s in reply.sections for f in s.facts if f.label == "Otter.ai")
    assert otter.value == "no company information at all"


async def test_tools_detail_for_a_shared_alias_shows_both_editions(services):
    reply = await build_router().dispatch(request("tools copilot"), services)
    assert [s.title for s in reply.sections] == [
        "Microsoft 365 Copilot (Microsoft)",
        "Microsoft Copilot (personal account) (Microsoft)",
    ]


async def test_tools_with_a_task_instead_of_a_name_recommends(services):
    reply = await build_router().dispatch(request("tools for meeting notes"), services)
    assert reply.headline.startswith("For meeting notes")


async def test_a_failing_handler_still_answers(services, caplog):
    async def broken(request, services):
        raise RuntimeError("boom")

    registry = Registry()
    registry.register(CommandSpec(name="ask", handler=broken, summary="", usage=""))
    reply = await Router(registry).dispatch(request("anything"), services)
    assert reply.status == Status.ERROR
    assert reply.headline == "Sorry, something went wrong while answering that."
    assert "boom" in caplog.text


async def test_admin_only_commands_refuse_politely(services):
    registry = Registry()
    registry.register(CommandSpec(name="ask", handler=noop, summary="", usage=""))
    registry.register(CommandSpec(name="digest", handler=noop, summary="", usage="", admin_only=True))
    router = Router(registry)
    refused = await router.dispatch(request("digest now"), services)
    assert refused.status == Status.ERROR and "admins only" in refused.headline
    admin = Request(
        platform=Platform.CONSOLE, actor=Actor(user_id="U_ADMIN"), address=ADDRESS, text="digest now"
    )
    assert (await router.dispatch(admin, services)).headline == "now"


async def test_buttons_for_unregistered_commands_are_removed(services):
    async def with_buttons(request, services):
        return Reply(
            status=Status.INFO,
            headline="x",
            actions=(Action("Help", "help"), Action("Request", "request", "DeepSeek")),
        )

    registry = Registry()
    registry.register(CommandSpec(name="ask", handler=with_buttons, summary="", usage=""))
    registry.register(CommandSpec(name="help", handler=noop, summary="", usage=""))
    reply = await Router(registry).dispatch(request("x"), services)
    assert [a.command for a in reply.actions] == ["help"]


@pytest.mark.parametrize(
    "text",
    [
        "me and my team want to use Otter, ok?",
        "help! can I paste client data into ChatGPT?",
        "home office: can I use Copilot?",
        "requests for Otter keep coming, is it allowed?",
    ],
)
def test_questions_that_begin_with_a_command_word_are_questions(text):
    spec, routed = build_router().resolve(request(text))
    assert (spec.name, routed.text) == ("ask", text)
