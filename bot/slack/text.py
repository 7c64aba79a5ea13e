"""Slack's text conventions in both directions: escaping for mrkdwn, and reading what users typed."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"<(?P<body>[^<>]+)>")


def escape(text: str) -> str:
    """Slack treats only &, < and > as control characters; & must go first."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """What the person typed, without Slack's markup: <@U1|ana> → @ana, <https://x|docs> → docs."""

    def readable(match: re.Match[str]) -> str:
        body = match.group("body")
        target, _, label = body.partition("|")
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    text = _SPECIAL.sub(readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """The question without the @aiguide that addressed it."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return re.sub(r"\s+", " ", text).strip()
