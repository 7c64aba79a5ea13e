"""The optional language model, against a local stand-in speaking the OpenAI chat-completions wire format:
it reads a paraphrase into the knowledge base's ids, it may only make an answer stricter or more specific,
and every failure (slow, failing, unreadable, refusing) sends the answer out without it."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from fakes.openai_api import FakeOpenAI, reading

from bot import metrics
from bot.llm.client import OpenAIChat
from bot.llm.reader import Breaker, ModelReader
from handlers import ask
from handlers.model import Actor, Address, Platform, Request


def _request(text: str, conversation: str = "") -> Request:
    return Request(
        platform=Platform.SLACK,
        actor=Actor(user_id="U0ANA", display_name="Ana Lima", email="ana.lima@brightline.example"),
        address=Address(platform=Platform.SLACK, channel="D0ANA"),
        text=text,
        command="ask",
        request_id=f"test:{text[:20]}",
        conversation=conversation,
    )


@pytest.fixture
async def model():
    fake = await FakeOpenAI().start()
    yield fake
    await fake.close()


def _with_model(services, fake, *, timeout: float = 2.0, breaker: Breaker | None = None):
    chat = OpenAIChat(fake.base_url, "llama3.1:8b", None, timeout)
    return replace(services, reader=ModelReader(chat, timeout=timeout, breaker=breaker))


async def test_a_paraphrase_is_read_to_the_right_tool_and_the_answer_says_so(services, model):
    question = "is the thing that joins zoom and takes notes ok for the steering meeting?"
    plain = await ask.answer(_request(question), services)
    assert plain.headline.startswith("For meeting notes with internal information, use")  # no tool read
    model.replies.append(reading(tool_ids=["otter"], use_case="meeting-notes"))
    reply = await ask.answer(_request(question), _with_model(services, model))
    assert reply.headline.startswith("No, don't use Otter.ai"), reply.headline
    note = reply.sections[-1]
    assert note.title == "How I read your question" and "you mean Otter.ai" in note.text
    (sent,) = model.requests
    assert sent["model"] == "llama3.1:8b" and sent["response_format"]["type"] == "json_schema"
    schema = sent["response_format"]["json_schema"]["schema"]
    assert "otter" in schema["properties"]["tool_ids"]["items"]["enum"]


async def test_a_tool_only_the_model_read_never_earns_a_yes(services, model):
    """The person named no tool ("the new assistant", "FooBot"): a guess is not enough for a yes."""
    for question in (
        "can i use the new assistant for the board deck",
        "can I put client contracts into FooBot?",
    ):
        plain = await ask.answer(_request(question), services)
        model.replies.append(reading(tool_ids=["brightline-assistant"], data_class="confidential"))
        reply = await ask.answer(_request(question), _with_model(services, model))
        assert reply.headline == plain.headline and not reply.headline.startswith("Yes")


async def test_a_model_guess_is_not_carried_into_the_next_turn(services, model):
    """The answer used the model's "confidential"; the conversation remembers what the person said, so a
    follow-up is read (and compared) afresh."""
    with_model = _with_model(services, model)
    model.replies.append(reading(tool_ids=["grammarly"], data_class="confidential"))
    request = _request("can I use Grammarly to tidy up my writeup of the offsite?", "c2")
    answered = await ask.read_request(request, with_model)
    ask.remember(request, with_model, answered)
    assert answered.assumed  # the answer used the reading
    kept = with_model.conversations.get(_request("and with deepl?", "c2"), services.clock())
    assert kept is not None and "confidential" not in kept.reading.data_classes


async def test_the_request_carries_the_redacted_question_and_nothing_about_the_person(services, model):
    model.replies.append(reading())
    await ask.answer(_request("can I send jane.doe@client.example and +44 7700 900123 to Copilot?"),
                     _with_model(services, model))  # fmt: skip
    body = json.dumps(model.requests[0])
    assert "jane.doe@client.example" not in body and "7700 900123" not in body
    assert "U0ANA" not in body and "ana.lima" not in body and "Ana Lima" not in body
    assert model.headers[0]["Authorization"] == "Bearer not-needed"  # a local server needs no key


async def test_invented_ids_are_dropped(services, model):
    question = "can i use the new assistant for the board deck"
    plain = await ask.answer(_request(question), services)
    model.replies.append({"tool_ids": ["gpt-9-enterprise"], "unknown_tools": ["<script>"],
                          "data_class": "ultra-secret", "use_case": "world-domination", "language": "xx"})  # fmt: skip
    reply = await ask.answer(_request(question), _with_model(services, model))
    assert reply.headline == plain.headline and reply.sections == plain.sections


async def test_a_model_claiming_public_data_changes_nothing_for_an_ssn(services, model):
    question = "can I paste my SSN 123-45-6789 into ChatGPT Enterprise?"
    model.replies.append(reading(tool_ids=["chatgpt-enterprise"], data_class="public", use_case="writing"))
    assessment = await ask.read_request(_request(question), _with_model(services, model))
    assert str(assessment.verdict) == "not_allowed"
    assert assessment.understanding.data_class == "restricted"


async def test_a_reading_that_would_turn_a_question_back_into_a_yes_is_set_aside(services, model):
    question = "can I paste the export into ChatGPT Enterprise?"
    plain = ask.assess_request(_request(question), services)
    assert str(plain.verdict) == "clarify"  # which export? the answer asks
    model.replies.append(reading(tool_ids=["chatgpt-enterprise"], data_class="public"))
    assessment = await ask.read_request(_request(question), _with_model(services, model))
    assert (
        str(assessment.verdict) == "clarify" and not assessment.assumed
    )  # the model does not answer for the person


async def test_a_model_can_make_an_answer_stricter(services, model):
    question = "can I use Grammarly to tidy up my writeup of the offsite?"
    assert str(ask.assess_request(_request(question), services).verdict) == "allowed"
    model.replies.append(reading(tool_ids=["grammarly"], data_class="confidential"))
    assessment = await ask.read_request(_request(question), _with_model(services, model))
    assert str(assessment.verdict) == "conditional"  # Grammarly takes confidential text only on a condition
    assert assessment.assumed == ("the information is Confidential",)


async def test_a_slow_endpoint_falls_back_within_the_timeout(services, model):
    model.delay = 3.0
    model.replies.append(reading(tool_ids=["grammarly"], data_class="confidential"))
    before = metrics.LLM_FALLBACKS.labels("timeout")._value.get()
    started = time.monotonic()
    reply = await ask.answer(_request("can I use Grammarly to tidy up my writeup of the offsite?"),
                             _with_model(services, model, timeout=0.5))  # fmt: skip
    assert time.monotonic() - started < 1.5
    assert reply.headline.startswith("Yes")  # the deterministic answer, on time
    assert metrics.LLM_FALLBACKS.labels("timeout")._value.get() == before + 1


async def test_a_failing_endpoint_falls_back_and_opens_the_breaker(services, model):
    model.replies.extend([500] * 10)
    reader_services = _with_model(services, model, breaker=Breaker(failures=2, seconds=60))
    for _ in range(3):
        reply = await ask.answer(_request("is Otter ok for meeting notes?"), reader_services)
        assert reply.headline.startswith("No")
    calls = len(model.requests)
    assert calls == 4  # two questions, each tried twice (one retry); the third never called
    assert reader_services.reader.health()["state"] == "paused after failures"


async def test_an_endpoint_without_structured_outputs_is_asked_for_json(services, model):
    model.structured = False
    model.replies.append(
        "```json\n" + json.dumps(reading(tool_ids=["grammarly"], data_class="confidential")) + "\n```"
    )
    assessment = await ask.read_request(_request("can I use Grammarly to tidy up my writeup of the offsite?"),
                                        _with_model(services, model))  # fmt: skip
    assert str(assessment.verdict) == "conditional"
    assert [r["response_format"]["type"] for r in model.requests] == ["json_schema", "json_object"]


async def test_an_unreadable_answer_is_no_reading(services, model):
    model.replies.append("I think the user wants to use Grammarly. It's fine!")
    assessment = await ask.read_request(_request("can I use Grammarly to tidy up my writeup of the offsite?"),
                                        _with_model(services, model))  # fmt: skip
    assert str(assessment.verdict) == "allowed" and not assessment.assumed
