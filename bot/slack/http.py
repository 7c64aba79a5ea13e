"""Slack on the server: the events endpoint, OAuth install pages and Socket Mode, with their start and
stop steps."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

if TYPE_CHECKING:
    from bot.slack.app import SlackSurface

from bot.background import cancel

log = logging.getLogger(__name__)


class _WithoutBodies(logging.Filter):
    """slack_bolt logs the whole body of a request whose signature fails: a user's question, or 1 MB
    of whatever an unsigned caller posts. Keep the line, drop the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if ", body: " in message:
            record.msg, record.args = message.split(", body: ", 1)[0] + ", body not logged)", ()
        return True


for _name in ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification"):
    logging.getLogger(_name).addFilter(_WithoutBodies())


def mount_slack(app: web.Application, slack: SlackSurface, *, drain_seconds: float) -> None:
    """Slack's HTTP endpoints (with a signing secret), OAuth install pages, Socket Mode (with an app
    token) and the start and stop steps, on `app`."""

    async def open_slack(_app: web.Application) -> None:
        await slack.open()

    async def finish_slack(_app: web.Application) -> None:
        # aiohttp has stopped accepting; what was acknowledged is answered before connections close.
        await slack.in_flight.drain(drain_seconds, "Slack answers")

    async def close_slack(_app: web.Application) -> None:
        await slack.close()

    app.on_startup.append(open_slack)
    app.on_shutdown.append(finish_slack)
    app.on_cleanup.append(close_slack)
    if slack.config.signing_secret:

        async def slack_events(request: web.Request) -> web.Response:
            # The body is read raw and untouched: the signature is computed over its exact bytes.
            try:
                bolt_request = await to_bolt_request(request)
                if not isinstance(bolt_request.body, dict):
                    raise ValueError("not an object")
            except Exception as error:  # only parsing runs here: whatever it raises, the body is bad
                log.warning(
                    "slack: refused a body that is not a Slack payload (%s)", error.__class__.__name__
                )
                return web.json_response(
                    {"ok": False, "error": "bad_request", "detail": "expected a Slack JSON or form payload"},
                    status=400,
                )
            response = await slack.app.async_dispatch(bolt_request)
            return await to_aiohttp_response(response)

        app.router.add_post("/slack/events", slack_events)
        flow = slack.app.oauth_flow
        if flow is not None:

            async def install(request: web.Request) -> web.Response:
                return await to_aiohttp_response(
                    await flow.handle_installation(await to_bolt_request(request))
                )

            async def oauth_redirect(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

            app.router.add_get(flow.install_path, install)
            app.router.add_get(flow.redirect_uri_path, oauth_redirect)
    if slack.app_token:
        _add_socket_mode(app, slack, slack.app_token)


def _add_socket_mode(app: web.Application, slack: SlackSurface, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    # Made here, inside the running loop: its client binds an aiohttp session to the loop.
    handler = AsyncSocketModeHandler(slack.app, app_token)

    state = slack.socket_state  # mutated, not reassigned: /healthz reads it
    state["status"] = "connecting"

    async def keep_connecting() -> None:
        # Slack unreachable at start-up is not fatal: HTTP, Teams and /healthz keep serving while this
        # retries; once connected, the client itself reconnects when Slack drops the socket.
        delay = 1.0
        while True:
            try:
                await handler.connect_async()  # not start_async(): that would sleep forever in our loop
                log.info("Slack: connected over Socket Mode")
                state["status"] = "connected"
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                state["status"] = f"not connected: {error.__class__.__name__}"
                log.warning("Slack Socket Mode: cannot connect (%s: %s); retrying in %.0f s",
                            error.__class__.__name__, error, delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    tasks: list[asyncio.Task] = []

    async def connect(_app: web.Application) -> None:
        tasks.append(asyncio.create_task(keep_connecting()))

    async def close(_app: web.Application) -> None:
        for task in tasks:
            await cancel(task)
        await handler.close_async()

    app.on_startup.append(connect)
    # First of the shutdown steps: no new envelopes while the acknowledged ones are being answered.
    app.on_shutdown.insert(0, close)
