"""The real `aiguide serve` process, configured the way docs/ describe, answering over Slack's HTTP events,
Slack's Socket Mode and Teams; stopped with SIGTERM as a deploy stops a replica."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import sqlite3
import sys

import pytest
from aiohttp import ClientSession
from fakes.bot_connector import FakeConnector
from fakes.server_process import ServerProcess
from fakes.slack_api import FakeSlackAPI
from fakes.slack_client import SlackDriver, payload

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
QUESTION = "can I paste a client contract into ChatGPT?"


@contextlib.contextmanager
def sqlite_locked_by_another_process(path):
    """An exclusive lock on the SQLite file, as another program holding it would."""
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


async def _stop_all(server, driver, fake) -> None:
    await driver.close()
    assert await server.stop() == 0
    await fake.close()


async def _slack_api() -> FakeSlackAPI:
    fake = await FakeSlackAPI().start()
    fake.add_user("U0ANA", "Ana Lima", "ana.lima@brightline.example")
    return fake


def _socket_mode_server(tmp_path, fake) -> ServerProcess:
    return ServerProcess(
        tmp_path, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-1-A0AIGUIDE-1-x",
                   "AIGUIDE_SLACK_API_URL": fake.api_url},
    )  # fmt: skip


async def test_shortcuts_and_the_ai_app_view_over_socket_mode_in_the_running_server(tmp_path):
    """Both shortcuts reach the server `aiguide serve` runs as Socket Mode `interactive` envelopes: the
    message shortcut answers privately through its response_url, the win shortcut opens the form."""
    fake = await _slack_api()
    server = _socket_mode_server(tmp_path, fake)
    try:
        await server.start()
        await fake.connected(timeout=15)
        asked = copy.deepcopy(payload("slack_message_shortcut"))
        asked["response_url"] = fake.response_url()
        await fake.envelope("interactive", asked)
        (answer,) = await fake.wait_for("response_url", 1, timeout=15)
        assert answer["response_type"] == "ephemeral" and "ChatGPT" in answer["text"]
        await fake.envelope("interactive", payload("slack_global_shortcut"))
        (opened,) = await fake.wait_for("views.open", 1, timeout=15)
        assert opened["view"]["callback_id"] == "aiguide_form"
        # The AI-app view: a new thread gets its prompts, a question in it a status and the answer.
        await fake.envelope("events_api", payload("slack_event_assistant_thread_started"))
        (prompts,) = await fake.wait_for("assistant.threads.setSuggestedPrompts", 1, timeout=15)
        assert len(prompts["prompts"]) >= 2
        question = payload("slack_event_message_im")
        question["event"].update(text=QUESTION, thread_ts="1764170400.000100", ts="1764170410.000100")
        await fake.envelope("events_api", question)
        await fake.wait_for("assistant.threads.setStatus", 1, timeout=15)
        posts = await fake.wait_for("chat.postMessage", 2, timeout=15)
        assert posts[-1]["thread_ts"] == "1764170400.000100" and "ChatGPT Enterprise" in posts[-1]["text"]
        blocks = posts[-1]["blocks"]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        assert any(b["type"] == "context_actions" for b in blocks)  # Slack's own thumbs
        # A Workflow Builder step, delivered like any event: the engine's verdict as the step's outputs.
        await fake.envelope("events_api", payload("slack_event_function_executed"))
        (done,) = await fake.wait_for("functions.completeSuccess", 1, timeout=15)
        outputs = done["outputs"]
        assert (json.loads(outputs) if isinstance(outputs, str) else outputs)["verdict"] == "not_allowed"
    finally:
        code = await server.stop()
        await fake.close()
    assert code == 0 and "Traceback" not in server.log(), server.log()


async def test_socket_mode_answers_a_dm_and_stops_cleanly(tmp_path):
    fake = await _slack_api()
    server = _socket_mode_server(tmp_path, fake)
    try:
        await server.start()
        await fake.connected(timeout=15)
        body = payload("slack_event_message_im")
        body["event"]["text"] = QUESTION
        ack = await fake.envelope("events_api", body)
        assert ack["envelope_id"] == "env-1"
        (answer,) = await fake.wait_for("chat.postMessage", 1, timeout=15)
        assert "ChatGPT Enterprise" in answer["text"] and answer["channel"] == body["event"]["channel"]
    finally:
        code = await server.stop()
        await fake.close()
    log = server.log()
    assert code == 0, log
    assert "connected over Socket Mode" in log and "Traceback" not in log


async def test_socket_mode_keeps_serving_while_slack_is_unreachable(tmp_path):
    # Nothing listens on the API URL: the server starts, says it cannot connect, and keeps retrying.
    server = ServerProcess(
        tmp_path, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-1-A0AIGUIDE-1-x",
                   "AIGUIDE_SLACK_API_URL": "http://127.0.0.1:9/api/"},
    )  # fmt: skip
    try:
        await server.start()
        for _ in range(100):
            if "connect" in server.log().split("Running on", 1)[-1]:
                break
            await asyncio.sleep(0.1)
        async with ClientSession() as session:
            async with session.get(f"{server.url}/healthz") as response:
                health = await response.json()
            async with session.get(f"{server.url}/readyz") as readiness:
                ready = await readiness.json()
        assert response.status == 200 and health["slack_socket_mode"] != "connected"  # alive
        assert readiness.status == 503 and ready["not_ready"] == "slack"  # but Slack cannot reach it yet
    finally:
        assert await server.stop() == 0
    assert "Failed to connect" in server.log() or "cannot connect" in server.log()


async def test_http_events_answer_a_dm(tmp_path):
    fake = await _slack_api()
    server = ServerProcess(
        tmp_path, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                   "AIGUIDE_SLACK_API_URL": fake.api_url},
    )  # fmt: skip
    driver = SlackDriver("", SECRET, fake.response_url())
    try:
        await server.start()
        driver.base_url = server.url
        response = await driver.event("slack_event_message_im", text=QUESTION)
        assert response.status == 200
        (answer,) = await fake.wait_for("chat.postMessage", 1, timeout=15)
        assert "ChatGPT Enterprise" in answer["text"]
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()


async def test_teams_answers_a_personal_message(tmp_path):
    connector = await FakeConnector().start()
    server = ServerProcess(tmp_path, {"AIGUIDE_TEAMS_DEV_MODE": "true"})
    try:
        await server.start()
        activity = copy.deepcopy(payload("teams_message_personal"))
        activity.update(serviceUrl=connector.url, text=QUESTION, id="m1")
        async with (
            ClientSession() as session,
            session.post(f"{server.url}/api/messages", json=activity) as reply,
        ):
            assert reply.status in (200, 201, 202)
        sent = (await connector.wait(1, timeout=15))[-1]
        assert "ChatGPT Enterprise" in json.dumps(sent.activity)
    finally:
        assert await server.stop() == 0
        await connector.close()


def _buttons(blocks: list[dict]) -> dict[str, dict]:
    """Every choice on a message: its buttons and the options of its "More…" menu."""
    return {
        choice["text"]["text"]: json.loads(choice["value"])
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        for choice in element.get("options", [element])
    }


async def _slack_http(tmp_path, fake, **env) -> tuple[ServerProcess, SlackDriver]:
    server = ServerProcess(
        tmp_path, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                   "AIGUIDE_SLACK_API_URL": fake.api_url, **env},
    )  # fmt: skip
    await server.start()
    return server, SlackDriver(server.url, SECRET, fake.response_url())


async def test_failed_posts_are_retried_fall_back_and_are_logged(tmp_path):
    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake)
    try:
        # An expired response_url (404): the answer comes as an ephemeral message in the channel.
        fake.failing["response_url"] = [404]
        await driver.command(QUESTION)
        (ephemeral,) = await fake.wait_for("chat.postEphemeral", 1, timeout=15)
        assert ephemeral["channel"] == "C0PROJECT" and ephemeral["user"] == "U0ANA"
        assert "ChatGPT Enterprise" in ephemeral["text"]
        # Expired, and aiguide is not in the channel: the person gets a DM.
        fake.failing["response_url"] = [404]
        fake.failing["chat.postEphemeral"] = ["not_in_channel"]
        await driver.command("is Otter ok for meeting notes?")
        (dm,) = await fake.wait_for("chat.postMessage", 1, timeout=15)
        assert dm["channel"] == "U0ANA" and "Otter" in dm["text"]
        # Slack answers 500 twice: the DM answer is posted on the third try.
        fake.failing["chat.postMessage"] = [500, 500]
        await driver.event("slack_event_message_im", text=QUESTION, ts="1764172000.000300")
        await fake.wait_for("chat.postMessage", 2, timeout=20)
        assert len(fake.of("failed:chat.postMessage")) == 2
        # Everything is counted too: the operator sees failures and retries as rates in /metrics.
        fake.failing["response_url"] = [404]
        fake.failing["chat.postEphemeral"] = ["not_in_channel"]
        fake.failing["chat.postMessage"] = ["cannot_dm_bot"]
        await driver.command("is Otter ok for meeting notes?")
        counted = await _metrics_until(
            server, lambda m: m.total("aiguide_deliveries_total", outcome="failed"), 15
        )
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    assert counted.total("aiguide_delivery_failures_total", surface="slack", reason="cannot_dm_bot") == 1
    assert (
        counted.total("aiguide_deliveries_total", surface="slack", outcome="ok") == 3
    )  # ephemeral, DM, DM answer
    assert counted.total("aiguide_delivery_retries_total", surface="slack") >= 2  # the two 500s
    assert (
        counted.total("aiguide_requests_total", surface="slack", outcome="conditional") == 2
    )  # about ChatGPT
    assert counted.total("aiguide_answer_seconds_count", surface="slack") == 4
    log = server.log()
    assert "response_url failed (request slack:" in log and "HTTP 404" in log
    assert "chat_postEphemeral failed (request slack:" in log and "not_in_channel" in log


class Figures(list):
    """The samples of one /metrics page: (name, labels, value)."""

    def total(self, name: str, **labels: str) -> float:
        return sum(v for n, got, v in self if n == name and all(got.get(k) == w for k, w in labels.items()))


async def _metrics_until(server, ready, timeout: float) -> Figures:
    """GET /metrics, parsed with prometheus-client's own parser, until `ready(figures)` holds."""
    from prometheus_client.parser import text_string_to_metric_families

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with ClientSession() as session, session.get(f"{server.url}/metrics") as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
        figures = Figures(
            (sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        )
        if ready(figures) or asyncio.get_running_loop().time() > deadline:
            return figures
        await asyncio.sleep(0.2)


async def test_ask_a_human_says_so_when_the_post_to_it_failed(tmp_path):
    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake, AIGUIDE_SLACK_IT_CHANNEL="C0ITHELP")
    try:
        await driver.command("can I use DeepSeek for client data?")
        (answer,) = await fake.wait_for("response_url", 1, timeout=15)
        ask = _buttons(answer["blocks"])["Ask a human"]
        fake.failing["chat.postMessage"] = ["channel_not_found"]
        await driver.press(ask["c"], ask["t"])
        replies = await fake.wait_for("response_url", 2, timeout=15)
        assert replies[-1]["text"] == "I could not pass your question to IT just now."
        # It was not marked as passed on: a second click reaches IT.
        await driver.press(ask["c"], ask["t"])
        replies = await fake.wait_for("response_url", 3, timeout=15)
        assert replies[-1]["text"].startswith("I've passed your question to the IT team.")
        assert [p["channel"] for p in fake.of("chat.postMessage")] == ["C0ITHELP"]
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    assert "question to IT: channel_not_found" in server.log()


