"""The weekly digests on a clock: APScheduler only ticks; the database decides what is due and who sends.

A digest is due at its target's weekday and wall-clock time in its own time zone (so daylight-saving
changes keep 09:00 at 09:00). A tick that finds one due claims it, builds it and sends it; a digest
missed while the service was down goes out when it is back, unless it is more than 48 hours late.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from bot import metrics
from bot.surface import PersonSender, PostedCheck, Sender
from handlers import alignment, digest, periods
from handlers.model import Action, Reply, Section, Status
from handlers.services import Services
from storage import digest_runs, nudges

log = logging.getLogger(__name__)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CATCH_UP = timedelta(hours=48)
LEASE = timedelta(minutes=10)


class DigestTarget(BaseModel):
    """One digest destination, from AIGUIDE_DIGEST_TARGETS (a JSON list of these)."""

    name: str = Field(pattern=r"^[\w.-]{1,100}$")
    kind: str = Field(pattern=r"^(leadership|it)$")
    platform: str = Field(pattern=r"^(slack|teams)$")
    channel: str = Field(min_length=1, description="Slack channel id, or a stored Teams conversation id.")
    weekday: str = "mon"
    time: str = Field("09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "UTC"
    alignment: bool = Field(
        True,
        description="Leadership targets: on the first send day of each month, also last month's alignment report.",
    )

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        value = value.strip().lower()[:3]
        if value not in WEEKDAYS:
            raise ValueError(f"weekday must be one of {', '.join(WEEKDAYS)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, KeyError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Europe/London") from None
        return value


def last_due(target: DigestTarget, now: datetime) -> datetime:
    """The most recent scheduled send at or before `now`, as an aware datetime in the target's zone."""
    zone = ZoneInfo(target.timezone)
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in target.time.split(":"))
    days_back = (local.weekday() - WEEKDAYS.index(target.weekday)) % 7
    day = local.date() - timedelta(days=days_back)
    scheduled = datetime.combine(day, time(hour, minute), tzinfo=zone)
    if scheduled > local:
        scheduled = datetime.combine(day - timedelta(days=7), time(hour, minute), tzinfo=zone)
    return scheduled


def covered_week(scheduled: datetime) -> tuple[date, date, str]:
    """The last full Monday–Sunday week before the send day, and its ISO name."""
    start, end = digest.last_full_week(scheduled.date())
    year, week, _ = start.isocalendar()
    return start, end, f"{year}-W{week:02d}"


class DigestScheduler:
    def __init__(
        self,
        services: Services,
        targets: list[DigestTarget],
        senders: dict[str, Sender],
        *,
        checks: dict[str, PostedCheck] | None = None,
        me: str | None = None,
    ):
        self.services = services
        self.targets = targets
        self.senders = senders
        self.checks = checks or {}
        self.me = me or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"

    async def tick(self, now: datetime) -> list[str]:
        """Send whatever is due; returns the 'target:period' keys this replica sent."""
        sent = []
        for target in self.targets:
            scheduled = last_due(target, now)
            if now - scheduled <= CATCH_UP:  # later than that is not news; next week's goes out on time
                start, end, period = covered_week(scheduled)
                build = lambda t=target, s=start, e=end: self.build(t, s, e)  # noqa: E731
                if await self._send(target, period, build, now):
                    sent.append(f"{target.name}:{period}")
            if target.kind == "leadership" and target.alignment and scheduled.day <= 7:
                # The first send day of the month also brings last month's alignment report.
                month = periods.last_full_month(scheduled.date())
                period = f"alignment-{month.name}"
                report = lambda m=month: alignment.report(self.services, m)  # noqa: E731
                if now - scheduled <= CATCH_UP and await self._send(target, period, report, now):
                    sent.append(f"{target.name}:{period}")
        return sent

    async def _send(self, target: DigestTarget, period: str, build, now: datetime) -> bool:
        """Claim, build, send and record one post; True when this replica sent it."""
        owned = await self.services.transaction(
            lambda s: digest_runs.claim(
                s, target=target.name, period=period, me=self.me, now=now, lease=LEASE
            )
        )
        if not owned:
            return False
        key = f"{target.name}:{period}"
        if owned == "claimed" and await self._posted_before(target, period, key, now):
            return False
        try:
            reply = await build()
            reference = await self.senders[target.platform](target, reply, key)
        except Exception as error:
            log.exception("digest %s for %s failed", target.name, period)
            metrics.DIGESTS.labels("failed").inc()
            said = f"{error.__class__.__name__}: {error}"
            await self.services.transaction(
                lambda s: digest_runs.mark_failed(
                    s, target=target.name, period=period, me=self.me, error=said
                )
            )
            return False
        await self.services.transaction(
            lambda s: digest_runs.mark_sent(
                s, target=target.name, period=period, me=self.me, now=now, message_ref=reference
            )
        )
        log.info("digest %s for %s sent (%s)", target.name, period, reference)
        metrics.DIGESTS.labels("sent").inc()
        return True

    async def _posted_before(self, target: DigestTarget, period: str, key: str, now: datetime) -> bool:
        """The previous sender stopped after claiming: did its post go out? Where the platform can say
        (Slack: the post's metadata), a post found is recorded as sent; where it cannot, the digest is
        not sent again (at most once) and the run is marked so the IT team can see it."""
        check = self.checks.get(target.platform)
        reference, reason = None, f"{target.platform} cannot tell whether it was posted"
        if check is not None:
            try:
                reference = await check(target, key)
                if reference is None:
                    return False
            except Exception as error:
                reason = f"could not check the channel ({error.__class__.__name__}: {error})"
        if reference is not None:
            log.info("digest %s was already posted by the replica that stopped (%s)", key, reference)
            await self.services.transaction(
                lambda s: digest_runs.mark_sent(
                    s, target=target.name, period=period, me=self.me, now=now, message_ref=reference
                )
            )
            return True
        log.warning("digest %s not sent again: its sender stopped while sending and %s", key, reason)
        await self.services.transaction(
            lambda s: digest_runs.mark_unconfirmed(
                s, target=target.name, period=period, me=self.me,
                error=f"not sent again after its sender stopped: {reason}",
            )
        )  # fmt: skip
        return True

    async def build(self, target: DigestTarget, start: date, end: date) -> Reply:
        if target.kind == "it":
            return await digest.it_digest(self.services, start, end)
        return await digest.leadership(self.services, start, end, self.services.digest)


