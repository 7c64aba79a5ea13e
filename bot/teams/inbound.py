"""Bot Framework activities (as plain JSON dicts) → Requests. Pure: no botbuilder here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime

from bot.teams.render import submitted
from handlers.model import Actor, Address, Platform, Request

_TAG = re.compile(r"<[^>]+>")


def conversation_key(activity: Mapping) -> str:
    """The conversation, without a channel thread's ';messageid=' (a digest starts a new thread)."""
    return (activity.get("conversation") or {}).get("id", "").split(";messageid=")[0]


def clean_text(activity: Mapping) -> str:
    """The words typed: the @mention of the bot, markup and HTML entities removed."""
    raw = activity.get("text") or ""
    bot_name = (activity.get("recipient") or {}).get("name") or ""
    for entity in activity.get("entities") or []:
        mentioned = entity.get("mentioned") or {}
        if entity.get("type") == "mention" and mentioned.get("id") == (activity.get("recipient") or {}).get(
            "id"
        ):
            raw = raw.replace(entity.get("text") or "", " ")
    if bot_name:
        raw = raw.replace(f"<at>{bot_name}</at>", " ")
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", raw))).strip()


def actor_of(activity: Mapping, email: str | None = None) -> Actor:
    sender = activity.get("from") or {}
    return Actor(
        user_id=sender.get("aadObjectId") or sender.get("id", ""),
        display_name=sender.get("name") or "",
        email=email,
    )


def _when(activity: Mapping) -> datetime | None:
    try:
        return datetime.fromisoformat(str(activity.get("timestamp", "")).replace("Z", "+00:00"))
    except ValueError:
        return None


def to_request(activity: Mapping, actor: Actor) -> Request:
    conversation = activity.get("conversation") or {}
    address = Address(
        platform=Platform.TEAMS,
        channel=conversation_key(activity),
        thread=activity.get("replyToId") or activity.get("id"),
        workspace=conversation.get("tenantId")
        or ((activity.get("channelData") or {}).get("tenant") or {}).get("id"),
    )
    common = {
        "platform": Platform.TEAMS,
        "actor": actor,
        "address": address,
        "received_at": _when(activity),
        # A channel thread's id carries ";messageid=" of its first post: each thread is its own conversation.
        "conversation": conversation.get("id", ""),
    }
    submission = submitted(activity.get("value"))
    if submission is not None:
        command, text, form = submission
        # A double-clicked form is one submission of one card by one person: keyed by the card's message
        # and who sent it, so a form shared in a channel stores one win for each person who submits it.
        who = (activity.get("from") or {}).get("id", "")
        key = (
            f"form:{activity['replyToId']}:{who}"
            if form and activity.get("replyToId")
            else activity.get("id", "")
        )
        return Request(text=text, command=command, form=form, request_id=f"teams:{key}", **common)
    return Request(text=clean_text(activity), request_id=f"teams:{activity.get('id', '')}", **common)
