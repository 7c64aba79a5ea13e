"""Many people logging wins at once: every win stored once, nobody told the database is busy."""

from __future__ import annotations

import asyncio

from sqlalchemy import func
from sqlmodel import select

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from storage.models import Person, Win

TASKS = 20
WINS_EACH = 100


async def test_two_thousand_wins_from_twenty_tasks(db_services):
    router = build_router()

    async def person(n: int) -> list:
        actor = Actor(user_id=f"U{n:03d}", display_name=f"Person {n}")
        replies = []
        for i in range(WINS_EACH):
            request = Request(
                platform=Platform.SLACK,
                actor=actor,
                address=Address(platform=Platform.SLACK, channel="D1"),
                text=f"win {5 + i % 50}m summarized meeting notes with Copilot -> sent minutes early #{i}",
                request_id=f"load-{n}-{i}",
            )
            replies.append(await router.dispatch(request, db_services))
        return replies

    results = await asyncio.gather(*(person(n) for n in range(TASKS)))
    replies = [r for batch in results for r in batch]
    failures = [r.headline for r in replies if r.status != Status.SUCCESS]
    assert failures == []
    with db_services.database.session() as session:
        assert session.exec(select(func.count(Win.id))).one() == TASKS * WINS_EACH
        assert session.exec(select(func.count(Person.id))).one() == TASKS
        assert session.exec(select(func.count(func.distinct(Win.request_id)))).one() == TASKS * WINS_EACH
