"""With AIGUIDE_LLM_PHRASING the model adds a summary in the asker's language above the engine's answer; the
verdict line and every section stay the engine's, and a summary that says yes where the engine said no, or
names a tool the engine did not, is dropped."""

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


def _engine(sections):
    return tuple(s for s in sections if s.title != "How I read your question")


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
    assert _engine(reply.sections[1:]) == plain.sections  # the engine's answer follows, word for word
    assert reply.actions == plain.actions and reply.footer == plain.footer
    facts = model.requests[1]["messages"][1]["content"]
    assert "not_allowed" in facts and "es" in model.requests[1]["messages"][0]["content"]


@pytest.mark.parametrize(
    "wording",
    [
        "Sí, puedes usar Otter para las notas si el cliente está de acuerdo.",  # flips the verdict
        "Yes, go ahead with Otter.",
        "No uses Otter; prueba Fireflies o Midjourney.",  # names a tool the engine did not offer
        "Otter no está en la lista. Aun así puedes usarlo para las notas.",  # a yes by pronoun
        "Sí, sin problema: Otter funciona.",  # "sin problema" is a yes
        "Claro, adelante con Otter.",
        "Otter.ai: permitido para notas de reuniones.",
    ],
)
async def test_a_wording_that_contradicts_the_answer_is_replaced(services, model, wording):
    plain = await ask.answer(_request(OTTER), services)
    model.replies = [reading(tool_ids=["otter"], language="es"), {"text": wording}]
    reply = await ask.answer(_request(OTTER), _phrasing(services, model))
    assert reply.headline == plain.headline and _engine(reply.sections) == plain.sections


async def test_an_english_question_gets_the_engines_words_only(services, model):
    model.replies = [reading(tool_ids=["otter"], language="en"), {"text": "No, don't use Otter."}]
    await ask.answer(_request("can I use Otter for client meeting notes?"), _phrasing(services, model))
    assert len(model.requests) == 1  # no summary asked for


async def test_reading_and_wording_together_stay_within_the_timeout(services, model):
    model.delay = 0.7
    model.replies = [reading(tool_ids=["otter"], language="es"), {"text": "No uses Otter."}]
    started = time.monotonic()
    reply = await ask.answer(_request(OTTER), _phrasing(services, model, timeout=1.0))
    assert time.monotonic() - started < 1.4
    assert _engine(reply.sections) == (await ask.answer(_request(OTTER), services)).sections
