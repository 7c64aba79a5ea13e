"""Answers give way to pending acks, and never wait longer than the limit."""

from __future__ import annotations

import asyncio
import time

from bot.slack.ack_first import AckFirst


async def test_an_answer_goes_at_once_when_no_ack_is_pending():
    gate = AckFirst(longest_wait=5)
    started = time.perf_counter()
    await gate.turn()
    assert time.perf_counter() - started < 0.5


async def test_an_answer_waits_until_the_pending_acks_are_sent():
    gate = AckFirst(longest_wait=5)
    order: list[str] = []

    async def answer() -> None:
        await gate.turn()
        order.append("answer")

    with gate.acking():
        with gate.acking():
            waiting = asyncio.ensure_future(answer())
            await asyncio.sleep(0.05)
            order.append("first ack")
        await asyncio.sleep(0.05)
        order.append("second ack")
    await asyncio.wait_for(waiting, 1)
    assert order == ["first ack", "second ack", "answer"]
    assert gate.pending == 0


async def test_an_answer_never_waits_longer_than_the_limit():
    gate = AckFirst(longest_wait=0.1)
    with gate.acking():  # requests that never stop coming
        started = time.perf_counter()
        await gate.turn()
        waited = time.perf_counter() - started
    assert 0.09 <= waited < 1.0


async def test_a_failed_request_does_not_hold_answers_back():
    gate = AckFirst(longest_wait=5)
    try:
        with gate.acking():
            raise ValueError("bad payload")
    except ValueError:
        pass
    started = time.perf_counter()
    await gate.turn()
    assert gate.pending == 0 and time.perf_counter() - started < 0.5