async def test_other_bots_and_workflow_posts_are_not_answered(tmp_path):
    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake)
    try:
        await driver.event("slack_event_app_mention", bot_id="B0OTHER", user="U0OTHERBOT")
        await driver.event("slack_event_app_mention", user=None, bot_id="B0WORKFLOW", subtype="bot_message")
        await driver.event("slack_event_app_mention", ts="1764170100.000900")  # a person: answered
        await fake.wait_for("chat.postMessage", 1, timeout=15)
        await asyncio.sleep(0.5)
        assert len(fake.of("chat.postMessage")) + len(fake.of("chat.postEphemeral")) == 1
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    assert "Traceback" not in server.log() and "Sorry" not in json.dumps(fake.of("chat.postMessage"))


async def test_sigterm_during_a_burst_answers_every_acknowledged_command(tmp_path):
    fake = await _slack_api()
    fake.slow = (
        1.0  # slower than a command waits to be answered before its ack: still being posted at the stop
    )
    server, driver = await _slack_http(tmp_path, fake)
    questions, wins = 40, 20
    try:
        sends = [driver.command(f"is Otter ok for meeting notes? ({n})") for n in range(questions)]
        sends += [
            driver.command(
                f"{10 + n}m drafted the release notes with Copilot -> shipped on time", command="/aiwin"
            )
            for n in range(wins)
        ]
        acks = await asyncio.gather(*sends)
        assert all(a.status == 200 for a in acks)
        code = await server.stop(timeout=60)  # SIGTERM right after the last acknowledgement
    finally:
        await driver.close()
        answered = len(fake.of("response_url"))
        await fake.close()
    assert code == 0, server.log()
    assert answered == questions + wins, server.log()[-3000:]
    with sqlite3.connect(tmp_path / "aiguide.db") as db:
        assert db.execute("SELECT count(*) FROM wins").fetchone()[0] == wins
        # Questions are logged in batches: what was queued at the stop is written before the exit.
        assert db.execute("SELECT count(*) FROM questions").fetchone()[0] == questions
    assert "finishing" in server.log() and "are lost" not in server.log()


