"""Installing into another workspace: the OAuth flow stores the installation, and that workspace is served."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestServer
from fakes.slack_api import FakeSlackAPI
from fakes.slack_client import SlackDriver, payload
from sqlalchemy import select

from bot.server import build_web_app
from bot.slack.app import SlackConfig, SlackSurface
from handlers.commands import build_router
from handlers.services import Services
from storage.slack_installations import installations

SECRET = "oauth-signing-secret"


@pytest.fixture
async def oauth_slack(kb, sqlite_database):
    fake = await FakeSlackAPI().start()
    services = Services(knowledge=kb, database=sqlite_database)
    config = SlackConfig(
        signing_secret=SECRET, api_url=fake.api_url, client_id="111.222", client_secret="client-secret"
    )
    server = TestServer(build_web_app(services, slack=SlackSurface(config, services, build_router())))
    await server.start_server()
    driver = SlackDriver(str(server.make_url("")).rstrip("/"), SECRET, fake.response_url())
    yield driver, fake, sqlite_database
    await driver.close()
    await server.close()
    await fake.close()


async def test_install_then_serve_the_new_workspace(oauth_slack):
    driver, fake, database = oauth_slack
    page = await driver.session.get(f"{driver.base_url}/slack/install", allow_redirects=False)
    html = await page.text()
    assert page.status == 200
    state = re.search(r"state=([\w-]+)", html).group(1)
    assert "https://slack.com/oauth/v2/authorize?" in html and "client_id=111.222" in html

    # The state cookie is Secure (HTTPS only); over loopback HTTP the browser's part is played by hand.
    cookie = page.headers["Set-Cookie"].split(";")[0]
    done = await driver.session.get(
        f"{driver.base_url}/slack/oauth_redirect?{urlencode({'code': 'code-T222', 'state': state})}",
        headers={"Cookie": cookie},
    )
    assert done.status == 200
    (exchange,) = fake.of("oauth.v2.access")
    assert exchange["code"] == "code-T222"
    with database.engine.connect() as connection:
        (row,) = connection.execute(select(installations.c.team_id, installations.c.bot_token)).all()
    assert row == ("T222", "xoxb-t222-bot-token")

    body = payload("slack_slash_command")
    body.update(
        team_id="T222", text="is Otter ok?", response_url=fake.response_url(), trigger_id=f"t.{time.time()}"
    )
    response = await driver.post(urlencode(body), "application/x-www-form-urlencoded")
    assert response.status == 200
    (answer,) = await fake.wait_for("response_url")
    assert answer["text"] == "No, don't use Otter.ai for this."


async def test_a_forged_state_is_refused(oauth_slack):
    driver, fake, _ = oauth_slack
    response = await driver.session.get(f"{driver.base_url}/slack/oauth_redirect?code=code-T333&state=forged")
    assert response.status >= 400
    assert fake.of("oauth.v2.access") == []


async def test_a_workspace_that_never_installed_is_told_to_install(oauth_slack):
    driver, fake, _ = oauth_slack
    body = payload("slack_slash_command")
    body.update(team_id="T999", response_url=fake.response_url())
    await driver.post(urlencode(body), "application/x-www-form-urlencoded")
    (told,) = await fake.wait_for("response_url")
    assert "reinstall this app" in told["text"]
    assert (
        fake.of("chat.postMessage") == [] and "blocks" not in told
    )  # no answer leaks to an unknown workspace
