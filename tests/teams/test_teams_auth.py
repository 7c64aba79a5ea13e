"""With an app id, only tokens the Bot Framework signed get in; everything else is a plain 401."""

from __future__ import annotations

import pytest
from botframework.connector.auth import MicrosoftAppCredentials, ServiceClientCredentialsFactory
from fakes.bot_auth import OpenIdStandIn, new_key, token

from bot.teams.transport import InsecureTeamsConfig, TeamsConfig, TeamsTransport

from .conftest import activity, start_teams

APP_ID = "7c1f9a2e-aiguide-test-app"


class NoOutboundTokens(ServiceClientCredentialsFactory):
    """Replies need an MSAL token from Microsoft's cloud, which tests cannot reach: send them unsigned."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return MicrosoftAppCredentials.empty()


@pytest.fixture
async def secured(kb, sqlite_database, connector):
    trusted = new_key()
    stand_in = OpenIdStandIn({"trusted-key": trusted})
    config = TeamsConfig(app_id=APP_ID, app_password="secret", app_type="MultiTenant",
                         openid_metadata_url=f"{stand_in.url}/openid")  # fmt: skip
    server, driver = await start_teams(
        kb, sqlite_database, connector, config, credentials_factory=NoOutboundTokens()
    )
    driver.trusted = trusted
    yield driver
    await driver.session.close()
    await server.close()
    stand_in.close()


def message(driver) -> dict:
    return activity("teams_message_personal", driver.connector.url, text="is Otter ok?")


async def test_a_valid_token_is_answered(secured):
    bearer = token(secured.trusted, "trusted-key", app_id=APP_ID, service_url=secured.connector.url)
    response = await secured.send(message(secured), {"Authorization": f"Bearer {bearer}"})
    assert response.status in (200, 201)
    (sent,) = await secured.connector.wait()
    assert sent.activity["summary"] == "No, don't use Otter.ai for this."


async def test_no_token(secured):
    assert (await secured.send(message(secured))).status == 401


async def test_a_token_signed_by_an_unknown_key(secured):
    forged = token(new_key(), "trusted-key", app_id=APP_ID, service_url=secured.connector.url)
    assert (await secured.send(message(secured), {"Authorization": f"Bearer {forged}"})).status == 401
    unknown_kid = token(new_key(), "other-key", app_id=APP_ID, service_url=secured.connector.url)
    assert (await secured.send(message(secured), {"Authorization": f"Bearer {unknown_kid}"})).status == 401


async def test_an_expired_token(secured):
    expired = token(
        secured.trusted, "trusted-key", app_id=APP_ID, service_url=secured.connector.url, expires_in=-600
    )
    assert (await secured.send(message(secured), {"Authorization": f"Bearer {expired}"})).status == 401


async def test_a_token_for_another_bot_or_service_url(secured):
    other_app = token(
        secured.trusted, "trusted-key", app_id="someone-else", service_url=secured.connector.url
    )
    assert (await secured.send(message(secured), {"Authorization": f"Bearer {other_app}"})).status == 401
    elsewhere = token(secured.trusted, "trusted-key", app_id=APP_ID, service_url="https://attacker.example/")
    assert (await secured.send(message(secured), {"Authorization": f"Bearer {elsewhere}"})).status == 401
    assert secured.connector.sent == []


def test_no_app_id_without_dev_mode_refuses_to_start():
    with pytest.raises(InsecureTeamsConfig, match="MICROSOFT_APP_ID"):
        TeamsTransport(TeamsConfig())


async def test_a_slow_key_endpoint_does_not_freeze_the_server(kb, sqlite_database, connector):
    import asyncio
    import time

    trusted = new_key()
    stand_in = OpenIdStandIn({"trusted-key": trusted})
    stand_in.delay = 1.5
    config = TeamsConfig(app_id=APP_ID, app_password="secret", app_type="MultiTenant",
                         openid_metadata_url=f"{stand_in.url}/openid")  # fmt: skip
    server, driver = await start_teams(
        kb, sqlite_database, connector, config, credentials_factory=NoOutboundTokens()
    )
    try:
        bearer = token(trusted, "trusted-key", app_id=APP_ID, service_url=connector.url)
        gaps: list[float] = []

        async def ticker() -> None:  # how long the event loop goes without running anything else
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.05)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        ticking = asyncio.ensure_future(ticker())
        response = await driver.send(message(driver), {"Authorization": f"Bearer {bearer}"})
        ticking.cancel()
        assert response.status in (200, 201)
        assert max(gaps) < 0.5, f"the event loop stood still for {max(gaps):.1f} s during the key fetch"
    finally:
        await driver.session.close()
        await server.close()
        stand_in.close()
