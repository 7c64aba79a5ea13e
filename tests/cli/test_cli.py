"""The `aiguide` command line as a person or a script uses it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from knowledge import EXAMPLE_DIR

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": "100", "AIGUIDE_KNOWLEDGE_DIR": ""})


def test_ask_prints_the_answer():
    result = run("ask", "can I paste a client contract into ChatGPT?")
    assert result.exit_code == 0
    assert "Only in ChatGPT Enterprise, not in ChatGPT (personal account)." in result.output
    assert "Policy 2026.11" in result.output


def test_ask_json_has_the_stable_shape():
    result = run("ask", "--json", "can I paste a client contract into ChatGPT?")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    assert set(answer) == {
        "verdict", "tools", "data_class", "use_case", "recommended", "rules", "policy_version", "text",
        "carried",
        "assumed",
    }  # fmt: skip
    assert answer["carried"] == []  # one question: nothing carried over from a conversation
    assert answer["assumed"] == []  # no language model configured
    assert answer["verdict"] == "conditional"
    assert [(t["id"], t["verdict"]) for t in answer["tools"]] == [
        ("chatgpt-enterprise", "allowed"),
        ("chatgpt-personal", "not_allowed"),
    ]
    assert set(answer["tools"][0]) == {"id", "name", "verdict", "reasons", "conditions"}
    assert answer["data_class"] == "confidential"
    assert answer["policy_version"] == "2026.11"
    assert answer["text"].startswith("⚠️  Only in ChatGPT Enterprise")


@pytest.mark.parametrize(
    ("question", "verdict", "first_tool_id"),
    [
        ("Can I use DeepSeek?", "unknown_tool", None),
        ("Can I use Otter for meeting notes?", "not_allowed", "otter"),
        ("what can I use to summarize client meeting notes?", "recommendation", None),
        ("what's for lunch?", "no_match", None),
    ],
)
def test_ask_json_verdicts(question, verdict, first_tool_id):
    answer = json.loads(run("ask", "--json", question).output)
    assert answer["verdict"] == verdict
    if answer["tools"]:
        assert answer["tools"][0]["id"] == first_tool_id
    if verdict == "recommendation":
        assert answer["recommended"][:2] == ["m365-copilot", "brightline-assistant"]
        assert answer["use_case"] == "meeting-notes"


def test_group_option_changes_the_verdict():
    engineer = json.loads(run("ask", "--json", "--group", "engineering", "GitHub Copilot for code?").output)
    stranger = json.loads(run("ask", "--json", "--group", "marketing", "GitHub Copilot for code?").output)
    assert (engineer["verdict"], stranger["verdict"]) == ("allowed", "not_allowed")


def test_knowledge_option_and_environment_variable(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(EXAMPLE_DIR, kb)
    tools = kb / "tools.yaml"
    tools.write_text(tools.read_text().replace("status: under_review", "status: approved"))
    with_option = json.loads(run("ask", "--json", "--knowledge", str(kb), "Gemini for brainstorming?").output)
    assert with_option["tools"][0]["verdict"] == "allowed"  # approved now
    result = runner.invoke(
        app, ["ask", "--json", "Gemini for brainstorming?"], env={"AIGUIDE_KNOWLEDGE_DIR": str(kb)}
    )
    assert json.loads(result.output)["tools"][0]["verdict"] == "allowed"
    default = json.loads(run("ask", "--json", "Gemini for brainstorming?").output)
    assert default["tools"][0]["verdict"] == "not_allowed"


def test_broken_knowledge_base_is_explained_not_a_traceback(tmp_path):
    (tmp_path / "kb.yaml").write_text("tools:\n  - {id: a}\n")
    result = run("ask", "--knowledge", str(tmp_path), "Can I use ChatGPT?")
    assert result.exit_code == 1
    assert "The knowledge base has problems:" in result.output
    assert f"{tmp_path / 'kb.yaml'}:2: tools[0].name: missing required key 'name'" in result.output
    assert "Traceback" not in result.output


def test_chat_session():
    session = "can I use DeepSeek?\n\ntools\nhelp\nquit\n"
    result = run("chat", input=session)
    assert result.exit_code == 0
    output = result.output
    assert "Brightline Partners · policy 2026.11" in output
    assert "DeepSeek is not on the approved list" in output
    assert "AI tools at Brightline Partners" in output
    assert "I answer questions about AI tools at Brightline Partners." in output
    assert output.rstrip().endswith("Bye. Ask again any time.")


def test_chat_ends_cleanly_at_end_of_input():
    result = run("chat", input="is otter ok?\n")
    assert result.exit_code == 0
    assert "No, don't use Otter.ai for this." in result.output


def test_user_text_is_not_read_as_terminal_markup():
    result = run("ask", "tools [bold red]x[/] and [link=http://evil.example]y[/link]")
    assert result.exit_code == 0
    result = run("chat", input="[blink]can I use DeepSeek?[/blink]\nquit\n")
    assert result.exit_code == 0 and "DeepSeek" in result.output


def test_kb_validate_ok_and_broken(tmp_path):
    ok = run("kb", "validate", str(EXAMPLE_DIR))
    assert ok.exit_code == 0 and ok.output.startswith("OK: 13 tools, 4 data classes")
    (tmp_path / "a.yaml").write_text("tools:\n  - {id: a, name: A, status: approved, max_data: top}\n")
    broken = run("kb", "validate", str(tmp_path))
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert f"{tmp_path}:0: no 'policy:' section in any file; exactly one is required" in lines
    assert "1 problem(s) found." in broken.output


def test_kb_schema_is_json_schema():
    document = json.loads(run("kb", "schema").output)
    assert document["title"] == "aiguide knowledge-base file"
    assert {"policy", "tools", "rules", "data_classes", "use_cases", "groups"} <= set(document["properties"])


def test_kb_list_shows_every_tool():
    output = runner.invoke(app, ["kb", "list"], env={"COLUMNS": "250"}).output
    for name in ("ChatGPT Enterprise", "Otter.ai", "Brightline Assistant", "under_review"):
        assert name in output


def test_python_dash_m_bot_and_no_platform_imports():
    """`aiguide ask` stays fast: it must not import Slack, Teams or openai code."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['aiguide', 'ask', '--json', 'can I use DeepSeek?']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'slack_bolt', 'slack_sdk', 'botbuilder', 'openai', 'aiohttp', 'apscheduler'})\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "AIGUIDE_KNOWLEDGE_DIR": ""}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert '"verdict": "unknown_tool"' in done.stdout
    assert "HEAVY []" in done.stdout
