"""The model as a person meets it: `aiguide ask` and `aiguide serve` started as processes, configured by the
environment variables of docs/llm.md, against the local stand-in."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import sys
import time
from datetime import UTC, datetime

import aiohttp
import pytest
from fakes.bot_connector import FakeConnector
from fakes.openai_api import FakeOpenAI, reading
from fakes.server_process import ServerProcess
from fakes.slack_client import payload

QUESTION = "can I use Grammarly to tidy up my writeup of the offsite?"


@pytest.fixture
async def model():
    fake = await FakeOpenAI().start()
    yield fake
    await fake.close()


async def _ask(tmp_path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    return await _cli(tmp_path, env, "ask", *args)


async def _cli(tmp_path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AIGUIDE_", "SLACK_", "MICROSOFT_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env={**keep, "AIGUIDE_DATA_DIR": str(tmp_path), "AIGUIDE_CACHE_DIR": str(tmp_path / "cache"), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_with_the_model_off_no_connection_is_attempted(tmp_path, model):
    code, out, _ = await _ask(tmp_path, {}, "--json", QUESTION)
    assert code == 0 and json.loads(out)["verdict"] == "allowed"
    assert model.requests == []


async def test_aiguide_ask_reads_with_the_model_and_says_what_it_assumed(tmp_path, model):
    model.replies = [reading(tool_ids=["grammarly"], data_class="confidential")] * 2
    env = {"AIGUIDE_LLM_BASE_URL": model.base_url, "AIGUIDE_LLM_MODEL": "llama3.1:8b"}
    code, out, err = await _ask(tmp_path, env, "--json", QUESTION)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["verdict"] == "conditional" and answer["assumed"] == ["the information is Confidential"]
    code, out, err = await _ask(tmp_path, env, QUESTION)
    assert code == 0, err
    assert "How I read your question" in out and "Confidential" in out
    assert len(model.requests) == 2


async def test_serve_shows_where_questions_go_and_answers_when_the_model_is_down(tmp_path, model):
    model.replies = [500] * 20
    server = ServerProcess(tmp_path, {"AIGUIDE_LLM_BASE_URL": model.base_url, "AIGUIDE_LLM_MODEL": "llama3.1:8b",
                                      "AIGUIDE_LLM_API_KEY": "sk-local-secret", "AIGUIDE_LLM_TIMEOUT": "2",
                                      "MICROSOFT_APP_ID": "", "AIGUIDE_TEAMS_DEV_MODE": "true"})  # fmt: skip
    connector = await FakeConnector().start()
    try:
        await server.start()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{server.url}/healthz") as response:
                health = await response.json()
            described = health["language_model"]
            assert described["endpoint"] == model.base_url and described["model"] == "llama3.1:8b"
            assert "redacted" in described["sent"] and "sk-local-secret" not in json.dumps(health)
            # A question in Teams while the endpoint fails: the answer goes out without the model.
            activity = copy.deepcopy(payload("teams_message_personal"))
            activity.update(serviceUrl=connector.url, text="is Otter ok for meeting notes?", id="m1")
            started = time.monotonic()
            async with http.post(f"{server.url}/api/messages", json=activity) as reply:
                assert reply.status in (200, 201, 202)
            sent = (await connector.wait(1, timeout=15))[-1]
        assert time.monotonic() - started < 5
        assert "Otter" in json.dumps(sent.activity) and model.requests  # it was asked, and failed
        assert model.headers[0]["Authorization"] == "Bearer sk-local-secret"
    finally:
        code = await server.stop()
        await connector.close()
    log = server.log()
    assert code == 0 and "Traceback" not in log, log
    assert f"Language model: llama3.1:8b at {model.base_url}" in log
    assert "sk-local-secret" not in log
    # IT sees what the model cost and that the answer went out without it, in the week's digest.
    year, week, _ = datetime.now(UTC).isocalendar()
    code, out, err = await _cli(tmp_path, {}, "digest", "preview", "--it", "--week", f"{year}-W{week:02d}")
    assert code == 0, err
    assert "Language model" in out and "1 of 1 answer (endpoint error 1)" in out, out
