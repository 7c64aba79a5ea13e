"""Tells every requester what became of their tool review, in a direct message, once.

The database says who still has to hear what (a requester's `told` status against the request's);
each notice is claimed like a digest run, so two replicas never send the same one, and one whose sender
died or failed is tried again after its lease, a few times, then shows in the IT digest as not
delivered. A decision wakes the loop at once; otherwise it looks every POLL_S seconds, which also
picks up decisions made on another replica and knowledge-base changes that publish a decided tool.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import socket
import uuid
from datetime import timedelta

from bot import metrics
from bot.background import cancel
from bot.surface import Messenger, Sender
from handlers import reviews
from handlers.feedback import answer_notice
from handlers.model import Fact, Reply, Section, Status
from handlers.services import Services
from storage import digest_runs, tool_requests
from storage import feedback as feedback_store

log = logging.getLogger(__name__)

POLL_S = 30.0
LEASE = timedelta(minutes=2)


class ReviewNotices:
    def __init__(self, services: Services, messengers: dict[str, Messenger], *, poll: float = POLL_S):
        self.services = services
        self.messengers = messengers
        self.poll = poll
        self.me = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    async def send_due(self) -> int:
        """Publishes what the knowledge base now lists, then sends the notices due; the number sent."""
        services = self.services
        await reviews.publish_listed(services)
        platforms = tuple(self.messengers)
        due = await services.transaction(lambda s: tool_requests.notices_due(s, platforms=platforms))
        sent = 0
        for notice in due:
            if notice.status == "published" and not reviews.is_published(notice.request, services.knowledge):
                continue  # marked published by a replica already on the new policy; this one is not yet
            sent += await self._send(notice)
        answers = await services.transaction(lambda s: feedback_store.answers_due(s, platforms=platforms))
        for question, person in answers:
            sent += await self._send_answer(question, person)
        return sent

    async def _send_answer(self, question, person) -> int:
        """IT's answer to a question passed to a human, to the person who asked: once per answer."""

        def told(session, *, settled: bool = False) -> None:
            feedback_store.mark_answer_told(
                session, question_id=question.id, answered_at=question.it_answered_at
            )

        reply = answer_notice(question, self.services.knowledge)
        key = (f"answer:{question.request_id}"[:100], str(question.it_answered_at)[:40])
        return await self._deliver(key, person, reply, told, f"IT's answer to question {question.id}")

    async def _send(self, notice: tool_requests.Notice) -> int:
        period = _period(notice.request, notice.status)

        def told(session, *, settled: bool = False) -> None:
            current = session.get(type(notice.request), notice.request.id)
            # IT may have asked something new while this was being sent: that one is still due.
            if settled or (current is not None and _period(current, current.status) == period):
                tool_requests.mark_told(session, requester_id=notice.requester_id, status=notice.status)

        reply = reviews.notice(notice.request, notice.status, self.services.knowledge, notice.reason)
        key = (f"review:{notice.request.ref}:{notice.person.id}", period)
        what = f"review notice for {notice.request.tool_name} ({notice.status})"
        return await self._deliver(key, notice.person, reply, told, what)

    async def _deliver(self, key: tuple[str, str], person, reply, told, what: str) -> int:
        """Claims the notice, sends it, and records it sent (`told`); 1 when this replica sent it."""
        services = self.services
        target, period = key
        now = services.clock()

        def claim(session) -> str:
            owned = digest_runs.claim(session, target=target, period=period, me=self.me, now=now, lease=LEASE)
            if not owned and digest_runs.settled(session, target=target, period=period):
                told(session, settled=True)  # sent already, or given up after its attempts: never due again
            return owned

        if not await services.transaction(claim):
            return 0
        try:
            reference = await self.messengers[person.platform](person, reply)
        except Exception as error:
            reason = f"{error.__class__.__name__}: {error}"
            log.warning("%s to person %s not sent: %s", what, person.id, reason)
            metrics.failed(person.platform, reason)
            await services.transaction(
                lambda s: digest_runs.mark_failed(s, target=target, period=period, me=self.me, error=reason)
            )
            return 0

        def sent(session) -> None:
            digest_runs.mark_sent(session, target=target, period=period, me=self.me, now=services.clock(),
                                  message_ref=reference)  # fmt: skip
            told(session)

        await services.transaction(sent)
        metrics.delivered(person.platform)
        return 1

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="review-notices")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)

    async def _run(self) -> None:
        while True:
            try:
                await self.send_due()
            except Exception:
                log.exception("review notices: this round failed; trying again in %.0f s", self.poll)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)
            self._wake.clear()