def start_ticking(*schedulers, clock: Callable[[], datetime], minutes: int = 5):
    """APScheduler 3 inside the running loop; every tick asks the database what is due, at `clock`'s time."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    ticker = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})

    async def tick() -> None:
        now = clock()
        for scheduler in schedulers:
            try:
                await scheduler.tick(now)
            except Exception:  # one failing clock must not stop the others, or the next tick
                log.exception("scheduled work failed")

    # APScheduler only paces the ticks; the first one runs at once, and what is due is judged by `clock`.
    ticker.add_job(tick, "interval", minutes=minutes)
    ticker.start()
    ticker.first_tick = asyncio.get_running_loop().create_task(tick())
    return ticker


NUDGE = Reply(
    status=Status.INFO,
    headline="What did AI help you with this week?",
    sections=(
        Section(
            text="Log it in one line, e.g. `win 45m drafted the RFP response with Copilot -> sent it a day early`, "
            "or open the form. Leaders see the hours and what they led to; you are named only if you say #share."
        ),
    ),
    actions=(Action("Log a win", "win", ""), Action("Stop these reminders", "stop", "reminders")),
    footer="You get this because you turned reminders on (me reminders on).",
)


class NudgeScheduler:
    """The opt-in weekly reminder to log wins: one per person and week, never on their days off."""

    def __init__(self, services: Services, senders: dict[str, PersonSender], *, weekday: str = "fri",
                 time_of_day: str = "15:00", timezone: str = "UTC", me: str | None = None):  # fmt: skip
        self.services = services
        self.senders = senders
        self.slot = DigestTarget(name="nudges", kind="it", platform="slack", channel="-", weekday=weekday,
                                 time=time_of_day, timezone=timezone)  # fmt: skip
        self.me = me or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"

    async def tick(self, now: datetime) -> list[int]:
        scheduled = last_due(self.slot, now)
        if now - scheduled > CATCH_UP:
            return []
        year, week, _ = scheduled.date().isocalendar()
        period = f"{year}-W{week:02d}"
        people = await self.services.transaction(
            lambda s: nudges.people_to_nudge(s, weekday=self.slot.weekday)
        )
        done = []
        for person in people:
            sender = self.senders.get(person.platform)
            if sender is None:
                continue
            target = f"{nudges.NUDGE_PREFIX}{person.id}"
            owned = await self.services.transaction(
                lambda s, t=target: digest_runs.claim(
                    s, target=t, period=period, me=self.me, now=now, lease=LEASE
                )
            )
            if not owned:
                continue
            try:
                reference = await sender(person)
            except Exception as error:
                log.warning("reminder to person %s failed: %s", person.id, error)
                await self.services.transaction(
                    lambda s, t=target, e=error: digest_runs.mark_failed(
                        s, target=t, period=period, me=self.me, error=str(e)
                    )
                )
                continue
            await self.services.transaction(
                lambda s, t=target, r=reference: digest_runs.mark_sent(
                    s, target=t, period=period, me=self.me, now=now, message_ref=r
                )
            )
            done.append(person.id or 0)
        return done
