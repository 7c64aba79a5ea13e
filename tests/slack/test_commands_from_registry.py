"""Slash commands, shortcuts, the Slack manifest and the Teams command list all come from the command
registry: one more spec is enough for a command to be declared and answered on both platforms."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer
from fakes.slack_api import FakeSlackAPI
from fakes.slack_client import SlackDriver

from bot.server import build_web_app
from bot.slack.app import SlackConfig, SlackSurface
from bot.slack.manifest import slack_manifest
from bot.teams.package import manifest as teams_manifest
from handlers.commands import build_registry
from handlers.model import Reply, Status
from handlers.registry import CommandSpec, DuplicateCommandError, Menu, Shortcut
from handlers.router import Router
from handlers.services import Services

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


async def _status(request, services) -> Reply:
    return Reply(status=Status.INFO, headline=f"Status for {request.text or 'everything'}")


def _registry():
    registry = build_registry()
    registry.register(
        CommandSpec(
            name="status",
            handler=_status,
            summary="How the AI tools are doing.",
            usage="status [TOOL]",
            menu=Menu("How the AI tools are doing", hint="[tool]", slash="/aistatus"),
            shortcuts=(
                Shortcut("message", "status_of_message", "Status of this", "Which tool is this about?"),
            ),
        )
    )
    return registry


def test_a_registered_command_is_in_both_manifests():
    registry = _registry()
    slack = slack_manifest("https://aiguide.example", registry=registry)
    assert {
        "command": "/aistatus",
        "description": "How the AI tools are doing",
        "usage_hint": "[tool]",
        "should_escape": True,
        "url": "https://aiguide.example/slack/events",
    } in slack["features"]["slash_commands"]
    assert "status_of_message" in {s["callback_id"] for s in slack["features"]["shortcuts"]}
    (commands,) = teams_manifest("00000000-0000-0000-0000-000000000001", registry=registry)["bots"][0][
        "commandLists"
    ]
    assert {"title": "status", "description": "How the AI tools are doing: status [tool]"} in commands[
        "commands"
    ]


def test_the_default_manifests_offer_what_the_help_lists():
    """Every command a person is told about in menus is one the router answers by that word."""
    registry = build_registry()
    slack = slack_manifest(None, socket_mode=True)
    for entry in slack["features"]["slash_commands"]:
        command = registry.slash_commands()[entry["command"]]
        assert command is None or registry.get(command) is not None
    teams = teams_manifest("00000000-0000-0000-0000-000000000001")["bots"][0]["commandLists"][0]["commands"]
    assert {c["title"] for c in teams} == {"help", "tools", "win", "me", "request"}
    assert all(registry.get(c["title"]) is not None and len(c["description"]) <= 128 for c in teams)


def test_a_slash_command_or_shortcut_cannot_be_claimed_twice():
    registry = build_registry()
    with pytest.raises(DuplicateCommandError, match="/aiwin"):
        registry.register(
            CommandSpec(name="other", handler=_status, summary="", usage="", menu=Menu("x", slash="/aiwin"))
        )
    with pytest.raises(DuplicateCommandError, match="log_a_win"):
        registry.register(
            CommandSpec(
                name="other2", handler=_status, summary="", usage="",
                shortcuts=(Shortcut("global", "log_a_win", "x", "x"),),
            )
        )  # fmt: skip


@pytest.fixture
async def slack_with_status(kb, sqlite_database):
    fake = await FakeSlackAPI().start()
    fake.add_user("U0ANA", "Ana Lima", "ana.lima@brightline.example")
    services = Services(knowledge=kb, database=sqlite_database)
    config = SlackConfig(signing_secret=SECRET, bot_token="xoxb-test-token", api_url=fake.api_url)
    surface = SlackSurface(config, services, Router(_registry()))
    server = TestServer(build_web_app(services, slack=surface), host="127.0.0.1")
    await server.start_server()
    driver = SlackDriver(str(server.make_url("")).rstrip("/"), SECRET, fake.response_url())
    driver.fake = fake
    yield driver
    await driver.close()
    await server.close()
    await fake.close()


async def test_the_slack_app_answers_a_registered_slash_command_and_shortcut(slack_with_status):
    slack = slack_with_status
    response = await slack.command("copilot", command="/aistatus")
    assert response.status == 200
    (reply,) = await slack.fake.wait_for("response_url")
    assert reply["text"] == "Status for copilot"
    await slack.shortcut("slack_message_shortcut", callback_id="status_of_message", message_text="Otter")
    (_, shortcut_reply) = await slack.fake.wait_for("response_url", count=2)
    assert shortcut_reply["text"] == "Status for Otter"
