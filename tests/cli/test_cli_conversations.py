"""The terminal as a person and a script use it for conversations: `aiguide chat` with numbered
clarify choices, `aiguide chat --json` one answer per line, `ask --data`, `ask --explain`, `kb explain`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": "120", "AIGUIDE_KNOWLEDGE_DIR": ""})


def aiguide(*args: str, input: str, tmp_path: Path) -> str:
    """The real `aiguide` process, as a person starts it, with its own data folder."""
    env = {**os.environ, "AIGUIDE_DATA_DIR": str(tmp_path), "AIGUIDE_KNOWLEDGE_DIR": "", "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], input=input, capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def test_chat_json_keeps_the_conversation_line_by_line(tmp_path):
    lines = [
        "can I give copilot my AWS access key so it can fix my deploy script?",
        "what about with public data?",
        "hi",
        "can I upload the export to ChatGPT Enterprise?",
    ]
    out = aiguide("chat", "--json", input="\n".join(lines) + "\n", tmp_path=tmp_path)
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["verdict"] for a in answers] == ["not_allowed", "allowed", "info", "clarify"]
    assert answers[1]["carried"] == ["tool", "use case"] and answers[1]["data_class"] == "public"
    assert answers[3]["clarify"]["about"] == "data_class"
    assert answers[3]["clarify"]["options"] == ["public", "internal", "confidential", "restricted"]
    assert answers[3]["clarify"]["phrase"] == "the export"
    assert answers[3]["clarify"]["answers"]["restricted"] == "conditional"
    assert not answers[3]["text"].lower().startswith("yes")
    assert [(t["id"], t["verdict"]) for t in answers[3]["tools"]] == [("chatgpt-enterprise", "conditional")]


def test_chat_offers_numbered_choices_and_a_number_picks_one(tmp_path):
    out = aiguide(
        "chat", input="can I upload the export to ChatGPT Enterprise?\n4\nquit\n", tmp_path=tmp_path
    )
    assert "Type the number of your answer:" in out and "4. Restricted" in out
    assert "Yes, you can use ChatGPT Enterprise, with conditions." in out
    assert "Restricted data as you said" in out


def test_ask_data_states_the_class_and_a_wrong_class_says_which_exist():
    stated = run("ask", "--json", "--data", "restricted", "can I upload the export to ChatGPT Enterprise?")
    answer = json.loads(stated.output)
    assert answer["verdict"] == "conditional" and answer["data_class"] == "restricted"
    wrong = run("ask", "--data", "secret", "can I upload the export?")
    assert wrong.exit_code == 2
    assert "use one of: public, internal, confidential, restricted" in wrong.output


def test_ask_explain_shows_which_words_were_read_as_what():
    result = run("ask", "--json", "--explain", "¿puedo pegar las nóminas en chatgpt.com?")
    words = {w["words"]: (w["read_as"], w["from"]) for w in json.loads(result.output)["explain"]}
    assert words["nominas"] == ("data: restricted", "catalog: hr")
    assert words["chatgpt"][0] == "tool: chatgpt-enterprise, chatgpt-personal"
    table = run("ask", "--explain", "can I paste my api key into claude?")
    assert "How the question was read" in table.output and "rule: no-credentials" in table.output


def test_kb_explain_shows_where_each_catalog_category_lands():
    result = run("kb", "explain")
    assert result.exit_code == 0
    output = result.output
    assert "Data signals → your data classes" in output
    health = next(line for line in output.splitlines() if line.startswith("│ health"))
    assert "Restricted" in health
    assert "no-credentials" in output and "credentials" in output
