"""The only door to botbuilder: hosting (CloudAdapter), authentication, and proactive sends."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlparse

from aiohttp import web
from botbuilder.core import Bot, BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ConversationParameters, ConversationReference
from botframework.connector.auth import jwt_token_extractor as _jwt_token_extractor

log = logging.getLogger(__name__)

# botframework-connector fetches its signing keys with a blocking `requests.get` (no timeout) inside an
# async method: a slow OpenID endpoint would freeze the event loop, Slack included. Its own refresh is run
# in threads of its own instead (it keeps its cache bookkeeping), and the turn waits at most
# KEY_FETCH_TIMEOUT_S for it.
_KEY_FETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="teams-keys")
KEY_FETCH_TIMEOUT_S = 20
_blocking_refresh = _jwt_token_extractor._OpenIdMetadata._refresh


async def _refresh_off_the_loop(self) -> None:
    def fetch() -> None:
        asyncio.run(_blocking_refresh(self))  # a coroutine that only blocks: its own loop, in this thread

    await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(_KEY_FETCH, fetch), KEY_FETCH_TIMEOUT_S)


_jwt_token_extractor._OpenIdMetadata._refresh = _refresh_off_the_loop


@dataclass(frozen=True)
class TeamsConfig:
    app_id: str = ""
    app_password: str = ""
    app_type: str = "SingleTenant"  # MultiTenant | SingleTenant | UserAssignedMSI
    tenant_id: str = ""
    dev_mode: bool = False  # no app id: only for the Bot Framework Emulator on a developer's machine
    it_conversation: str | None = None  # conversation key where "ask a human" questions are posted
    # Hosts a serviceUrl may name ("*.botframework.com" matches subdomains); empty: any (tests only).
    service_hosts: tuple[str, ...] = ()
    # Overrides of Microsoft's endpoints, for tests against local stand-ins only.
    openid_metadata_url: str | None = None
    token_issuer: str | None = None


class InsecureTeamsConfig(ValueError):
    pass


class _BotConfig:
    """botbuilder reads its settings by attribute name."""

    def __init__(self, config: TeamsConfig):
        self.APP_ID = config.app_id
        self.APP_PASSWORD = config.app_password
        # With no app id (dev mode) only the password factory accepts "authentication disabled".
        self.APP_TYPE = config.app_type if config.app_id else "MultiTenant"
        self.APP_TENANTID = config.tenant_id
        if config.openid_metadata_url:
            # Setting one endpoint switches botbuilder to fully parameterised auth, which wants all of them.
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = config.openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = config.token_issuer or "https://api.botframework.com"
            self.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = config.openid_metadata_url
            self.TO_CHANNEL_FROM_BOT_LOGIN_URL = "https://login.microsoftonline.com/botframework.com"
            self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = "https://api.botframework.com"
            self.OAUTH_URL = "https://api.botframework.com"
            self.CALLER_ID = None
            self.CHANNEL_SERVICE = None
            self.VALIDATE_AUTHORITY = True


class TeamsTransport:
    def __init__(self, config: TeamsConfig, *, credentials_factory=None):
        if not config.app_id and not config.dev_mode:
            # Without authentication the bot would post to whatever serviceUrl a caller names.
            raise InsecureTeamsConfig(
                "Teams needs MICROSOFT_APP_ID (and a password or managed identity); set AIGUIDE_TEAMS_DEV_MODE=1 "
                "only to try the bot in the Bot Framework Emulator on your own machine."
            )
        self.config = config
        auth = ConfigurationBotFrameworkAuthentication(
            _BotConfig(config), credentials_factory=credentials_factory
        )
        self.adapter = CloudAdapter(auth)

        async def on_error(context: TurnContext, error: Exception) -> None:
            log.exception("Teams turn failed (activity %s)", context.activity.id, exc_info=error)
            if context.activity.type != "message":
                return  # a proactive send (a digest, a reminder): no apology into that conversation
            try:
                await context.send_activity(
                    "Sorry, something went wrong on my side. Please try again in a minute."
                )
            except Exception as failed:
                log.error("teams: could not say sorry either (activity %s): %s", context.activity.id, failed)

        self.adapter.on_turn_error = on_error

    async def process(self, request: web.Request, bot: Bot) -> web.Response:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415, text="Bot Framework activities are JSON")
        if self.config.app_id and not request.headers.get("Authorization"):
            return web.Response(status=401)
        turn = _TurnWatch(bot, self.config.service_hosts)
        try:
            response = await self.adapter.process(request, turn)
        except web.HTTPUnauthorized:
            return web.Response(status=401)
        except Exception as error:
            if turn.started:
                raise
            # botbuilder lets expired tokens, unknown keys and malformed headers escape as 500s;
            # anything that fails before the turn starts is an unauthenticated request.
            log.info("refused a Teams request: %s: %s", error.__class__.__name__, error)
            return web.Response(status=401)
        return response or web.Response(status=201)

    async def continue_conversation(self, reference: dict, logic) -> None:
        await self.adapter.continue_conversation(
            ConversationReference().deserialize(reference), logic, bot_app_id=self.config.app_id or None
        )

    async def new_channel_thread(self, context: TurnContext, activity: Activity, channel_id: str) -> str:
        """Post as a new conversation (thread) in a channel, through the turn's own connector client;
        returns the thread's conversation id (`19:…@thread.tacv2;messageid=…`), which replies in it carry."""
        client = context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
        parameters = ConversationParameters(
            is_group=True, channel_data={"channel": {"id": channel_id}}, activity=activity
        )
        created = await client.conversations.create_conversation(parameters)
        return getattr(created, "id", None) or channel_id


class _TurnWatch(Bot):
    """Tells whether authentication let the request through to the bot."""

    def __init__(self, bot: Bot, service_hosts: tuple[str, ...] = ()):
        self.bot = bot
        self.started = False
        self.service_hosts = service_hosts

    async def on_turn(self, context: TurnContext) -> None:
        self.started = True
        url = context.activity.service_url or ""
        if self.service_hosts and not allowed_service_url(url, self.service_hosts):
            # Nothing is stored or sent: a reply would go to whatever server the caller named.
            log.warning("refused a Teams activity whose serviceUrl %r is not an allowed host", url[:200])
            return
        await self.bot.on_turn(context)


def allowed_service_url(url: str, hosts: tuple[str, ...]) -> bool:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if not host or (parsed.scheme != "https" and host not in ("localhost", "127.0.0.1")):
        return False
    return any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in hosts)


def reference_of(context: TurnContext) -> dict:
    return TurnContext.get_conversation_reference(context.activity).serialize()
