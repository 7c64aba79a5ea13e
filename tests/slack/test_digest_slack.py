"""The weekly digest delivered to Slack, with the chart uploaded in its thread."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from bot.scheduler import DigestScheduler, DigestTarget, slack_sender


async def test_slack_digest_with_its_chart(slack):
    target = DigestTarget(name="leaders", kind="leadership", platform="slack", channel="C0LEAD")
    clock = DigestScheduler(slack.services, [target], {"slack": slack_sender(slack.surface)}, me="test")
    assert await clock.tick(datetime(2026, 11, 23, 9, 1, tzinfo=UTC)) == ["leaders:2026-W47"]
    (posted,) = slack.fake.of("chat.postMessage")
    assert posted["channel"] == "C0LEAD"
    assert posted["text"] == "AI at Brightline Partners, week of 16 Nov: 0.0 h saved"
    for block in posted["blocks"]:
        Block.parse(block).validate_json()
    (complete,) = slack.fake.of("files.completeUploadExternal")
    assert complete["channel_id"] == "C0LEAD" and complete["thread_ts"]
    image = slack.fake.uploads["F0DIGEST"]
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", image[16:24]) == (880, 440)
