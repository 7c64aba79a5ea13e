"""A running aiguide server with the Teams endpoint, replying to a local connector stand-in."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.bot_connector import FakeConnector

from bot.server import build_web_app
from bot.teams.bot import AiguideTeamsBot
from bot.teams.transport import TeamsConfig, TeamsTransport
from handlers.commands import build_router
from handlers.services import Services

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"


def activity(name: str, service_url: str, **changes) -> dict:
    body = copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))
    body["serviceUrl"] = service_url
    body.update(changes)
    return body


class TeamsDriver:
    def __init__(self, base_url: str, connector: FakeConnector, services: Services, bot: AiguideTeamsBot):
        self.base_url = base_url
        self.connector = connector
        self.services = services
        self.bot = bot
        self.session = ClientSession()
        self._n = 0

    async def send(self, body: dict, headers: dict | None = None):
        response = await self.session.post(
            f"{self.base_url}/api/messages",
            json=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        await response.read()
        return response

    async def say(self, text: str, name: str = "teams_message_personal", **changes):
        self._n += 1
        body = activity(name, self.connector.url, id=f"msg-{self._n}", text=text, **changes)
        return await self.send(body)

    async def submit(self, value: dict, reply_to: str = "1764170650000", sender: dict | None = None):
        self._n += 1
        body = activity(
            "teams_card_submit", self.connector.url, id=f"f:submit-{self._n}", value=value, replyToId=reply_to
        )
        if sender is not None:
            body["from"] = sender
        return await self.send(body)


async def start_teams(kb, database, connector, config: TeamsConfig | None = None, credentials_factory=None):
    services = Services(knowledge=kb, database=database, escalation_target="the IT team")
    transport = TeamsTransport(config or TeamsConfig(dev_mode=True), credentials_factory=credentials_factory)
    bot = AiguideTeamsBot(transport, services, build_router())
    server = TestServer(build_web_app(services, teams=bot), host="127.0.0.1")
    await server.start_server()
    return server, TeamsDriver(str(server.make_url("")).rstrip("/"), connector, services, bot)


@pytest.fixture
async def connector():
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


@pytest.fixture
async def teams(kb, sqlite_database, connector):
    server, driver = await start_teams(
        kb, sqlite_database, connector, TeamsConfig(dev_mode=True, it_conversation="19:it-help@thread.tacv2")
    )
    yield driver
    await driver.session.close()
    await server.close()
