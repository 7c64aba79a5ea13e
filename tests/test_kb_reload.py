"""Live policy reloads in the real `aiguide serve`: IT edits the knowledge-base files, and the next answer
uses them, without a restart; a broken edit is refused, reported to IT once, and the last good policy
goes on answering; a new version is announced once, however many replicas serve it."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import time

from aiohttp import ClientSession
from fakes.server_process import ServerProcess
from fakes.slack_api import FakeSlackAPI
from fakes.slack_client import SlackDriver

from knowledge import EXAMPLE_DIR

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
GRAMMARLY = "can I use grammarly on our public website copy?"


def _kb(tmp_path):
    directory = tmp_path / "kb"
    shutil.copytree(EXAMPLE_DIR, directory)
    return directory


def _edit(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def _grammarly_status(kb, status: str) -> None:
    tools = kb / "tools.yaml"
    text = tools.read_text()
    start = text.index("id: grammarly")
    head, tail = text[:start], text[start:]
    tools.write_text(head + re.sub(r"status: \w+", f"status: {status}", tail, count=1))


def _version(kb, version: str) -> None:
    policy = kb / "policy.yaml"
    policy.write_text(re.sub(r'version: "[^"]+"', f'version: "{version}"', policy.read_text(), count=1))


async def _health(server: ServerProcess) -> dict:
    async with ClientSession() as session, session.get(f"{server.url}/healthz") as response:
        return await response.json()


async def _until(server: ServerProcess, check, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        health = await _health(server)
        if check(health):
            return health
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {health}\n{server.log()[-2000:]}")
        await asyncio.sleep(0.1)


def _server(workdir, fake: FakeSlackAPI, kb, **env) -> ServerProcess:
    workdir.mkdir(exist_ok=True)
    return ServerProcess(
        workdir,
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "AIGUIDE_SLACK_API_URL": fake.api_url,
            "AIGUIDE_KNOWLEDGE_DIR": str(kb),
            "AIGUIDE_KNOWLEDGE_WATCH_SECONDS": "0.3",
            "AIGUIDE_SLACK_IT_CHANNEL": "CIT",
            "AIGUIDE_POLICY_ANNOUNCE": "slack:CNEWS",
            **env,
        },
    )


def _posts_to(fake: FakeSlackAPI, channel: str) -> list[dict]:
    return [call for call in fake.of("chat.postMessage") if call.get("channel") == channel]


async def _ask(driver: SlackDriver, fake: FakeSlackAPI, question: str) -> str:
    before = len(fake.of("chat.postMessage"))
    response = await driver.event("slack_event_message_im", text=question)
    assert response.status == 200
    answers = await fake.wait_for("chat.postMessage", before + 1, timeout=15)
    return json_text(answers[before])


def json_text(call: dict) -> str:
    import json

    return call.get("text", "") + json.dumps(call.get("blocks", ""), ensure_ascii=False)


async def _cli_reload(server: ServerProcess) -> subprocess.CompletedProcess:
    # In a thread: the Slack stand-in runs on this event loop and must go on answering meanwhile.
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "kb", "reload", "--url", server.url],
        capture_output=True, text=True, timeout=60, env=server.env,
    )  # fmt: skip


async def test_an_edit_is_answered_from_without_a_restart_and_a_broken_one_keeps_the_last_good_policy(
    tmp_path,
):
    fake = await FakeSlackAPI().start()
    fake.add_user("U0ANA", "Ana Lima", "ana.lima@brightline.example")
    kb = _kb(tmp_path)
    server = await _server(tmp_path / "one", fake, kb).start()
    driver = SlackDriver(server.url, SECRET, fake.response_url())
    try:
        before = await _health(server)
        assert before["policy_version"] == "2026.11" and before["knowledge_errors"] == []
        assert "Yes, you can use Grammarly" in await _ask(driver, fake, GRAMMARLY)

        _grammarly_status(kb, "under_review")
        _version(kb, "2026.12")
        await _until(server, lambda h: h["policy_version"] == "2026.12")
        answer = await _ask(driver, fake, GRAMMARLY)
        assert "No, don" in answer and "Policy 2026.12" in answer

        (news,) = await fake.wait_for("chat.postMessage", 1, timeout=10) and _posts_to(fake, "CNEWS")
        assert "2026.12" in news["text"]
        assert "Grammarly Business is now under review (was approved)." in json_text(news)

        # A broken edit: refused, reported to IT with its file and line, and the last good policy answers.
        _grammarly_status(kb, "maybe")
        _version(kb, "2026.13")
        health = await _until(server, lambda h: h["knowledge_errors"])
        assert health["policy_version"] == "2026.12"
        assert any(e.startswith("tools.yaml:") and "status" in e for e in health["knowledge_errors"])
        for _ in range(50):
            if _posts_to(fake, "CIT"):
                break
            await asyncio.sleep(0.1)
        (notice,) = _posts_to(fake, "CIT")
        assert "was not loaded" in notice["text"] and "tools.yaml:" in json_text(notice)
        assert "Policy 2026.12" in await _ask(driver, fake, GRAMMARLY)

        # `aiguide kb reload` lists the same problems, and fails.
        refused = await _cli_reload(server)
        assert refused.returncode == 1 and "tools.yaml:" in refused.stdout, refused
        _grammarly_status(kb, "pilot")
        fixed = await _until(server, lambda h: h["policy_version"] == "2026.13")
        assert fixed["knowledge_errors"] == []
        assert len(_posts_to(fake, "CIT")) == 1, "the same broken files are reported once"
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    assert "Traceback" not in server.log()


async def test_two_replicas_announce_a_new_version_once_and_report_a_broken_edit_once(tmp_path):
    fake = await FakeSlackAPI().start()
    kb = _kb(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    servers = [_server(tmp_path / name, fake, kb, AIGUIDE_DATA_DIR=str(shared)) for name in ("a", "b")]
    for server in servers:
        await server.start()
    try:
        _edit(kb / "rules.yaml", "rules:\n", "rules:\n  - id: no-voice-clones\n    text: Never clone a colleague's "
              "voice with AI.\n    effect: forbid\n    mentions: [voice clone]\n", 1)  # fmt: skip
        _version(kb, "2027.01")
        for server in servers:
            await _until(server, lambda h: h["policy_version"] == "2027.01")
        await asyncio.sleep(1.0)  # time for a second announcement, were there one
        (news,) = _posts_to(fake, "CNEWS")
        assert "New rule: Never clone a colleague's voice with AI." in json_text(news)

        (kb / "extra.yaml").write_text("tools:\n  - id: [broken\n")
        for server in servers:
            await _until(server, lambda h: h["knowledge_errors"])
        await asyncio.sleep(1.0)
        assert len(_posts_to(fake, "CIT")) == 1
    finally:
        for server in servers:
            assert await server.stop() == 0
        await fake.close()


async def test_a_restart_with_new_files_is_announced_and_a_restart_with_the_same_is_not(tmp_path):
    fake = await FakeSlackAPI().start()
    kb = _kb(tmp_path)
    env = {"AIGUIDE_KNOWLEDGE_WATCH_SECONDS": "0"}
    server = await _server(tmp_path / "one", fake, kb, **env).start()
    assert await server.stop() == 0
    _grammarly_status(kb, "under_review")
    _version(kb, "2026.12")
    for _ in range(2):
        server = await _server(tmp_path / "one", fake, kb, **env).start()
        await asyncio.sleep(1.0)
        assert await server.stop() == 0
    await fake.close()
    (news,) = _posts_to(fake, "CNEWS")
    assert "Grammarly Business is now under review (was approved)." in json_text(news)


async def test_admin_reload_needs_the_token_or_the_same_machine(tmp_path):
    fake = await FakeSlackAPI().start()
    kb = _kb(tmp_path)
    server = await _server(
        tmp_path / "one", fake, kb, AIGUIDE_ADMIN_TOKEN="s3cret-token", AIGUIDE_KNOWLEDGE_WATCH_SECONDS="0"
    ).start()
    try:
        async with ClientSession() as session:
            async with session.post(f"{server.url}/admin/reload") as response:
                assert response.status == 403
            headers = {"Authorization": "Bearer wrong"}
            async with session.post(f"{server.url}/admin/reload", headers=headers) as response:
                assert response.status == 403
            headers = {"Authorization": "Bearer s3cret-token"}
            async with session.post(f"{server.url}/admin/reload", headers=headers) as response:
                assert response.status == 200 and (await response.json())["outcome"] == "unchanged"
        # Not watching: the files change, and only a reload loads them. The CLI sends the token it is given.
        _grammarly_status(kb, "pilot")
        _version(kb, "2026.12")
        assert (await _health(server))["policy_version"] == "2026.11"
        loaded = await _cli_reload(server)
        assert loaded.returncode == 0, loaded
        assert "2026.11 -> 2026.12" in loaded.stdout
        assert "Grammarly Business is now in a pilot (was approved)." in loaded.stdout
        assert (await _health(server))["policy_version"] == "2026.12"
    finally:
        assert await server.stop() == 0
        await fake.close()
    open_server = await _server(tmp_path / "two", fake := await FakeSlackAPI().start(), kb).start()
    try:
        async with ClientSession() as session:
            forwarded = {"X-Forwarded-For": "203.0.113.9"}
            async with session.post(f"{open_server.url}/admin/reload", headers=forwarded) as response:
                assert response.status == 403, "a request a proxy forwarded is not from this machine"
            async with session.post(f"{open_server.url}/admin/reload") as response:
                assert response.status == 200
    finally:
        assert await open_server.stop() == 0
        await fake.close()
