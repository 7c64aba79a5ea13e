"""Every stored timestamp comes from the clock in Services, never from the machine's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request
from storage.models import Person, Question, QuestionVote, ToolRequest, ToolRequester, Win

FAR_AWAY = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)  # years from any day the suite may run on
ANA = Actor(user_id="U_ANA", display_name="Ana")


async def test_rows_written_by_commands_carry_the_services_clock(db_services):
    db_services.clock = lambda: FAR_AWAY
    router = build_router()

    async def say(text: str, request_id: str):
        request = Request(
            platform=Platform.SLACK,
            actor=ANA,
            address=Address(platform=Platform.SLACK, channel="D1"),
            text=text,
            request_id=request_id,
            received_at=datetime(2001, 1, 1, tzinfo=UTC),  # what the platform said; not what is stored
        )
        return await router.dispatch(request, db_services)

    await say("win 20m summarized the RFP with ChatGPT Enterprise", "w-1")
    await say("can I paste a client contract into ChatGPT?", "q-1")
    await say("request DeepSeek because it reads scanned PDFs", "r-1")
    vote = Request(
        platform=Platform.SLACK,
        actor=ANA,
        address=Address(platform=Platform.SLACK, channel="D1"),
        text="up q-1",
        command="feedback",
        request_id="v-1",
    )
    await router.dispatch(vote, db_services)

    stamps = {
        "person": [p.created_at for p in _all(db_services, Person)],
        "win": [w.created_at for w in _all(db_services, Win)],
        "question": [q.asked_at for q in _all(db_services, Question)],
        "request": [r.created_at for r in _all(db_services, ToolRequest)],
        "requester": [r.created_at for r in _all(db_services, ToolRequester)],
    }
    assert all(stamps.values()), stamps
    assert {when for values in stamps.values() for when in values} == {FAR_AWAY}
    assert [v.voted_at for v in _all(db_services, QuestionVote)] == [FAR_AWAY]


def _all(services, model):
    with services.database.session() as session:
        return list(session.exec(select(model)))
