"""What a chat platform gives the rest of aiguide: one Surface per platform.

The server mounts each surface's endpoints and start/stop steps; the digest scheduler, the reminders
and `aiguide digest send` reach people through these methods, never by naming a platform. Adding a
platform means a package under `bot/` with a class that has these members, and a builder in
`bot.wiring.SURFACES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from bot.scheduler import DigestTarget
    from handlers.model import Reply
    from storage.models import Person

# Posts a digest with its run key ("leaders:2026-W47") in the post; returns a message reference.
Sender = Callable[["DigestTarget", "Reply", str], Awaitable[str]]
# The reference of a post already carrying that run key, None when there is none; raises when it cannot tell.
PostedCheck = Callable[["DigestTarget", str], Awaitable[str | None]]
PersonSender = Callable[["Person"], Awaitable[str]]  # sends the weekly reminder to one person
# A direct message to one person (a review decision, IT's answer); returns a message reference, raises
# when the platform cannot reach them.
Messenger = Callable[["Person", "Reply"], Awaitable[str]]


class UnknownConversation(LookupError):
    """The surface cannot post to that conversation: aiguide was never added to it, or a person has
    not opened a chat with it yet. Nothing was sent."""


class Surface(Protocol):
    name: str  # the `platform` of digest targets and stored people: "slack", "teams"

    def mount(self, app: web.Application, *, drain_seconds: float) -> None:
        """Add routes and start, stop and drain steps to the server."""

    def health(self) -> dict[str, str]:
        """Lines for /healthz and /readyz (connection state, insecure modes)."""

    def ready(self) -> bool:
        """Whether it can take requests now (/readyz): Socket Mode connected, endpoints mounted."""

    def digest_sender(self) -> Sender: ...

    def posted_check(self) -> PostedCheck | None:
        """How to tell whether a digest was posted; None when the platform cannot tell."""

    def nudger(self) -> PersonSender: ...

    def messenger(self) -> Messenger: ...

    def it_target(self) -> str | None:
        """Where IT's messages go on this platform (a channel or conversation id), None when not set."""