def _period(request, status: str) -> str:
    # IT may ask more than once: each question is a notice of its own.
    if status == "in_review":
        return f"in_review:{hashlib.sha1(request.note.encode()).hexdigest()[:8]}"
    return status


class OverdueReviews:
    """Raises review requests open longer than `days` in IT's channels: each once per `days` it waits,
    in one post per platform, by one replica."""

    def __init__(self, services: Services, posters: dict[str, tuple[Sender, str]], *, days: int):
        self.services = services
        self.posters = posters  # platform -> (digest sender, IT channel or conversation)
        self.days = days
        self.me = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"

    async def tick(self, now) -> list[str]:
        from bot.scheduler import DigestTarget

        if self.days <= 0 or not self.posters:
            return []
        services = self.services
        waiting = await services.transaction(
            lambda s: tool_requests.overdue(s, opened_before=now - timedelta(days=self.days))
        )
        raised: list[str] = []
        for platform, (send, channel) in self.posters.items():
            fresh = []
            for item in waiting:
                key = self._key(platform, item, now)
                owned = await services.transaction(
                    lambda s, k=key: digest_runs.claim(
                        s, target=k[0], period=k[1], me=self.me, now=now, lease=LEASE
                    )
                )
                if owned:
                    fresh.append(item)
            if not fresh:
                continue
            target = DigestTarget(name="reviews", kind="it", platform=platform, channel=channel)
            reply = overdue_reply(fresh, now, self.days)
            try:
                await send(target, reply, f"review-overdue:{now.date().isoformat()}")
                failed = ""
            except Exception as error:
                failed = repr(error)
                log.warning("overdue reviews not posted to %s: %s", platform, failed)
                metrics.failed(platform, str(error) or error.__class__.__name__)
            await services.transaction(lambda s, p=platform, f=fresh, e=failed: self._mark(s, p, f, now, e))
            if failed:
                continue
            raised += [item.request.ref for item in fresh]
        return raised

    def _key(self, platform: str, item: tool_requests.OpenRequest, now) -> tuple[str, str]:
        window = (now - item.request.created_at).days // self.days
        return f"review-overdue:{platform}:{item.request.ref}", str(window)

    def _mark(self, session, platform: str, items, now, failed: str) -> None:
        for item in items:
            target, period = self._key(platform, item, now)
            if failed:
                digest_runs.mark_failed(session, target=target, period=period, me=self.me, error=failed)
            else:
                digest_runs.mark_sent(
                    session, target=target, period=period, me=self.me, now=now, message_ref="posted"
                )


def overdue_reply(waiting: list[tool_requests.OpenRequest], now, days: int) -> Reply:
    facts = tuple(
        Fact(
            item.request.tool_name,
            f"{item.requesters} {'person' if item.requesters == 1 else 'people'} waiting for "
            f"{(now - item.request.created_at).days} days"
            + (" (IT asked them for more)" if item.request.status == "in_review" else ""),
        )
        for item in waiting
    )
    return Reply(
        status=Status.INFO,
        headline=f"Tool reviews waiting longer than {days} days",
        sections=(
            Section(facts=facts),
            Section(
                text="People who wait stop asking and go back to their own accounts. Decide with `decide TOOL approve|pilot|reject …`, or the buttons on the request's card."
            ),
        ),
    )
