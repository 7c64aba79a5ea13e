"""With AIGUIDE_LLM_PHRASING the model words the answer in the asker's language; the verdict line stays the
engine's, and a wording that says yes where the engine said no, or names a tool the engine did not, is
replaced by the engine's own text."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from fakes.openai_api import FakeOpenAI, reading

from bot.llm.client import OpenAIChat
from bot.llm.reader import ModelReader
from handlers import ask
from handlers.model import Actor, Address, Platform, Request

OTTER = "¿Puedo usar Otter para las notas de la reunión con el cliente?"


def _request(text: str) -> Request:
    return Request(platform=Platform.SLACK, actor=Actor(user_id="U0ANA"), text=text, command="ask",
                   address=Address(platform=Platform.SLACK, channel="D0ANA"), request_id="t1")  # fmt: skip


@pytest.fixture
async def model():
    fake = await FakeOpenAI().start()
    yield fake
    await fake.close()


def _phrasing(services, fake, timeout: float = 2.0):
    chat = OpenAIChat(fake.base_url, "local", None, timeout)
    return replace(services, reader=ModelReader(chat, timeout=timeout, phrasing=True))


async def test_the_answer_is_worded_in_the_askers_language_under_the_engines_verdict_line(services, model):
    plain = await ask.answer(_request(OTTER), services)
    worded = "No uses Otter: no está aprobado. Para las notas de reuniones usa Microsoft 365 Copilot."
    model.replies = [reading(tool_ids=["otter"], language="es"), {"text": worded}]
    reply = await ask.answer(_request(OTTER), _phrasing(services, model))
    assert reply.headline == plain.headline  # the verdict line is the engine's
    assert reply.sections[0].text == worded
    assert reply.actions == plain.actions and reply.footer == plain.footer
    facts = model.requests[1]["messages"][1]["content"]
    assert "not_allowed" in facts and "es" in model.requests[1]["messages"][0]["content"]


@pytest.mark.parametrize(
    "wording",
    [
        "Sí, puedes usar Otter para las notas si el cliente está de acuerdo.",  # flips the verdict
        "Yes, go ahead with Otter.",
        "No uses Otter; prueba Fireflies o Midjourney.",  # names a tool the engine did not offer
    ],
)
async def test_a_wording_that_contradicts_the_answer_is_replaced(services, model, wording):
    plain = await ask.answer(_request(OTTER), services)
    model.replies = [reading(tool_ids=["otter"], language="es"), {"text": wording}]
    reply = await ask.answer(_request(OTTER), _phrasing(services, model))
    assert reply.headline == plain.headline and reply.sections == plain.sections


async def test_reading_and_wording_together_stay_within_the_timeout(services, model):
    model.delay = 0.7
    model.replies = [reading(tool_ids=["otter"], language="es"), {"text": "No uses Otter."}]
    started = time.monotonic()
    reply = await ask.answer(_request(OTTER), _phrasing(services, model, timeout=1.0))
    assert time.monotonic() - started < 1.4
    assert reply.sections == (await ask.answer(_request(OTTER), services)).sections
