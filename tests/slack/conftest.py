"""A running aiguide HTTP server wired to a local Slack Web API stand-in."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer
from fakes.slack_api import FakeSlackAPI
from fakes.slack_client import SlackDriver

from bot.server import build_web_app
from bot.slack.app import SlackConfig, SlackSurface
from handlers.commands import build_router
from handlers.services import Services

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
IT_CHANNEL = "C0ITHELP"


@pytest.fixture
async def slack(kb, sqlite_database):
    fake = await FakeSlackAPI().start()
    fake.add_user("U0ANA", "Ana Lima", "ana.lima@brightline.example")
    fake.add_user("U0BEN", "Ben Okafor", "ben.okafor@brightline.example")
    services = Services(knowledge=kb, database=sqlite_database, escalation_target="the IT team")
    config = SlackConfig(
        signing_secret=SECRET, bot_token="xoxb-test-token", api_url=fake.api_url, it_channel=IT_CHANNEL
    )
    surface = SlackSurface(config, services, build_router())
    server = TestServer(build_web_app(services, slack=surface), host="127.0.0.1")
    await server.start_server()
    driver = SlackDriver(str(server.make_url("")).rstrip("/"), SECRET, fake.response_url())
    driver.fake = fake
    driver.services = services
    driver.surface = surface
    yield driver
    await driver.close()
    await server.close()
    await fake.close()


@pytest.fixture
async def socket_slack(kb, sqlite_database):
    """The same app, with Slack connected over Socket Mode to the stand-in's WebSocket."""
    fake = await FakeSlackAPI().start()
    fake.add_user("U0ANA", "Ana Lima", "ana.lima@brightline.example")
    services = Services(knowledge=kb, database=sqlite_database)
    config = SlackConfig(signing_secret=SECRET, bot_token="xoxb-test-token", api_url=fake.api_url)
    surface = SlackSurface(config, services, build_router())
    server = TestServer(build_web_app(services, slack=surface, slack_app_token="xapp-1-A0AIGUIDE-1-secret"))
    await server.start_server()
    await fake.connected()
    fake.services = services
    yield fake
    await server.close()
    await fake.close()
