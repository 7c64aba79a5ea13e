"""Every post to Slack checked: retried where Slack says to, a fallback where one exists, and a final
failure logged once with the request id and the reason, so nothing fails quietly.

slack_sdk's retry handlers (on the client and the webhook) already wait out 429's Retry-After and retry
5xx and broken connections a bounded number of times; what is left here is to look at the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import metrics

log = logging.getLogger(__name__)


class _Counted:
    """A retry handler that counts each retry it decides on."""

    async def prepare_for_next_attempt_async(self, **arguments) -> None:
        metrics.RETRIES.labels("slack").inc()
        await super().prepare_for_next_attempt_async(**arguments)  # type: ignore[misc]


class _ConnectionRetries(_Counted, AsyncConnectionErrorRetryHandler):
    pass


class _RateLimitRetries(_Counted, AsyncRateLimitErrorRetryHandler):
    pass


class _ServerErrorRetries(_Counted, AsyncServerErrorRetryHandler):
    pass


def retry_handlers() -> list[AsyncRetryHandler]:
    """429s wait for Retry-After, 5xx and broken connections are tried again, a bounded number of times;
    by default the SDK only retries broken connections."""
    return [
        _ConnectionRetries(),
        _RateLimitRetries(max_retry_count=3),
        _ServerErrorRetries(max_retry_count=2),
    ]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    how: str  # "response_url", "ephemeral", "dm", or what failed last
    reason: str = ""


def _reason(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return f"{error.__class__.__name__}: {error}"


async def post(
    client: AsyncWebClient, method: str, request_id: str, *, into: dict | None = None, **arguments
) -> str | None:
    """One Web API call; None when it worked, else why not (logged here). `into` receives the response."""
    try:
        response = await getattr(client, method)(**arguments)
        if into is not None:
            into.update(response.data if isinstance(response.data, dict) else {})
        return None
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        reason = _reason(error)
        log.warning("slack %s failed (request %s): %s", method, request_id, reason)
        return reason


async def to_response_url(
    session: aiohttp.ClientSession | None,
    retry_handlers: list[AsyncRetryHandler],
    response_url: str,
    request_id: str,
    message: dict,
) -> str | None:
    """A post to a response_url; None when Slack took it. An expired URL answers 404, which the webhook
    client does not raise: the status is what tells."""
    hook = AsyncWebhookClient(url=response_url, session=session, retry_handlers=retry_handlers)
    try:
        response = await hook.send_dict(message)
    except (aiohttp.ClientError, TimeoutError) as error:
        reason = _reason(error)
    else:
        if 200 <= response.status_code < 300:
            return None
        reason = f"HTTP {response.status_code} {str(response.body)[:80]}".strip()
    log.warning("slack response_url failed (request %s): %s", request_id, reason)
    return reason


async def reply_privately(
    client: AsyncWebClient,
    session: aiohttp.ClientSession | None,
    retry_handlers: list[AsyncRetryHandler],
    *,
    request_id: str,
    response_url: str | None,
    channel: str | None,
    user: str,
    message: dict,
) -> Outcome:
    """An answer only the person sees: the response_url, else an ephemeral message in the channel, else a
    DM. Logged once as failed when none of them could be posted."""
    reasons = []
    if response_url:
        failed = await to_response_url(session, retry_handlers, response_url, request_id, message)
        if failed is None:
            metrics.delivered("slack")
            return Outcome(True, "response_url")
        reasons.append(f"response_url: {failed}")
    content = {k: v for k, v in message.items() if k in ("text", "blocks")}
    if channel and not channel.startswith("D"):
        threaded = {**content, "thread_ts": message.get("thread_ts")} if message.get("thread_ts") else content
        failed = await post(client, "chat_postEphemeral", request_id, channel=channel, user=user, **threaded)
        if failed is None:
            metrics.delivered("slack")
            return Outcome(True, "ephemeral")
        reasons.append(f"chat.postEphemeral: {failed}")
    failed = await post(client, "chat_postMessage", request_id, channel=user, **content)
    if failed is None:
        metrics.delivered("slack")
        return Outcome(True, "dm")
    reasons.append(f"chat.postMessage: {failed}")
    reason = "; ".join(reasons)
    log.error("slack delivery failed (request %s): %s", request_id, reason)
    metrics.failed("slack", failed)
    return Outcome(False, "none", reason)
