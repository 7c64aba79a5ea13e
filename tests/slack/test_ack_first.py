"""Answers give way to pending acks, later ones included, and never wait longer than the limit."""

from __future__ import annotations

import asyncio
import time

from bot.slack.ack_first import AckFirst


async def test_an_answer_goes_at_once_when_no_ack_is_pending():
    gate = AckFirst(longest_wait=5)
    started = time.perf_counter()
    await gate.turn()
    assert time.perf_counter() - started < 0.5


async def test_an_answer_waits_until_no_ack_is_pending():
    gate = AckFirst(longest_wait=5)
    order: list[str] = []

    async def answer() -> None:
        await gate.turn()
        order.append("answer")

    with gate.acking():
        with gate.acking():  # the answer's own request: its ack is not out yet either
            waiting = asyncio.ensure_future(answer())
            await asyncio.sleep(0.02)
        with gate.acking():  # a later request still goes first: acks have Slack's 3-second limit
            await asyncio.sleep(0.05)
            order.append("later ack")
        await asyncio.sleep(0.05)
        order.append("earlier ack")
    await asyncio.wait_for(waiting, 1)
    assert order == ["later ack", "earlier ack", "answer"]
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


async def test_answers_are_let_go_one_at_a_time_and_a_new_request_stops_them():
    gate = AckFirst(longest_wait=5)
    order: list[str] = []
    new_request = gate.acking()

    async def answer(name: str) -> None:
        await gate.turn()
        order.append(name)
        if name == "first":
            new_request.__enter__()  # a request reaches the server while answers are being let go

    with gate.acking():
        answers = [asyncio.ensure_future(answer(n)) for n in ("first", "second", "third")]
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)
    assert order == ["first"]
    new_request.__exit__(None, None, None)
    await asyncio.wait_for(asyncio.gather(*answers), 1)
    assert order == ["first", "second", "third"]


async def test_answers_let_go_by_the_time_limit_are_not_kept_queued():
    gate = AckFirst(longest_wait=0.05)
    with gate.acking():  # a request whose ack never completes
        for _ in range(3):
            await gate.turn()
        assert len(gate._waiting) == 0
