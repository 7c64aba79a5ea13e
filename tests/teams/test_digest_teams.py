"""The weekly digest delivered to a Teams channel the bot was installed in."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduler import DigestScheduler, DigestTarget
from bot.teams.digests import teams_sender

from .conftest import activity


async def test_teams_digest_to_a_stored_channel(teams):
    await teams.send(activity("teams_installation_update_add", teams.connector.url))
    await teams.connector.wait()
    target = DigestTarget(name="it", kind="it", platform="teams", channel="19:leadership@thread.tacv2")
    clock = DigestScheduler(teams.services, [target], {"teams": teams_sender(teams.bot)}, me="test")
    assert await clock.tick(datetime(2026, 11, 23, 9, 1, tzinfo=UTC)) == ["it:2026-W47"]
    sent = await teams.connector.wait(2)
    assert sent[1].activity["summary"].startswith("IT digest, week of 16 Nov")
    unknown = DigestTarget(name="lost", kind="it", platform="teams", channel="19:never@thread.tacv2")
    lost = DigestScheduler(teams.services, [unknown], {"teams": teams_sender(teams.bot)}, me="test")
    assert await lost.tick(datetime(2026, 11, 23, 9, 1, tzinfo=UTC)) == []  # logged as failed, retried later
