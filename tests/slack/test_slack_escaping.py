"""Nothing a user types, or the knowledge base says, becomes a live mention or link in Slack."""

from __future__ import annotations

import json
import re

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack import render
from bot.slack.text import escape, plain
from handlers.model import Action, Fact, Form, FormField, Reply, Section, Status

# As Slack delivers them: mentions it made itself, and the same text typed literally (which it escapes).
HOSTILE = "<!channel> <@U123> <https://evil.example|click> &amp; <!subteam^S1> &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;"
LIVE = re.compile(r"<(?:!|@|#|https?:|mailto:)")


def formatted(obj) -> list[str]:
    """The strings Slack parses for mentions and links: mrkdwn objects (plain_text and button values
    are shown or returned verbatim, never parsed)."""
    if isinstance(obj, list):
        return [s for v in obj for s in formatted(v)]
    if not isinstance(obj, dict):
        return []
    found = [obj["text"]] if obj.get("type") == "mrkdwn" and isinstance(obj.get("text"), str) else []
    for value in obj.values():
        if isinstance(value, dict | list):
            found += formatted(value)
    return found


def assert_inert(payload) -> None:
    texts = formatted(payload)
    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        texts.append(payload["text"])
    assert texts, "nothing to check"
    for text in texts:
        assert not LIVE.search(text), text


def test_escape_and_plain():
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
    assert plain(
        "<@U1|ana> see <https://x.example|docs> or <https://y.example> &amp; <!here> <#C1|general>"
    ) == ("@ana see docs or https://y.example & @here #general")


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/aiguide", f"can I paste {HOSTILE} into ChatGPT?"),
        ("/aiwin", f"30m summarized {HOSTILE} with Copilot -> {HOSTILE}"),
        ("/aiwin", f"30m summarized notes with {HOSTILE}"),
        ("/airequest", f"{HOSTILE} because {HOSTILE}"),
        ("/aitools", HOSTILE),
    ],
)
async def test_hostile_text_stays_text(slack, command, text):
    await slack.command(text, command=command)
    (reply,) = await slack.fake.wait_for("response_url")
    assert_inert(reply)


async def test_hostile_dm_and_win_list(slack):
    await slack.event("slack_event_message_im", text=f"win 20m drafted {HOSTILE} with Grammarly")
    await slack.event("slack_event_message_im", text="win list")
    await slack.event("slack_event_message_im", text="requests")
    for posted in await slack.fake.wait_for("chat.postMessage", 3):
        assert_inert(posted)


def test_knowledge_base_text_is_escaped_too():
    reply = Reply(
        status=Status.NOT_ALLOWED,
        headline="Tool <@U1> & co",
        sections=(
            Section(
                title="<!here>", text="<https://x|y>", bullets=("<!channel>",), facts=(Fact("<#C1>", "a&b"),)
            ),
        ),
        actions=(Action("<!channel>", "request", "<@U1>"),),
        footer="Policy <v1>",
    )
    message = render.message(reply)
    assert_inert({"text": message.text, "blocks": message.blocks})
    assert message.text == "Tool &lt;@U1&gt; &amp; co"


REPLIES = [
    Reply(status=status, headline="h" * 400, sections=tuple(Section(title="t", text="x" * 5000) for _ in range(80)),
          actions=tuple(Action("b" * 100, "ask", "v" * 3000) for _ in range(30)), footer="f" * 4000)
    for status in Status
]  # fmt: skip


@pytest.mark.parametrize("reply", REPLIES)
def test_oversized_replies_still_fit_slack_limits(reply):
    message = render.message(reply)
    assert len(message.blocks) <= 50
    for block in message.blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_modal_and_home_views_validate():
    form = Form(
        command="win",
        title="A title longer than Slack allows for modals",
        fields=(
            FormField("minutes", "Time saved", required=True, value="1h", error="bad"),
            FormField(
                "tool",
                "Tool",
                kind="choice",
                choices=tuple((f"t{i}", f"Tool {i}") for i in range(120)),
                value="t3",
            ),
            FormField("share", "Share", kind="checkbox", value="true"),
            FormField("task", "Task", kind="long_text", hint="h"),
        ),
    )
    view = render.modal(form, metadata={"ch": "C1"}, intro="<!channel>")
    View(**view).validate_json()
    assert_inert(view)
    select = next(b for b in view["blocks"] if b.get("block_id") == "tool")["element"]
    assert len(select["options"]) == 100 and select["initial_option"]["value"] == "t3"
    home = render.home_view(REPLIES[0])
    View(**home).validate_json()


async def test_every_reply_the_bot_sends_validates(slack):
    questions = ["can I paste a client contract into ChatGPT?", "tools", "tools copilot", "help", "me", "requests",
                 "what can I use to summarize meeting notes?", "win list", "hello"]  # fmt: skip
    for question in questions:
        await slack.command(question)
    for reply in await slack.fake.wait_for("response_url", len(questions)):
        for block in reply["blocks"]:
            Block.parse(block).validate_json()
        json.dumps(reply)
