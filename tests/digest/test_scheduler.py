"""The digest clock with a fake 'now': once per target and week, in its own time zone, across DST,
with several replicas, crashes and outages."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import DigestScheduler, DigestTarget
from handlers.services import Services
from storage import digest_runs

LONDON = DigestTarget(name="leaders", kind="leadership", platform="slack", channel="C0LEAD", weekday="mon",
                      time="09:00", timezone="Europe/London")  # fmt: skip
IT = DigestTarget(name="it", kind="it", platform="teams", channel="19:it@thread.tacv2", weekday="fri", time="16:30",
                  timezone="America/New_York")  # fmt: skip


class Outbox:
    def __init__(self):
        self.sent: list[tuple[str, str, datetime]] = []
        self.now: datetime | None = None

    async def send(self, target, reply, key):
        self.sent.append((target.name, reply.headline, self.now))
        return f"ts-{len(self.sent)}"


def scheduler(kb, database, outbox, targets=(LONDON,), me=None, checks=None):
    services = Services(knowledge=kb, database=database)
    return DigestScheduler(
        services, list(targets), {"slack": outbox.send, "teams": outbox.send}, me=me, checks=checks
    )


async def nothing_posted(target, key):
    return None


async def run_clock(sched, outbox, start: datetime, end: datetime, step=timedelta(minutes=15)):
    now = start
    while now <= end:
        outbox.now = now
        await sched.tick(now)
        now += step


async def test_weekly_in_local_time_across_the_end_of_summer_time(kb, database):
    outbox = Outbox()
    sched = scheduler(kb, database, outbox, targets=(LONDON, IT))
    # From Monday 19 October 00:00 UTC: the digests due the week before are over 48 hours late, so skipped.
    await run_clock(
        sched,
        outbox,
        datetime(2026, 10, 19, tzinfo=UTC),
        datetime(2026, 11, 3, tzinfo=UTC),
        timedelta(minutes=30),
    )
    leaders = [
        when for name, headline, when in outbox.sent if name == "leaders" and headline.startswith("AI at")
    ]
    assert [w.astimezone(ZoneInfo("Europe/London")).strftime("%a %d %b %H:%M") for w in leaders] == [
        "Mon 19 Oct 09:00", "Mon 26 Oct 09:00", "Mon 02 Nov 09:00",
    ]  # fmt: skip
    assert [w.hour for w in leaders] == [8, 9, 9]  # UTC: summer time ended on 25 October
    it = [when for name, _, when in outbox.sent if name == "it"]
    assert [w.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %b %H:%M") for w in it] == [
        "Fri 23 Oct 16:30", "Fri 30 Oct 16:30",
    ]  # fmt: skip
    headlines = [h for name, h, _ in outbox.sent if name == "leaders"]
    assert headlines[0].startswith("AI at Brightline Partners, week of 12 Oct")


async def test_the_first_send_day_of_a_month_brings_the_alignment_report_once(kb, database):
    outbox = Outbox()
    replicas = [scheduler(kb, database, outbox, targets=(LONDON, IT), me=m) for m in ("a", "b")]
    now = datetime(2026, 10, 26, tzinfo=UTC)
    while now <= datetime(2026, 12, 15, tzinfo=UTC):
        outbox.now = now
        for replica in replicas:
            await replica.tick(now)
        now += timedelta(hours=1)
    reports = [(name, h, w) for name, h, w in outbox.sent if h.startswith("Where ")]
    assert [
        (name, h, f"{w.astimezone(ZoneInfo('Europe/London')):%a %d %b %H:%M}") for name, h, w in reports
    ] == [
        ("leaders", "Where Brightline Partners stands with AI: October 2026", "Mon 02 Nov 09:00"),
        ("leaders", "Where Brightline Partners stands with AI: November 2026", "Mon 07 Dec 09:00"),
    ]  # the IT target gets none; Monday 7 December is December's first Monday
    weekly = [h for name, h, _ in outbox.sent if name == "leaders" and h.startswith("AI at")]
    assert len(weekly) == 8  # every Monday from 26 Oct to 14 Dec, none lost to the report


async def test_a_target_can_do_without_the_alignment_report(kb, database):
    outbox = Outbox()
    quiet = LONDON.model_copy(update={"alignment": False})
    await run_clock(scheduler(kb, database, outbox, targets=(quiet,)), outbox,
                    datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))  # fmt: skip
    assert [h[:5] for _, h, _ in outbox.sent] == ["AI at"]


async def test_two_replicas_send_once(kb, database):
    outbox = Outbox()
    first, second = (
        scheduler(kb, database, outbox, me="replica-a"),
        scheduler(kb, database, outbox, me="replica-b"),
    )
    now = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    outbox.now = now
    results = await asyncio.gather(*(s.tick(now) for s in (first, second, first, second)))
    assert sorted(k for r in results for k in r) == ["leaders:2026-W47"]
    assert len(outbox.sent) == 1


async def test_a_crashed_sender_is_replaced_after_its_lease(kb, database):
    outbox = Outbox()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with database.session() as session:  # replica A claims, then dies before sending
        assert digest_runs.claim(
            session, target="leaders", period="2026-W47", me="dead", now=now, lease=timedelta(minutes=10)
        )
    survivor = scheduler(kb, database, outbox, me="survivor", checks={"slack": nothing_posted})
    outbox.now = now + timedelta(minutes=5)
    assert await survivor.tick(outbox.now) == []  # the lease still holds
    outbox.now = now + timedelta(minutes=11)
    assert await survivor.tick(outbox.now) == ["leaders:2026-W47"]
    with database.session() as session:
        (run,) = digest_runs.runs(session)
    assert (run.status, run.claimed_by, run.attempts, run.message_ref) == ("sent", "survivor", 2, "ts-1")


async def test_a_digest_its_dead_sender_posted_is_not_posted_again(kb, database):
    outbox = Outbox()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with database.session() as session:  # replica A claims, posts, and dies before recording it
        digest_runs.claim(
            session, target="leaders", period="2026-W47", me="dead", now=now, lease=timedelta(minutes=10)
        )
    looked = []

    async def found_in_channel(target, key):
        looked.append((target.channel, key))
        return "1764000000.000100"

    survivor = scheduler(kb, database, outbox, me="survivor", checks={"slack": found_in_channel})
    assert await survivor.tick(now + timedelta(minutes=11)) == []
    assert outbox.sent == [] and looked == [("C0LEAD", "leaders:2026-W47")]
    with database.session() as session:
        (run,) = digest_runs.runs(session)
    assert (run.status, run.message_ref) == ("sent", "1764000000.000100")


async def test_where_the_platform_cannot_tell_a_dead_senders_digest_is_sent_at_most_once(kb, database):
    outbox = Outbox()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with database.session() as session:
        digest_runs.claim(
            session, target="leaders", period="2026-W47", me="dead", now=now, lease=timedelta(minutes=10)
        )
    survivor = scheduler(kb, database, outbox, me="survivor")  # no way to look (as in Teams)
    assert await survivor.tick(now + timedelta(minutes=11)) == []
    assert await survivor.tick(now + timedelta(hours=2)) == []
    assert outbox.sent == []
    with database.session() as session:
        (run,) = digest_runs.runs(session)
    assert run.status == "unconfirmed" and "not sent again" in run.error


@pytest.mark.parametrize(("hours_late", "sent"), [(30, 1), (60, 0)])
async def test_a_missed_digest_is_sent_after_a_short_outage_only(kb, database, hours_late, sent):
    outbox = Outbox()
    sched = scheduler(kb, database, outbox)
    back = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(hours=hours_late)
    await run_clock(sched, outbox, back, back + timedelta(hours=3))
    assert len(outbox.sent) == sent


async def test_a_failed_send_is_retried_later(kb, database):
    outbox = Outbox()
    calls = []

    async def flaky(target, reply, key):
        calls.append(target.name)
        if len(calls) == 1:
            raise ConnectionError("Slack is down")
        return "ts-ok"

    services = Services(knowledge=kb, database=database)
    sched = DigestScheduler(services, [LONDON], {"slack": flaky}, me="solo")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert await sched.tick(now) == []
    assert await sched.tick(now + timedelta(minutes=5)) == []  # still leased after the failure
    assert await sched.tick(now + timedelta(minutes=15)) == ["leaders:2026-W47"]
    assert calls == ["leaders", "leaders"]
    assert outbox.sent == []


def test_targets_are_validated():
    with pytest.raises(ValueError):
        DigestTarget(name="x", kind="leadership", platform="slack", channel="C1", timezone="Mars/Olympus")
    with pytest.raises(ValueError):
        DigestTarget(name="x", kind="leadership", platform="slack", channel="C1", weekday="someday")


async def test_the_it_digest_says_which_digest_may_not_have_gone_out(kb, database):
    from handlers import digest

    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with database.session() as session:
        digest_runs.claim(
            session, target="leaders", period="2026-W47", me="dead", now=now, lease=timedelta(minutes=10)
        )
    await scheduler(kb, database, Outbox(), me="survivor").tick(now + timedelta(minutes=11))
    services = Services(knowledge=kb, database=database)
    reply = await digest.it_digest(services, now.date() - timedelta(days=7), now.date())
    (section,) = [s for s in reply.sections if s.title == "Digests that may not have gone out"]
    assert section.bullets[0].startswith("leaders for 2026-W47: not sent again after its sender stopped")
