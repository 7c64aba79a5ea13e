"""Follow-ups and clarifying questions over Slack's real wire: signed events and button presses in,
Web API posts out."""

from __future__ import annotations

import asyncio

from .test_slack_http import buttons, texts


async def dm(slack, text: str, ts: str, **event):
    await slack.event("slack_event_message_im", text=text, ts=ts, event_ts=ts, **event)
    return (await slack.fake.wait_for("chat.postMessage", len(slack.fake.of("chat.postMessage")) + 1))[-1]


async def mention(slack, text: str, ts: str, **event):
    await slack.event("slack_event_app_mention", text=f"<@UBOT0001> {text}", ts=ts, event_ts=ts, **event)
    return (await slack.fake.wait_for("chat.postMessage", len(slack.fake.of("chat.postMessage")) + 1))[-1]


async def test_a_dm_follow_up_continues_the_conversation(slack):
    first = await dm(
        slack, "can I give copilot my AWS access key so it can fix my deploy script?", "1764171000.000100"
    )
    assert first["text"].startswith("No, don't use Microsoft 365 Copilot")
    follow = await dm(slack, "what about with public data?", "1764171010.000100")
    assert follow["text"].startswith("Yes, you can use Microsoft 365 Copilot")
    assert "from your previous question" in texts(follow["blocks"])


async def test_in_a_channel_a_thread_continues_and_a_new_message_starts_over(slack):
    await mention(slack, "can I paste a client contract into ChatGPT Enterprise?", "1764172000.000100")
    fresh = await mention(slack, "and claude?", "1764172100.000100")
    assert "from your previous question" not in texts(fresh["blocks"])
    in_thread = await mention(slack, "and claude?", "1764172200.000100", thread_ts="1764172000.000100")
    assert in_thread["thread_ts"] == "1764172000.000100"
    assert "Claude (Team plan pilot)" in texts(in_thread["blocks"])
    assert "Confidential data" in texts(in_thread["blocks"])
    assert "from your previous question" in texts(in_thread["blocks"])


async def test_a_clarifying_question_has_a_button_per_class_that_answers(slack):
    await slack.command("can I upload the export to ChatGPT Enterprise?")
    (asked,) = await slack.fake.wait_for("response_url")
    assert asked["text"] == "It depends on what is in “the export”: which kind of information is it?"
    choices = dict(buttons(asked["blocks"]))
    assert list(choices)[:4] == ["Public", "Internal", "Confidential", "Restricted"]
    await slack.press(choices["Restricted"]["c"], choices["Restricted"]["t"])
    replies = await slack.fake.wait_for("response_url", 2)
    assert replies[-1]["text"] == "Yes, you can use ChatGPT Enterprise, with conditions."
    assert "Restricted data as you said" in texts(replies[-1]["blocks"])


async def test_a_greeting_in_a_dm_gets_an_introduction(slack):
    hello = await dm(slack, "hi", "1764173000.000100")
    assert hello["text"] == "Hi! Ask me before you use an AI tool for work."
    await asyncio.sleep(0)
