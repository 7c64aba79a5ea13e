"""Slack's own recorded payloads (../shared/wire/slack), replayed byte for byte, signed, over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

WIRE = Path(__file__).resolve().parents[3] / "shared" / "wire" / "slack"


def recorded(name: str) -> dict:
    path = WIRE / name
    if not path.exists():
        pytest.skip(
            f"recorded Slack payloads are read from ../shared ({WIRE}), which this clone does not have"
        )
    return json.loads(path.read_text())


async def replay(slack, name: str):
    data = recorded(name)
    return await slack.post(data["raw_body"], data["content_type"])


async def test_url_verification_echoes_the_challenge(slack):
    response = await replay(slack, "url_verification.json")
    assert response.status == 200
    assert (await response.json())["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


async def test_ssl_check(slack):
    assert (await replay(slack, "ssl_check.json")).status == 200


@pytest.mark.parametrize(
    ("name", "channel", "thread"),
    [
        ("event_message_im.json", "D111", None),  # a DM is answered in the DM, not in a thread
        ("event_message_im_in_thread.json", "D111", None),
        ("event_app_mention_bolt_python.json", "C111", "1595926230.009600"),
    ],
)
async def test_recorded_messages_get_an_answer_in_their_thread(slack, name, channel, thread):
    data = recorded(name)
    event = json.loads(data["raw_body"])["event"]
    response = await replay(slack, name)
    assert response.status == 200
    # "Hi there!" gets private help: in a channel that is an ephemeral message, in a DM a plain one.
    method = "chat.postEphemeral" if event.get("channel_type") != "im" else "chat.postMessage"
    (posted,) = await slack.fake.wait_for(method)
    assert posted["channel"] == event.get("channel", channel)
    assert posted.get("thread_ts") == (thread or event.get("thread_ts"))
    assert posted["text"]  # a person who addressed the bot always hears back


async def test_unknown_slash_command_is_not_ours(slack):
    response = await replay(slack, "slash_command_bolt_python.json")
    assert response.status == 404
    assert slack.fake.of("response_url") == []