async def test_bad_requests_get_4xx_and_their_bodies_are_never_logged(tmp_path):
    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake)
    marker = "can I paste MARKER-7f3a the salary list"
    try:
        unsigned = await driver.post(json.dumps({"type": "event_callback", "event": {"text": marker}}),
                                     "application/json", signature="v0=00")  # fmt: skip
        assert unsigned.status == 401
        stale = await driver.post(f"text={marker}", "application/x-www-form-urlencoded", timestamp=1)
        assert stale.status == 401
        for body, kind in (("\x00\xff{not json", "application/json"), ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
                           ("", "application/json"), ("[1, 2]", "application/json")):  # fmt: skip
            response = await driver.post(body, kind)
            assert 400 <= response.status < 500, (body, response.status)
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    log = server.log()
    assert "MARKER-7f3a" not in log and "Traceback" not in log
    # Each refused request has its access line, with its status; the health probes that answered do not.
    access = [json.loads(line) for line in log.splitlines() if '"logger": "aiguide.http"' in line]
    assert [(a["path"], a["status"] // 100) for a in access] == [("/slack/events", 4)] * 6, log


async def test_a_locked_database_does_not_hold_back_answers(tmp_path):
    import time

    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake)
    try:
        with sqlite_locked_by_another_process(tmp_path / "aiguide.db"):
            started = time.monotonic()
            await driver.event("slack_event_message_im", text=QUESTION, ts="1764172000.000500")
            await driver.command("is Otter ok for meeting notes?")
            (dm,) = await fake.wait_for("chat.postMessage", 1, timeout=30)
            (answer,) = await fake.wait_for("response_url", 1, timeout=30)
            waited = time.monotonic() - started
        assert "ChatGPT Enterprise" in dm["text"] and "Otter" in answer["text"]
        assert waited < 8, f"answers waited {waited:.1f} s for the database"
    finally:
        await _stop_all(server, driver, fake)
    assert "not logged within" in server.log() or "de-duplication in memory" in server.log()
    with sqlite3.connect(tmp_path / "aiguide.db") as db:  # kept while the file was locked, written after
        assert db.execute("SELECT count(*) FROM questions").fetchone()[0] == 2


async def test_a_digest_whose_sender_died_after_posting_is_not_posted_again(tmp_path):
    from datetime import UTC, datetime, timedelta

    from bot.scheduler import DigestTarget, covered_week, last_due
    from storage import digest_runs
    from storage.db import Database, build_engine_url
    from storage.migrate import upgrade

    now = datetime.now(UTC)
    target = DigestTarget(name="leaders", kind="leadership", platform="slack", channel="C0LEAD",
                          weekday=now.strftime("%a").lower(), time=now.strftime("%H:%M"), timezone="UTC",
                          alignment=False)  # fmt: skip
    period = covered_week(last_due(target, now))[2]
    # Another replica claimed this week's digest, posted it, and was killed before it could record so.
    database = Database(build_engine_url(None, tmp_path))
    upgrade(database)
    with database.session() as session:
        digest_runs.claim(session, target="leaders", period=period, me="killed", now=now - timedelta(minutes=30),
                          lease=timedelta(minutes=10))  # fmt: skip
    database.engine.dispose()
    fake = await _slack_api()
    fake.history["C0LEAD"].append({"type": "message", "ts": "1764000000.000100", "text": "Leadership digest",
                                   "metadata": {"event_type": "aiguide_digest",
                                                "event_payload": {"run": f"leaders:{period}"}}})  # fmt: skip
    server, driver = await _slack_http(
        tmp_path, fake, AIGUIDE_DIGEST_TARGETS=json.dumps([target.model_dump()])
    )
    try:
        await fake.wait_for("conversations.history", 1, timeout=20)
        await asyncio.sleep(1.0)
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()
    assert fake.of("chat.postMessage") == []  # exactly one digest in the channel: the first
    with Database(build_engine_url(None, tmp_path)).session() as session:
        (run,) = digest_runs.runs(session)
    assert (run.status, run.message_ref) == ("sent", "1764000000.000100")
    assert "already posted by the replica that stopped" in server.log()


async def test_the_first_monday_of_a_month_posts_the_digest_and_last_months_alignment_report(tmp_path):
    """The real server with its clock at Monday 7 December 2026, 09:00:20 UTC (libfaketime, the clock
    running on from there): the weekly digest and November's alignment report are both posted, once."""
    import glob

    library = next(iter(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1")), None)
    if library is None:
        pytest.skip("libfaketime is not installed (apt-get install faketime)")
    target = {"name": "leaders", "kind": "leadership", "platform": "slack", "channel": "C0LEAD",
              "weekday": "mon", "time": "09:00", "timezone": "UTC"}  # fmt: skip
    fake = await _slack_api()
    server = ServerProcess(
        tmp_path,
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "AIGUIDE_SLACK_API_URL": fake.api_url,
         "AIGUIDE_DIGEST_TARGETS": json.dumps([target]), "LD_PRELOAD": library,
         "FAKETIME": "@2026-12-07 09:00:20", "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_DONT_RESET": "1"},
    )  # fmt: skip
    try:
        await server.start()
        posts = await fake.wait_for("chat.postMessage", 2, timeout=30)
        await asyncio.sleep(1.0)
    finally:
        assert await server.stop() == 0
        await fake.close()
    assert len(fake.of("chat.postMessage")) == 2
    texts = sorted(p["text"] for p in posts)
    assert texts[0].startswith("AI at Brightline Partners, week of 30 Nov")
    assert texts[1] == "Where Brightline Partners stands with AI: November 2026"
    report = next(p for p in posts if p["text"].startswith("Where"))
    shown = json.dumps(report["blocks"])
    for title in ("What employees need help with", "IT's red lines", "Standard or flexible", "Experiments"):
        assert title.replace("'", "\\u2019") in shown or title in shown
    assert "alignment-2026-11" in server.log()


async def test_teams_refuses_a_service_url_it_does_not_know_and_dev_mode_shows_in_health(tmp_path):
    connector = await FakeConnector().start()
    evil = await FakeConnector().start()  # 127.0.0.1 is allowed in dev mode: named otherwise below
    server = ServerProcess(tmp_path, {"AIGUIDE_TEAMS_DEV_MODE": "true"})
    try:
        await server.start()
        async with ClientSession() as session:
            async with session.get(f"{server.url}/healthz") as response:
                assert "DEV MODE" in (await response.json())["teams"]
            activity = copy.deepcopy(payload("teams_message_personal"))
            activity.update(
                serviceUrl=evil.url.replace("127.0.0.1", "attacker.example"), text=QUESTION, id="m1"
            )
            async with session.post(f"{server.url}/api/messages", json=activity) as reply:
                assert reply.status in (200, 201, 202)
            activity.update(serviceUrl=connector.url, id="m2")
            async with session.post(f"{server.url}/api/messages", json=activity) as reply:
                assert reply.status in (200, 201, 202)
        await connector.wait(1, timeout=15)
        assert evil.sent == []
    finally:
        assert await server.stop() == 0
        await connector.close()
        await evil.close()
    assert "is not an allowed host" in server.log()


async def test_dev_mode_with_an_app_id_is_refused_in_one_line(tmp_path):
    import subprocess

    env = ServerProcess(tmp_path, {"AIGUIDE_TEAMS_DEV_MODE": "true", "MICROSOFT_APP_ID": "a-real-app",
                                   "MICROSOFT_APP_PASSWORD": "pw"}).env  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot be on with MICROSOFT_APP_ID set" in done.stderr


async def test_a_win_sent_while_the_database_is_locked_is_not_lost_silently(tmp_path):
    fake = await _slack_api()
    server, driver = await _slack_http(tmp_path, fake, AIGUIDE_DRAIN_SECONDS="5")
    try:
        with sqlite_locked_by_another_process(tmp_path / "aiguide.db"):
            await driver.command(
                "30m drafted the release notes with Copilot -> shipped on time", command="/aiwin"
            )
            (answer,) = await fake.wait_for("response_url", 1, timeout=60)
    finally:
        await _stop_all(server, driver, fake)
    assert answer["text"] == "That win was not saved."
    assert "send it again" in json.dumps(answer)


async def test_what_a_killed_replica_acknowledged_is_answered_by_the_other(tmp_path):
    """SIGKILL gives no time to drain: a command and a DM acknowledged by A, still being answered when A
    dies, are answered by B from what A wrote down before acknowledging them."""
    fake = await _slack_api()
    fake.delays["chat.postMessage"] = 3.0  # the answers are still on their way when A is killed
    fake.slow = 3.0
    shared = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "AIGUIDE_SLACK_API_URL": fake.api_url,
              "AIGUIDE_DATA_DIR": str(tmp_path)}  # fmt: skip
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = await ServerProcess(tmp_path / "a", shared).start()
    b = await ServerProcess(tmp_path / "b", shared).start()
    driver = SlackDriver(a.url, SECRET, fake.response_url())
    try:
        command = await driver.command("is Otter ok for meeting notes?")
        dm = await driver.event("slack_event_message_im", text=QUESTION)
        assert command.status == dm.status == 200
        await a.kill()
        fake.delays.clear()
        fake.slow = 0.0
        answers = await fake.wait_for("response_url", 1, timeout=45)
        posts = await fake.wait_for("chat.postMessage", 1, timeout=15)
    finally:
        await driver.close()
        assert await b.stop() == 0
        await fake.close()
    assert "Otter" in json.dumps(answers) and "ChatGPT" in json.dumps(posts)
    assert "acknowledged by a replica that stopped" in b.log()
    with sqlite3.connect(tmp_path / "aiguide.db") as db:
        assert db.execute("SELECT count(*) FROM pending_answers").fetchone()[0] == 0


async def test_a_tool_review_over_slack_reaches_it_and_every_requester(tmp_path):
    """Two people ask for a tool over slash commands; IT gets the card in its channel, an admin decides
    from the card's button and form; both requesters get the decision as a DM from the running server."""
    fake = await _slack_api()
    fake.add_user("U0BEN", "Ben Okafor", "ben@brightline.example")
    fake.add_user("U0IDA", "Ida Berg", "ida@brightline.example")
    server, driver = await _slack_http(
        tmp_path, fake, AIGUIDE_SLACK_IT_CHANNEL="C0ITHELP", AIGUIDE_ADMINS="U0IDA"
    )
    try:
        await driver.command("request DeepSeek because it reads scanned PDFs in Chinese")
        (card,) = await fake.wait_for("chat.postMessage", 1, timeout=15)
        assert card["channel"] == "C0ITHELP" and "Tool review requested: DeepSeek" in card["text"]
        buttons = _buttons(card["blocks"])
        assert list(buttons) == ["Approve…", "Pilot…", "Reject…", "Need more info…"]
        await driver.command("request deepseek because the Shanghai office writes in it", user="U0BEN")
        posts = await fake.wait_for("chat.postMessage", 2, timeout=15)
        assert posts[1]["channel"] == "C0ITHELP" and "Ben Okafor asked too" in json.dumps(posts[1])

        approve = buttons["Approve…"]
        await driver.press(approve["c"], approve["t"], user="U0IDA")
        (view,) = await fake.wait_for("views.open", 1, timeout=15)
        metadata = json.loads(view["view"]["private_metadata"])
        assert metadata["c"] == "decide" and len(metadata["h"]["ref"]) == 12
        done = await driver.submit(
            {"decision": ("select", "approved"), "ceiling": ("select", "internal"), "group": "",
             "alternative": ("select", ""), "note": "The EU tenant passed the security review."},
            metadata=metadata, view_id="V0DECIDE1", user="U0IDA",
        )  # fmt: skip
        assert done.status == 200
        # The decision in IT's channel, and a DM to each requester, sent by the server's notices.
        dms = {}
        for _ in range(60):
            posts = fake.of("chat.postMessage")
            dms = {p["channel"]: p for p in posts if p["channel"] in ("U0ANA", "U0BEN")}
            if len(dms) == 2:
                break
            await asyncio.sleep(0.25)
        assert set(dms) == {"U0ANA", "U0BEN"}, server.log()[-3000:]
        for dm in dms.values():
            assert dm["text"] == "IT approved DeepSeek"
            assert "The EU tenant passed the security review." in json.dumps(dm["blocks"])
        assert any(
            p["channel"] == "C0ITHELP" and "Ida Berg decided: DeepSeek approved" in json.dumps(p)
            for p in posts
        )
        await asyncio.sleep(0.5)
        told = [p for p in fake.of("chat.postMessage") if p["channel"] in ("U0ANA", "U0BEN")]
        assert len(told) == 2  # once each
        # IT's card has lost its buttons: it says the review is decided, where it was asked.
        (changed,) = fake.of("chat.update")
        card = next(m for m in fake.history["C0ITHELP"] if "Tool review requested" in json.dumps(m))
        assert (changed["channel"], changed["ts"]) == ("C0ITHELP", card["ts"])
        assert changed["text"] == "Tool review decided: DeepSeek" and '"actions"' not in json.dumps(
            changed["blocks"]
        )
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()


async def test_a_tool_review_over_teams_reaches_it_and_every_requester(tmp_path):
    """In Teams: requests in 1:1 chats, the card in IT's channel, an admin's typed decision, and the
    decision in each requester's 1:1 chat, from the running server."""
    connector = await FakeConnector().start()
    it = "19:it-help@thread.tacv2"
    server = ServerProcess(
        tmp_path,
        {"AIGUIDE_TEAMS_DEV_MODE": "true", "AIGUIDE_TEAMS_IT_CONVERSATION": it, "AIGUIDE_ADMINS": "aad-ida"},
    )

    def personal(who: str, text: str, n: int) -> dict:
        activity = copy.deepcopy(payload("teams_message_personal"))
        activity.update(
            serviceUrl=connector.url, text=text, id=f"m{n}",
            conversation={**activity["conversation"], "id": f"a:1personal-{who}"},
        )  # fmt: skip
        activity["from"] = {"id": f"29:1{who}", "name": who.capitalize(), "aadObjectId": f"aad-{who}"}
        return activity

    try:
        await server.start()
        install = copy.deepcopy(payload("teams_installation_update_add"))
        install.update(serviceUrl=connector.url, conversation={
            "isGroup": True, "id": it, "name": "IT help", "conversationType": "channel", "tenantId": "tenant-brightline"})  # fmt: skip
        async with ClientSession() as session:
            await session.post(f"{server.url}/api/messages", json=install)
            await connector.wait(1, timeout=15)
            await session.post(
                f"{server.url}/api/messages",
                json=personal("ana", "request DeepSeek because it reads scanned PDFs", 1),
            )
            await session.post(
                f"{server.url}/api/messages",
                json=personal("ben", "request deepseek because of translations", 2),
            )
            sent = await connector.wait(5, timeout=15)
            to_it = [s for s in sent if s.conversation.startswith("19:it-help")]
            assert "Tool review requested: DeepSeek" in json.dumps(to_it[1].activity)
            await session.post(
                f"{server.url}/api/messages",
                json=personal(
                    "ida", "decide DeepSeek reject use chatgpt enterprise because its data leaves the EU", 3
                ),
            )
            told: dict[str, str] = {}
            for _ in range(60):
                told = {
                    s.conversation: json.dumps(s.activity)
                    for s in connector.sent
                    if s.conversation in ("a:1personal-ana", "a:1personal-ben")
                    and "IT decided not to approve DeepSeek" in json.dumps(s.activity)
                }
                if len(told) == 2:
                    break
                await asyncio.sleep(0.25)
        assert set(told) == {"a:1personal-ana", "a:1personal-ben"}, server.log()[-3000:]
        assert all(
            "its data leaves the EU" in text and "ChatGPT Enterprise" in text for text in told.values()
        )
        assert any(
            "Ida decided: DeepSeek not approved" in json.dumps(s.activity)
            for s in connector.sent
            if s.conversation == it
        )
        # The review card in IT's channel is changed in place: decided, no buttons left.
        card_thread = next(
            t for t, first in connector.threads.items() if "Tool review requested" in json.dumps(first)
        )
        (changed,) = [u for u in connector.updated if u.conversation == card_thread]
        assert changed.reply_to == card_thread.split(";messageid=")[1]
        content = changed.activity["attachments"][0]["content"]
        assert "Tool review decided: DeepSeek" in json.dumps(content) and "actions" not in content
    finally:
        assert await server.stop() == 0
        await connector.close()


async def test_its_answer_in_the_thread_reaches_the_person_who_asked(tmp_path):
    """ "Ask a human" posts the question to IT's channel; IT answers in its thread by mentioning aiguide;
    the running server sends the answer to the asker as a DM, once."""
    fake = await _slack_api()
    fake.add_user("U0IDA", "Ida Berg", "ida@brightline.example")
    server, driver = await _slack_http(tmp_path, fake, AIGUIDE_SLACK_IT_CHANNEL="C0ITHELP")
    try:
        await driver.command("can I use DeepSeek for client data?")
        (answer,) = await fake.wait_for("response_url", 1, timeout=15)
        ask = _buttons(answer["blocks"])["Ask a human"]
        await driver.press(ask["c"], ask["t"])
        (to_it,) = await fake.wait_for("chat.postMessage", 1, timeout=15)
        assert to_it["channel"] == "C0ITHELP"
        thread = fake.history["C0ITHELP"][0]["ts"]
        await driver.event(
            "slack_event_app_mention", channel="C0ITHELP", thread_ts=thread, ts="1764170300.000900", user="U0IDA",
            text="<@UBOT0001> Not with client data: use ChatGPT Enterprise, it has our DPA.",
        )  # fmt: skip
        dm = None
        for _ in range(60):
            dm = next((p for p in fake.of("chat.postMessage") if p["channel"] == "U0ANA"), None)
            if dm:
                break
            await asyncio.sleep(0.25)
        assert dm is not None, server.log()[-3000:]
        assert dm["text"] == "IT answered your question"
        assert "Not with client data: use ChatGPT Enterprise, it has our DPA." in json.dumps(dm["blocks"])
        in_thread = [p for p in fake.of("chat.postMessage") if p.get("thread_ts") == thread]
        assert in_thread and "I'll send your answer to the person who asked." in in_thread[0]["text"]
        await asyncio.sleep(0.5)
        assert len([p for p in fake.of("chat.postMessage") if p["channel"] == "U0ANA"]) == 1
    finally:
        await driver.close()
        assert await server.stop() == 0
        await fake.close()


async def test_its_answer_in_a_teams_thread_reaches_the_person_who_asked(tmp_path):
    """In Teams: "Ask a human" starts a thread in IT's channel; an IT member mentions aiguide in that
    thread with the answer; the running server confirms in the thread and sends it to the asker's chat."""
    connector = await FakeConnector().start()
    it = "19:it-help@thread.tacv2"
    server = ServerProcess(tmp_path, {"AIGUIDE_TEAMS_DEV_MODE": "true", "AIGUIDE_TEAMS_IT_CONVERSATION": it})
    try:
        await server.start()
        install = copy.deepcopy(payload("teams_installation_update_add"))
        install.update(serviceUrl=connector.url, conversation={
            "isGroup": True, "id": it, "name": "IT help", "conversationType": "channel", "tenantId": "tenant-brightline"})  # fmt: skip
        question = copy.deepcopy(payload("teams_message_personal"))
        question.update(serviceUrl=connector.url, text="can I use DeepSeek for client data?", id="m1")
        async with ClientSession() as session:
            await session.post(f"{server.url}/api/messages", json=install)
            sent = await connector.wait(1, timeout=15)
            await session.post(f"{server.url}/api/messages", json=question)
            sent = await connector.wait(2, timeout=15)
            card = sent[-1].activity["attachments"][0]["content"]
            ask = next(a["data"] for a in card["actions"] if a["title"] == "Ask a human")
            press = copy.deepcopy(payload("teams_card_submit"))
            press.update(
                serviceUrl=connector.url, id="f:1", value=ask, replyToId=sent[-1].activity.get("id") or "r1"
            )
            await session.post(f"{server.url}/api/messages", json=press)
            await connector.wait(4, timeout=15)
            thread_id = next(
                t for t, first in connector.threads.items() if "DeepSeek for client data" in json.dumps(first)
            )
            assert thread_id.startswith(f"{it};messageid=")
            reply = copy.deepcopy(payload("teams_message_channel_mention"))
            reply.update(serviceUrl=connector.url, id="m2",
                         text="<at>aiguide</at> Not with client data: use ChatGPT Enterprise, it has our DPA.",
                         conversation={**reply["conversation"], "id": thread_id})  # fmt: skip
            reply["from"] = {"id": "29:1ida", "name": "Ida Berg", "aadObjectId": "aad-ida"}
            reply["channelData"] = {**reply["channelData"], "teamsChannelId": it, "channel": {"id": it}}
            await session.post(f"{server.url}/api/messages", json=reply)
            told = []
            for _ in range(60):
                told = [s for s in connector.sent if s.conversation == "a:1personal-ana"
                        and "IT answered your question" in json.dumps(s.activity)]  # fmt: skip
                if told:
                    break
                await asyncio.sleep(0.25)
        assert len(told) == 1, server.log()[-3000:]
        assert "Not with client data: use ChatGPT Enterprise, it has our DPA." in json.dumps(told[0].activity)
        assert "Ida Berg wrote" in json.dumps(told[0].activity)
        in_thread = [s for s in connector.sent if s.conversation == thread_id]
        assert any("send your answer to the person who asked" in json.dumps(s.activity) for s in in_thread)
        await asyncio.sleep(0.5)
        again = [s for s in connector.sent if s.conversation == "a:1personal-ana"
                 and "IT answered your question" in json.dumps(s.activity)]  # fmt: skip
        assert len(again) == 1  # once
        # In a thread of IT's channel that is no escalation, a typed command is that command.
        other = f"{it};messageid=1700000000999"
        typed = copy.deepcopy(reply)
        typed.update(
            id="m3", text="<at>aiguide</at> requests", conversation={**reply["conversation"], "id": other}
        )
        async with ClientSession() as session:
            await session.post(f"{server.url}/api/messages", json=typed)
        listed = []
        for _ in range(60):
            listed = [s for s in connector.sent if s.conversation == other]
            if listed:
                break
            await asyncio.sleep(0.25)
        assert listed and "tool-review requests" in json.dumps(listed[0].activity), server.log()[-3000:]
    finally:
        assert await server.stop() == 0
        await connector.close()
