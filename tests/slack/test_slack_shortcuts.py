"""Shortcuts, through signed interaction requests: "Ask aiguide about this" on someone's message, and
"Log an AI win" from anywhere. The payloads follow Slack's reference for shortcut payloads."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.slack.manifest import slack_manifest
from storage.models import Question, Win


def texts(blocks) -> str:
    return str(blocks)


async def test_asking_about_someone_elses_message_answers_only_the_asker(slack):
    response = await slack.shortcut("slack_message_shortcut")
    assert response.status == 200
    (reply,) = await slack.fake.wait_for("response_url")
    # The message says "client contract" and "ChatGPT" without an edition: never a plain yes.
    assert reply["response_type"] == "ephemeral"
    assert "ChatGPT" in reply["text"] and not reply["text"].startswith("Yes")
    assert slack.fake.of("chat.postMessage") == []  # nothing in the channel for everyone
    await slack.services.questions_written()
    with slack.services.database.session() as session:
        (question,) = session.exec(select(Question)).all()
    assert question.tool_ids  # logged as the shortcut user's question, read like any other


async def test_a_message_without_text_gets_a_way_to_ask(slack):
    await slack.shortcut("slack_message_shortcut", message_text="")
    (reply,) = await slack.fake.wait_for("response_url")
    assert reply["text"] == "That message has no text I can read."
    assert "/aiguide can I use" in texts(reply["blocks"])


async def test_a_refused_secret_in_the_message_is_refused(slack):
    await slack.shortcut(
        "slack_message_shortcut", message_text="here's the AWS secret key, can copilot fix the deploy script?"
    )
    (reply,) = await slack.fake.wait_for("response_url")
    assert reply["text"].startswith("No, don't use Microsoft 365 Copilot"), reply["text"]


async def test_the_win_shortcut_opens_the_form_and_confirms_in_a_dm(slack):
    response = await slack.shortcut("slack_global_shortcut")
    assert response.status == 200
    (opened,) = await slack.fake.wait_for("views.open")
    assert opened["view"]["callback_id"] == "aiguide_form"
    assert opened["trigger_id"].startswith("13345224609.738474920.shortcut2")
    accepted = await slack.submit(
        {"minutes": "30m", "tool": ("select", "m365-copilot"), "task": "summarised the supplier call"},
        metadata={"c": "win"},
    )
    assert accepted.status == 200
    (confirmation,) = await slack.fake.wait_for("chat.postMessage")
    assert confirmation["channel"] == "U0ANA"  # no conversation to answer in: the person's DMs
    assert confirmation["text"].startswith("Logged win #1: 30 min saved")
    with slack.services.database.session() as session:
        (win,) = session.exec(select(Win)).all()
    assert win.minutes == 30


def test_the_manifest_declares_both_shortcuts():
    shortcuts = slack_manifest("https://aiguide.example")["features"]["shortcuts"]
    assert {(s["type"], s["callback_id"]) for s in shortcuts} == {
        ("message", "ask_about_message"),
        ("global", "log_a_win"),
    }
    assert all(len(s["name"]) <= 24 and len(s["description"]) <= 150 for s in shortcuts)


async def test_the_win_shortcut_opens_in_the_trigger_window_when_lookups_are_slow(slack):
    import time

    slack.fake.delays["users.info"] = 3.5  # someone new, and Slack slow to say who they are
    started = time.monotonic()
    await slack.shortcut("slack_global_shortcut", user={"id": "U0SLOWER", "team_id": "T111"})
    (opened,) = await slack.fake.wait_for("views.open", timeout=10)
    assert time.monotonic() - started < 3.0
    assert opened["view"]["blocks"][0]["text"]["text"] == "Getting the form ready…"
    (updated,) = await slack.fake.wait_for("views.update", timeout=10)
    assert updated["view"]["callback_id"] == "aiguide_form"
    await asyncio.sleep(0.3)
    assert slack.fake.of("chat.postMessage") == []  # nothing else is sent: the form is the answer


async def test_a_message_made_of_blocks_is_read_by_its_words(slack):
    blocks = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "can I paste a customer list into "}, {"type": "text", "text": "Otter?"}]}]}]  # fmt: skip
    await slack.shortcut(
        "slack_message_shortcut", message={"type": "message", "ts": "1.2", "text": "", "blocks": blocks}
    )
    (reply,) = await slack.fake.wait_for("response_url")
    assert reply["text"] == "No, don't use Otter.ai for this."
