"""Every call to the Bot Framework connector checked and retried where that helps.

botframework-connector sends through msrest, whose retry setting urllib3 2 ignores: a 429 or a 500 from
the connector surfaces at once as an HttpOperationError. Here 429 waits for Retry-After (at most
MAX_WAIT), 5xx and broken connections are tried again with a growing pause, 4xx is not retried, and a
final failure is logged once with what was being sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot import metrics

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 3
MAX_WAIT = 10.0


class DeliveryFailed(RuntimeError):
    """The connector did not take the activity; the reason is in the message."""


def _status(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def _retry_after(error: BaseException) -> float | None:
    response = getattr(error, "response", None)
    value = (getattr(response, "headers", None) or {}).get("Retry-After")
    try:
        return min(float(value), MAX_WAIT) if value is not None else None
    except ValueError:
        return None


async def with_retries(call: Callable[[], Awaitable[T]], what: str) -> T:
    """`call()`, tried up to ATTEMPTS times; raises DeliveryFailed when it never worked."""
    pause = 0.5
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = await call()
            metrics.delivered("teams")
            return result
        except (
            HttpOperationError,
            ClientRequestError,
            aiohttp.ClientError,
            TimeoutError,
            ConnectionError,
        ) as error:
            status = _status(error)
            retryable = status is None or status == 429 or status >= 500
            reason = f"HTTP {status}" if status else f"{error.__class__.__name__}: {error}"
            if not retryable or attempt == ATTEMPTS:
                log.error("teams delivery failed (%s) after %d attempt(s): %s", what, attempt, reason)
                metrics.failed("teams", reason)
                raise DeliveryFailed(f"{what}: {reason}") from error
            wait = _retry_after(error) if status == 429 else None
            log.warning("teams %s: %s, trying again (%d of %d)", what, reason, attempt + 1, ATTEMPTS)
            metrics.RETRIES.labels("teams").inc()
            await asyncio.sleep(pause if wait is None else wait)
            pause *= 2
    raise AssertionError("unreachable")
