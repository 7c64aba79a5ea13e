"""Terminal input → Request."""

from __future__ import annotations

import getpass
import uuid

from handlers.model import Actor, Address, Platform, Request

ADDRESS = Address(platform=Platform.CONSOLE, channel="terminal")


def console_actor(group: str | None = None, email: str | None = None) -> Actor:
    user = getpass.getuser()
    return Actor(
        user_id=f"console:{user}",
        display_name=user,
        email=email,
        groups=frozenset({group}) if group else None,
    )


def session_id() -> str:
    """One console session is one conversation: follow-ups continue it until `quit`."""
    return f"console-session-{uuid.uuid4()}"


def to_request(
    text: str,
    actor: Actor,
    *,
    form: dict[str, str] | None = None,
    command: str | None = None,
    conversation: str = "",
) -> Request:
    return Request(
        platform=Platform.CONSOLE,
        actor=actor,
        address=ADDRESS,
        text=text,
        command=command,
        form=form or {},
        request_id=f"console-{uuid.uuid4()}",
        conversation=conversation,
    )
