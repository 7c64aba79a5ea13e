"""The weekly digest delivered to Slack, with the chart uploaded in its thread."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import Block

from bot.scheduler import DigestScheduler, DigestTarget
from bot.slack.digests import slack_sender
from storage.models import Person, Win


async def test_slack_digest_with_its_chart(slack):
    with slack.services.database.session() as session:
        person = Person(platform="slack", user_id="U0ANA", pseudonym="p1")
        session.add(person)
        session.flush()
        session.add(Win(request_id="w1", person_id=person.id, minutes=90, occurred_on=date(2026, 11, 18)))
    target = DigestTarget(name="leaders", kind="leadership", platform="slack", channel="C0LEAD")
    clock = DigestScheduler(slack.services, [target], {"slack": slack_sender(slack.surface)}, me="test")
    assert await clock.tick(datetime(2026, 11, 23, 9, 1, tzinfo=UTC)) == ["leaders:2026-W47"]
    (posted,) = slack.fake.of("chat.postMessage")
    assert posted["channel"] == "C0LEAD"
    assert posted["text"] == "AI at Brightline Partners, week of 16 Nov: 1.5 h saved"
    for block in posted["blocks"]:
        Block.parse(block).validate_json()
    (complete,) = slack.fake.of("files.completeUploadExternal")
    assert complete["channel_id"] == "C0LEAD" and complete["thread_ts"]
    image = slack.fake.uploads["F0DIGEST"]
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", image[16:24]) == (880, 440)


async def test_reminder_dm_offers_the_win_form_and_a_way_out(slack):
    from bot.scheduler import NudgeScheduler
    from bot.slack.digests import slack_nudger

    await slack.command("me reminders on")
    await slack.fake.wait_for("response_url")
    nudger = NudgeScheduler(slack.services, {"slack": slack_nudger(slack.surface)}, weekday="fri", me="t")
    assert len(await nudger.tick(datetime(2026, 11, 20, 15, 5, tzinfo=UTC))) == 1
    (dm,) = slack.fake.of("chat.postMessage")
    assert dm["channel"] == "U0ANA" and dm["text"] == "What did AI help you with this week?"
    labels = [e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Log a win", "Stop these reminders"]
