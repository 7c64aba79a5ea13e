"""What the language model costs reaches IT: tokens per day and the answers that went out without the
model's part, stored with each answer and shown in the IT digest (besides /metrics)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import FIXED_NOW
from fakes.openai_api import FakeOpenAI, reading
from sqlmodel import Session, select

from bot.llm.client import OpenAIChat
from bot.llm.reader import ModelReader
from handlers import ask, digest
from handlers.model import Actor, Address, Platform, Request
from storage.models import Question


def _request(text: str, request_id: str) -> Request:
    return Request(platform=Platform.SLACK, actor=Actor(user_id="U0ANA", display_name="Ana Lima"),
                   address=Address(platform=Platform.SLACK, channel="D0ANA"), text=text, command="ask",
                   request_id=request_id)  # fmt: skip


@pytest.fixture
async def model():
    fake = await FakeOpenAI().start()
    yield fake
    await fake.close()


def _stored(services) -> dict[str, Question]:
    with Session(services.database.engine) as session:
        return {q.request_id: q for q in session.exec(select(Question))}


async def test_each_answer_records_its_tokens_and_why_it_went_out_without_the_model(db_services, model):
    chat = OpenAIChat(model.base_url, "llama3.1:8b", None, 1.0)
    with_model = replace(db_services, reader=ModelReader(chat, timeout=1.0))
    model.replies.extend([
        reading(tool_ids=["otter"], use_case="meeting-notes"),  # read: 430 tokens
        500,  # the endpoint fails twice (one retry): answered without it
        500,
        reading(tool_ids=["brightline-assistant"], data_class="confidential"),  # a guess would earn a yes
    ])  # fmt: skip
    await ask.answer(_request("is the thing that joins zoom and takes notes ok for the steering meeting?", "a"),
                     with_model)  # fmt: skip
    await ask.answer(_request("can I use Grammarly for my cover letter?", "b"), with_model)
    await ask.answer(_request("can i use the new assistant for the board deck", "c"), with_model)
    await ask.answer(_request("is Otter ok for meeting notes?", "d"), db_services)  # no model configured

    stored = _stored(db_services)
    assert (stored["a"].model_tokens, stored["a"].model_fallback) == (430, None)
    assert (stored["b"].model_tokens, stored["b"].model_fallback) == (0, "error")
    assert (stored["c"].model_tokens, stored["c"].model_fallback) == (430, "loosened")
    assert (stored["d"].model_tokens, stored["d"].model_fallback) == (None, None)

    start = FIXED_NOW.date() - timedelta(days=FIXED_NOW.weekday())
    reply = await digest.it_digest(db_services, start, start + timedelta(days=7))
    section = next(s for s in reply.sections if s.title == "Language model")
    facts = {f.label: f.value for f in section.facts}
    assert facts["Tokens"] == "860 (122 a day)"
    assert f"{FIXED_NOW:%a %d} 860" in facts["Tokens by day"] and facts["Tokens by day"].count(" · ") == 6
    assert facts["Answered without it"] == (
        "2 of 3 answers (endpoint error 1, reading would have loosened the answer 1)"
    )


async def test_without_a_model_the_it_digest_has_no_model_section(db_services):
    await ask.answer(_request("is Otter ok for meeting notes?", "e"), db_services)
    start = FIXED_NOW.date() - timedelta(days=FIXED_NOW.weekday())
    reply = await digest.it_digest(db_services, start, start + timedelta(days=7))
    assert all(s.title != "Language model" for s in reply.sections)
