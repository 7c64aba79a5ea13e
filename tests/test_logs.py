"""`aiguide serve`'s log lines: JSON objects, one per line, with what an operator filters on."""

from __future__ import annotations

import json
import logging

from bot import logs


def test_json_lines_carry_level_logger_time_and_the_request_fields(capsys):
    logs.configure("json")
    try:
        logging.getLogger("bot.slack.delivery").warning(
            "slack %s failed (request %s): %s", "chat_postMessage", "r1", "x"
        )
        logs.answered(
            request_id="slack:r1", surface="slack", command="ask", outcome="allowed", latency_ms=12.5
        )
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        logging.getLogger().handlers.clear()
    first, second = lines
    assert first["event"] == "slack chat_postMessage failed (request r1): x" and first["level"] == "warning"
    assert first["logger"] == "bot.slack.delivery" and first["time"].endswith("Z")
    assert {k: second[k] for k in ("event", "request_id", "surface", "command", "outcome", "latency_ms")} == {
        "event": "answered", "request_id": "slack:r1", "surface": "slack", "command": "ask",
        "outcome": "allowed", "latency_ms": 12.5,
    }  # fmt: skip


def test_text_lines_for_development(capsys):
    logs.configure("text")
    try:
        logging.getLogger("bot").warning("plain %s", "words")
        err = capsys.readouterr().err
    finally:
        logging.getLogger().handlers.clear()
    assert "plain words" in err and not err.lstrip().startswith("{")
