"""Acknowledged requests written down: a dead replica's are taken over once, by one replica, after its
lease runs out; a live replica's never are (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from conftest import FIXED_NOW
from sqlmodel import select

from bot.pending_answers import PendingAnswers
from handlers.services import Services
from storage.models import PendingAnswer
from storage.pending_answers import hold_many, release_many, renew, take_over

LEASE = timedelta(seconds=15)


def test_a_dead_replicas_requests_are_taken_over_once(database):
    with database.session() as session:
        hold_many(session, [("slack:command:T1:1", "slack", {"body": {"n": 1}})], owner="a", now=FIXED_NOW,
                  lease=LEASE)  # fmt: skip
        # A retried delivery of the same request changes nothing.
        hold_many(session, [("slack:command:T1:1", "slack", {"body": {"n": 2}})], owner="b", now=FIXED_NOW,
                  lease=LEASE)  # fmt: skip
    soon = FIXED_NOW + timedelta(seconds=5)
    with database.session() as session:
        assert take_over(session, owner="b", now=soon, lease=LEASE) == []  # a's lease still runs
    later = FIXED_NOW + timedelta(seconds=16)
    with database.session() as session:
        (taken,) = take_over(session, owner="b", now=later, lease=LEASE)
        assert taken.payload == {"body": {"n": 1}} and taken.attempts == 1
    with database.session() as session:
        assert take_over(session, owner="c", now=later, lease=LEASE) == []  # b holds it now
        release_many(session, [taken.key])
    with database.session() as session:
        assert session.get(PendingAnswer, taken.key) is None


def test_a_live_replica_keeps_its_requests_by_renewing(database):
    with database.session() as session:
        hold_many(session, [("k1", "slack", {}), ("k2", "slack", {})], owner="a", now=FIXED_NOW, lease=LEASE)
    renewed_at = FIXED_NOW + timedelta(seconds=12)
    with database.session() as session:
        assert renew(session, owner="a", now=renewed_at, lease=LEASE) == 2
    with database.session() as session:
        assert take_over(session, owner="b", now=FIXED_NOW + timedelta(seconds=20), lease=LEASE) == []


async def test_requests_arriving_together_are_written_in_one_go_and_crossed_off(kb, database):
    import asyncio

    pending = PendingAnswers(Services(knowledge=kb, database=database, clock=lambda: FIXED_NOW))
    held = await asyncio.gather(*(pending.hold(f"slack:event:E{n}", "slack", {"n": n}) for n in range(30)))
    assert all(held)
    with database.session() as session:
        assert len(session.exec(select(PendingAnswer)).all()) == 30
    for n in range(30):
        await pending.release(f"slack:event:E{n}")
    await pending.stop()  # crosses off what was answered before it returns
    with database.session() as session:
        assert len(session.exec(select(PendingAnswer)).all()) == 0
