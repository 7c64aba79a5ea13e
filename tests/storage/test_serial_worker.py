"""The SQLite work thread: answers reach the right caller, failures stay with theirs, the loop stays free."""

from __future__ import annotations

import asyncio
import threading

import pytest

from storage.serial_worker import SerialWorker


@pytest.fixture
def worker():
    serial = SerialWorker()
    yield serial
    serial.stop()


async def test_each_caller_gets_its_own_answer_in_the_order_asked(worker):
    ran: list[int] = []

    def job(n: int):
        def work() -> int:
            ran.append(n)
            return n * n

        return work

    results = await asyncio.gather(*(worker.run(job(n)) for n in range(200)))
    assert results == [n * n for n in range(200)]
    assert ran == list(range(200))


async def test_a_failure_reaches_only_the_caller_whose_work_failed(worker):
    def boom() -> None:
        raise ValueError("no such win")

    fine, failed, after = await asyncio.gather(
        worker.run(lambda: "first"), worker.run(boom), worker.run(lambda: "third"), return_exceptions=True
    )
    assert fine == "first" and after == "third"
    assert isinstance(failed, ValueError) and str(failed) == "no such win"


async def test_work_runs_on_one_thread_that_is_not_the_event_loop(worker):
    threads = await asyncio.gather(*(worker.run(threading.get_ident) for _ in range(50)))
    assert len(set(threads)) == 1
    assert threads[0] != threading.get_ident()


async def test_the_event_loop_keeps_running_while_slow_work_runs(worker):
    release = threading.Event()
    slow = asyncio.ensure_future(worker.run(lambda: release.wait(5)))
    ticks = 0
    for _ in range(5):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 5 and not slow.done()
    release.set()
    assert await slow is True


async def test_stopping_finishes_queued_work_and_a_later_call_starts_again(worker):
    results = [worker.run(lambda n=n: n) for n in range(20)]
    pending = [asyncio.ensure_future(r) for r in results]
    await asyncio.sleep(0)
    await asyncio.to_thread(worker.stop)
    assert await asyncio.gather(*pending) == list(range(20))
    assert await worker.run(lambda: "again") == "again"


def test_callers_on_different_event_loops_each_hear_back(worker):
    answers: dict[str, str] = {}

    def caller(name: str) -> None:
        answers[name] = asyncio.run(worker.run(lambda: f"for {name}"))

    threads = [threading.Thread(target=caller, args=(f"loop{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == {f"loop{n}": f"for loop{n}" for n in range(4)}


async def test_quick_work_is_not_held_back_by_slow_work_queued_after_it(worker):
    release = threading.Event()
    quick = asyncio.ensure_future(worker.run(lambda: "quick"))
    slow = asyncio.ensure_future(worker.run(lambda: release.wait(5)))
    assert await asyncio.wait_for(quick, 1) == "quick"
    assert not slow.done()
    release.set()
    assert await slow is True


async def test_work_that_raises_stop_iteration_fails_only_its_own_caller(worker):
    def exhausted() -> None:
        next(iter(()))

    failed, fine = await asyncio.wait_for(
        asyncio.gather(worker.run(exhausted), worker.run(lambda: "fine"), return_exceptions=True), 2
    )
    assert isinstance(failed, RuntimeError) and "StopIteration" in str(failed)
    assert fine == "fine"


def test_stopping_while_other_threads_send_work_loses_no_caller(worker):
    answered: list[int] = []

    def caller(n: int) -> None:
        async def many() -> None:
            for i in range(50):
                answered.append(await asyncio.wait_for(worker.run(lambda i=i: i), 5))

        asyncio.run(many())

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(20):
        worker.stop()
    for thread in threads:
        thread.join(30)
    assert len(answered) == 200


def test_a_loop_closed_before_collecting_its_results_is_not_kept(worker):
    from storage import serial_worker

    loop = asyncio.new_event_loop()
    future = loop.create_future()
    serial_worker._post(loop, (future, "late", None))  # the loop is idle: its collection only queues
    loop.close()  # ...and closing throws that collection away
    asyncio.run(worker.run(lambda: None))  # any later work sweeps closed loops out
    assert loop not in serial_worker._boxes
