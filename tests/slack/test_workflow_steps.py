"""Workflow Builder steps as bolt functions: a signed `function_executed` event (in the shape of Slack's
reference for it) runs the step, and the outcome goes back with functions.completeSuccess or
functions.completeError, on the step's own token."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from storage.models import Question, Win

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "slack-manifest"
STEP_TOKEN = "xwfp-0000000000-0000000000-step-token"


def test_the_manifest_offers_the_steps_only_when_asked():
    plain = json.loads(CliRunner().invoke(app, ["manifest", "slack", "--socket"]).output)
    assert "functions" not in plain and plain["settings"]["org_deploy_enabled"] is False
    result = CliRunner().invoke(app, ["manifest", "slack", "--socket", "--workflow-steps"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert set(manifest["functions"]) == {"check_ai_policy", "log_ai_win"}
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["settings"]["function_runtime"] == "remote"
    assert "function_executed" in manifest["settings"]["event_subscriptions"]["bot_events"]
    schema = SCHEMAS / "manifest.schema.2.0.0.json"
    if not schema.exists():
        pytest.skip(
            f"Slack's manifest schema is read from ../shared ({schema}), which this clone does not have"
        )
    assert list(jsonschema.Draft7Validator(json.loads(schema.read_text())).iter_errors(manifest)) == []


async def test_the_policy_step_returns_the_engines_verdict_on_the_steps_token(slack):
    response = await slack.event("slack_event_function_executed")
    assert response.status == 200
    (done,) = await slack.fake.wait_for("functions.completeSuccess")
    assert done["function_execution_id"] == "Fx0STEP00001"
    outputs = done["outputs"] if isinstance(done["outputs"], dict) else json.loads(done["outputs"])
    assert outputs["verdict"] == "not_allowed"  # a secret key: never yes, in a workflow either
    assert outputs["answer"].startswith("No") and "ChatGPT" in outputs["answer"]
    assert slack.fake.tokens["functions.completeSuccess"] == [STEP_TOKEN]
    await slack.services.questions_written()
    with slack.services.database.session() as session:
        (question,) = session.exec(select(Question)).all()
    # The demand signals count a workflow's questions too, with what the answer rested on.
    assert question.verdict == "not_allowed" and "no-credentials" in question.rule_ids


async def test_a_step_without_a_question_fails_with_what_to_fill_in(slack):
    await slack.event("slack_event_function_executed", inputs={"question": "  "})
    (failed,) = await slack.fake.wait_for("functions.completeError")
    assert "Question" in failed["error"]


def _win_step(**inputs) -> dict:
    function = {"id": "Fn0AIGUIDE02", "callback_id": "log_ai_win", "title": "Log an AI win", "type": "app"}
    return {"function": function, "inputs": inputs}


async def test_the_win_step_stores_the_win(slack):
    await slack.event("slack_event_function_executed", **_win_step(
        user_id="U0ANA", minutes=40, task="summarised the supplier call", tool="Copilot",
        outcome="sent the notes the same day"))  # fmt: skip
    (done,) = await slack.fake.wait_for("functions.completeSuccess")
    outputs = done["outputs"] if isinstance(done["outputs"], dict) else json.loads(done["outputs"])
    assert outputs["summary"].startswith("Logged win #1: 40 min saved")
    with slack.services.database.session() as session:
        (win,) = session.exec(select(Win)).all()
    assert win.minutes == 40 and win.task == "summarised the supplier call"


async def test_a_win_step_with_bad_minutes_fails_and_stores_nothing(slack):
    await slack.event("slack_event_function_executed", **_win_step(user_id="U0ANA", minutes=0, task="x"))
    (failed,) = await slack.fake.wait_for("functions.completeError")
    assert "time saved" in failed["error"].lower()
    assert slack.fake.of("functions.completeSuccess") == []
    with slack.services.database.session() as session:
        assert session.exec(select(Win)).all() == []
