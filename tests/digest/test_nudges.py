"""The opt-in weekly reminder: once a week, never on a day off, stoppable, and counted in the digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.scheduler import NudgeScheduler
from handlers import digest
from handlers.commands import build_router
from handlers.digest_settings import DigestSettings
from handlers.model import Actor, Address, Platform, Request
from handlers.services import Services

ANA = Actor(user_id="U_ANA", display_name="Ana")
BEN = Actor(user_id="U_BEN", display_name="Ben")
CAT = Actor(user_id="U_CAT", display_name="Cat")


async def say(services, actor, text, request_id):
    request = Request(platform=Platform.SLACK, actor=actor, address=Address(platform=Platform.SLACK, channel="D1"),
                      text=text, request_id=request_id)  # fmt: skip
    return await build_router().dispatch(request, services)


async def test_weekly_reminders(kb, database):
    services = Services(knowledge=kb, database=database, clock=lambda: datetime(2026, 11, 16, 9, tzinfo=UTC))
    await say(services, ANA, "me reminders on", "r1")
    await say(services, BEN, "me reminders on", "r2")
    assert (await say(services, BEN, "me days off fri", "r3")).headline == "Noted: no reminders on fri."
    await say(services, CAT, "me", "r4")  # known, reminders off
    sent: list[str] = []

    async def dm(person):
        sent.append(person.user_id)
        return f"ts-{len(sent)}"

    nudger = NudgeScheduler(
        services, {"slack": dm}, weekday="fri", time_of_day="15:00", timezone="Europe/London", me="t"
    )
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert await nudger.tick(friday - timedelta(hours=1)) == []  # last week's slot is long past
    await nudger.tick(friday)
    await nudger.tick(friday + timedelta(hours=2))  # the same week: nothing new
    assert sent == ["U_ANA"]

    services.clock = lambda: datetime(2026, 11, 20, 16, tzinfo=UTC)
    await say(services, ANA, "win 30m drafted the memo with ChatGPT -> sent it early", "w1")
    reply = await digest.leadership(services, date(2026, 11, 16), date(2026, 11, 23), DigestSettings())
    reminders = next(s for s in reply.sections if s.title == "Reminders")
    assert reminders.facts[0].value == "1 person, 1 logged a win after"

    assert (await say(services, ANA, "stop reminders", "r5")).headline.startswith("Weekly reminder off")
    await nudger.tick(friday + timedelta(days=7))
    assert sent == ["U_ANA"]


async def test_days_off_needs_real_days(kb, database):
    services = Services(knowledge=kb, database=database)
    reply = await say(services, ANA, "me days off someday", "x1")
    assert reply.headline == "Say which days, e.g. `me days off fri` or `me days off sat,sun`."
