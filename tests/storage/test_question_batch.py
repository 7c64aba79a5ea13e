"""The server's questions log: written in batches, kept while the database is away, never lost on a stop."""

from __future__ import annotations

import itertools

from sqlmodel import select

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request
from storage.models import Person, Question
from storage.question_batch import QuestionBatch

_ids = itertools.count(1)


def ask(text: str, user: str = "U_ANA") -> Request:
    return Request(
        platform=Platform.SLACK,
        actor=Actor(user_id=user, display_name=user.lower(), email=f"{user.lower()}@example.org"),
        address=Address(platform=Platform.SLACK, channel="D1"),
        text=text,
        request_id=f"slack:batch-{next(_ids)}",
    )


def stored(services) -> list[Question]:
    with services.database.session() as session:
        return list(session.exec(select(Question).order_by(Question.id)))


async def test_questions_are_written_in_one_batch_with_their_askers(db_services):
    db_services.question_batch = QuestionBatch(db_services.database, db_services.clock)
    router = build_router()
    first, other = (
        ask("can I paste a client contract into ChatGPT?"),
        ask("is Otter ok for meeting notes?", "U_BEN"),
    )
    for request in (first, other, first):  # `first` twice: a retried delivery
        await router.dispatch(request, db_services)
    assert stored(db_services) == []  # queued, not yet written
    assert await db_services.question_batch.flush() == 3
    rows = stored(db_services)
    assert [q.request_id for q in rows] == [first.request_id, other.request_id]
    assert rows[0].verdict == "conditional" and rows[0].asked_at.date() == db_services.today()
    with db_services.database.session() as session:
        people = {p.user_id: p.id for p in session.exec(select(Person))}
    assert {q.person_id for q in rows} == set(people.values())


async def test_a_vote_right_after_the_answer_finds_its_question(db_services):
    db_services.question_batch = QuestionBatch(db_services.database, db_services.clock)
    router = build_router()
    question = ask("can I paste a client contract into ChatGPT?")
    answer = await router.dispatch(question, db_services)
    assert "👍 Helpful" in [a.label for a in answer.actions]
    vote = Request(
        platform=Platform.SLACK, actor=question.actor, address=question.address,
        text=f"up {question.request_id}", command="feedback", request_id="slack:vote-1",
    )  # fmt: skip
    thanks = await router.dispatch(vote, db_services)
    assert thanks.headline == "Thanks, glad it helped."


async def test_questions_wait_for_a_database_that_is_away(db_services, monkeypatch):
    database = db_services.database
    batch = QuestionBatch(database, db_services.clock)
    db_services.question_batch = batch
    router = build_router()
    working = database.run

    async def down(_work):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(database, "run", down)
    await router.dispatch(ask("can I paste a client contract into ChatGPT?"), db_services)
    batch.start()
    await batch.stop()  # the stop tries once more and reports, without raising
    assert batch.pending == 1 and batch.failing
    # While the log waits, answers still come, without buttons that could not work.
    answer = await router.dispatch(ask("is Otter ok for meeting notes?"), db_services)
    assert answer.headline and "👍 Helpful" not in [a.label for a in answer.actions]
    monkeypatch.setattr(database, "run", working)
    assert await batch.flush() == 2 and not batch.failing
    assert len(stored(db_services)) == 2


async def test_a_long_outage_keeps_the_newest_questions(db_services):
    batch = QuestionBatch(db_services.database, db_services.clock, max_pending=3)
    db_services.question_batch = batch
    router = build_router()
    requests = [ask(f"is Otter ok for meeting notes? {n}") for n in range(5)]
    for request in requests:
        await router.dispatch(request, db_services)
    assert batch.pending == 3 and batch.dropped == 2
    await batch.flush()
    assert [q.request_id for q in stored(db_services)] == [r.request_id for r in requests[2:]]


async def test_a_question_the_database_refuses_is_dropped_alone(db_services, monkeypatch):
    from sqlalchemy.exc import DataError

    from storage import question_batch

    batch = QuestionBatch(db_services.database, db_services.clock)
    db_services.question_batch = batch
    router = build_router()
    requests = [ask(f"is Otter ok for meeting notes? {n}") for n in range(3)]
    poisoned = requests[1].request_id
    real_write = question_batch.write

    def write(session, rows):
        if any(r.request_id == poisoned for r in rows):
            raise DataError("INSERT INTO questions", {}, ValueError("value too long for type"))
        real_write(session, rows)

    monkeypatch.setattr(question_batch, "write", write)
    for request in requests:
        await router.dispatch(request, db_services)
    assert await batch.flush() == 2  # the others are written; the queue is not stuck on the bad one
    assert batch.pending == 0 and batch.dropped == 1 and not batch.failing
    assert [q.request_id for q in stored(db_services)] == [requests[0].request_id, requests[2].request_id]
