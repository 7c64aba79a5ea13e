"""Slack payloads → Requests. Pure: user details come in as an Actor looked up by the caller."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.slack.text import plain, strip_mention
from handlers.model import Actor, Address, Platform, Request


def _address(channel: str, team: str | None, thread: str | None = None) -> Address:
    return Address(platform=Platform.SLACK, channel=channel, thread=thread, workspace=team)


def _when(ts: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts or ""), UTC)
    except ValueError:
        return None


def _conversation(team: str | None, channel: str, thread: str | None) -> str:
    """Where a follow-up continues: a whole DM (unless the person wrote in a thread), a thread elsewhere.

    A new top-level message in a channel opens its own thread, so it starts a new conversation.
    """
    if channel.startswith("D"):
        return f"{team or ''}:{channel}:{thread or ''}"
    return f"{team or ''}:{channel}:{thread or 'top'}"


def from_command(body: Mapping[str, str], actor: Actor, slash_commands: Mapping[str, str | None]) -> Request:
    """`slash_commands`: the registry's, each slash command and the command it runs (None: any)."""
    command = slash_commands.get(body.get("command", ""))
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(body.get("channel_id", ""), body.get("team_id")),
        text=plain(body.get("text", "")),
        command=command,
        request_id=f"slack:command:{body.get('team_id', '')}:{body.get('trigger_id', '')}",
        conversation=f"{body.get('team_id', '')}:{body.get('channel_id', '')}:command",
    )


def from_message_shortcut(body: Mapping, actor: Actor, command: str) -> Request:
    """A message shortcut: someone's message, asked about by the person who used the shortcut."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id", "")
    team = (body.get("team") or {}).get("id")
    thread = message.get("thread_ts") or message.get("ts")
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(channel, team, thread),
        text=plain(message.get("text") or _readable(message)),
        command=command,
        request_id=f"slack:shortcut:{team or ''}:{body.get('trigger_id', '')}",
        conversation=_conversation(team, channel, thread),
    )


def _readable(message: Mapping) -> str:
    """The words of a message posted as blocks or attachments only (an app's card, a forwarded post)."""
    words: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text", "text") and isinstance(node.get("text"), str):
                words.append(node["text"])
            for key in ("text", "fields", "elements", "blocks"):
                if key in node and not isinstance(node[key], str):
                    walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        words.append(attachment.get("text") or attachment.get("fallback") or "")
        walk(attachment.get("blocks") or [])
    return " ".join(w for w in words if w).strip()


def from_global_shortcut(body: Mapping, actor: Actor, command: str) -> Request:
    team = (body.get("team") or {}).get("id")
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(actor.user_id, team),
        command=command,
        request_id=f"slack:shortcut:{team or ''}:{body.get('trigger_id', '')}",
    )


def from_message(body: Mapping, actor: Actor, bot_user_id: str | None) -> Request:
    event = body["event"]
    in_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
    thread = event.get("thread_ts") if in_dm else (event.get("thread_ts") or event.get("ts"))
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(event["channel"], body.get("team_id"), event.get("thread_ts") or event.get("ts")),
        text=plain(strip_mention(event.get("text", ""), bot_user_id)),
        request_id=f"slack:event:{body.get('event_id', event.get('ts', ''))}",
        received_at=_when(event.get("ts")),
        conversation=_conversation(body.get("team_id"), event.get("channel", ""), thread),
    )


def from_action(body: Mapping, action: Mapping, actor: Actor, command: str, text: str) -> Request:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    thread = (body.get("message") or {}).get("thread_ts") or (body.get("container") or {}).get("message_ts")
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(channel, (body.get("team") or {}).get("id"), thread),
        text=text,
        command=command,
        request_id=f"slack:action:{action.get('action_ts', '')}:{action.get('action_id', '')}",
        conversation=_conversation(
            (body.get("team") or {}).get("id"),
            channel,
            (body.get("message") or {}).get("thread_ts") if not channel.startswith("D") else None,
        ),
    )


def form_values(view: Mapping) -> dict[str, str]:
    """A submitted modal's inputs, by block id: text as typed, a select's value, a checkbox as true/false."""
    values: dict[str, str] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            kind = element.get("type")
            if kind in ("static_select", "external_select", "radio_buttons"):
                values[block_id] = ((element.get("selected_option") or {}).get("value")) or ""
            elif kind == "checkboxes":
                values[block_id] = "true" if element.get("selected_options") else "false"
            else:
                values[block_id] = element.get("value") or ""
    return values


def from_view_submission(body: Mapping, actor: Actor) -> tuple[Request, dict]:
    view = body["view"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    request = Request(
        platform=Platform.SLACK,
        actor=actor,
        address=_address(metadata.get("ch") or actor.user_id, (body.get("team") or {}).get("id")),
        command=metadata.get("c"),
        form={**{str(k): str(v) for k, v in (metadata.get("h") or {}).items()}, **form_values(view)},
        request_id=f"slack:view:{view.get('id', '')}",
    )
    return request, metadata
