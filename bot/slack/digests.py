"""The weekly digest and reminder, delivered in Slack (the scheduler decides when; this posts)."""

from __future__ import annotations

from bot.scheduler import CATCH_UP, NUDGE, DigestTarget
from bot.surface import Messenger, PersonSender, PostedCheck, Sender
from handlers.model import Reply
from storage.models import Person


def slack_sender(slack) -> Sender:
    """Posts the digest to a Slack channel, with the chart as an image when there is one."""
    from bot.chart import png
    from bot.slack import render

    async def send(target: DigestTarget, reply: Reply, key: str) -> str:
        client = slack.app.client
        message = render.message(reply)
        posted = await client.chat_postMessage(
            channel=target.channel,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": DIGEST_EVENT, "event_payload": {"run": key}},
        )
        if reply.chart is not None:
            await client.files_upload_v2(
                channel=target.channel, content=png(reply.chart), filename="ai-hours-by-week.png",
                title=reply.chart.title, alt_txt=reply.chart.title, thread_ts=posted.get("ts"),
            )  # fmt: skip
        return str(posted.get("ts") or "")

    return send


DIGEST_EVENT = "aiguide_digest"


def slack_posted_check(slack) -> PostedCheck:
    """Looks through the digest channel's last two days for a post carrying the run key."""

    async def posted(target: DigestTarget, key: str) -> str | None:
        client = slack.app.client
        oldest = f"{(slack.services.clock() - CATCH_UP).timestamp():.6f}"
        cursor = None
        for _ in range(5):  # at most 1,000 messages: a digest channel is not a chat room
            page = await client.conversations_history(
                channel=target.channel, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor
            )
            for message in page.get("messages") or ():
                metadata = message.get("metadata") or {}
                if (
                    metadata.get("event_type") == DIGEST_EVENT
                    and (metadata.get("event_payload") or {}).get("run") == key
                ):
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    return posted


def slack_messenger(slack) -> Messenger:
    """A direct message to one person (their DM with the app); raises when Slack refuses it."""
    from bot.slack import render

    async def send(person: Person, reply: Reply) -> str:
        message = render.message(reply)
        posted = await slack.app.client.chat_postMessage(
            channel=person.user_id, text=message.text, blocks=message.blocks, unfurl_links=False
        )
        return str(posted.get("ts") or "")

    return send


def slack_nudger(slack) -> PersonSender:
    message = slack_messenger(slack)

    async def send(person: Person) -> str:
        return await message(person, NUDGE)

    return send
