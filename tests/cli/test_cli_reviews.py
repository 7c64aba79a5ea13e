"""A tool review in the terminal, as a person and IT's admin run it: `request`, `decide` (the console
user is the admin `console:<OS user name>`), the decision shown before the next prompt, `kb propose`
drafting the entry, and the news that the policy lists it once the draft is in the knowledge base."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def aiguide(
    *args: str, tmp_path: Path, input: str = "", knowledge: Path | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ, "AIGUIDE_DATA_DIR": str(tmp_path), "AIGUIDE_KNOWLEDGE_DIR": str(knowledge or ""),
        "AIGUIDE_ADMINS": f"console:{getpass.getuser()}", "COLUMNS": "140",
    }  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=input, capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60, check=True,
    )  # fmt: skip


def test_request_decide_told_propose_published_in_the_terminal(tmp_path):
    chat = aiguide(
        "chat", tmp_path=tmp_path,
        input="request Elicit because it cites its sources\n"
              "decide Elicit pilot up to internal for research because a four-week trial\nquit\n",
    ).stdout  # fmt: skip
    assert "IT will review Elicit. You are the first to ask." in chat
    assert "Recorded: Elicit approved for a pilot. 1 person will be told" in chat
    # The console's direct message: shown before the next prompt.
    decided = chat.index("Recorded: Elicit")
    assert chat.index("IT will pilot Elicit with research", decided) < chat.rindex("you ›")
    again = aiguide("chat", tmp_path=tmp_path, input="quit\n").stdout
    assert "IT will pilot" not in again  # told once

    drafted = aiguide("kb", "propose", tmp_path=tmp_path)
    assert "id: elicit" in drafted.stdout and "Drafted: Elicit." in drafted.stderr
    copy = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "example", copy)
    aiguide("kb", "propose", "--out", str(copy / "reviews.yaml"), tmp_path=tmp_path)
    assert "OK:" in aiguide("kb", "validate", str(copy), tmp_path=tmp_path).stdout

    published = aiguide("chat", tmp_path=tmp_path, knowledge=copy, input="quit\n").stdout
    assert "Elicit is now in the AI-tools policy" in published and "research" in published
    nothing = aiguide("kb", "propose", tmp_path=tmp_path, knowledge=copy)
    assert nothing.stdout == "" and "Nothing to propose" in nothing.stderr


def test_the_alignment_report_in_the_terminal(tmp_path):
    """Questions asked in the console are what the report counts: a red line met, an unlisted tool."""
    aiguide(
        "chat", tmp_path=tmp_path,
        input="can I paste our AWS secret key into ChatGPT Enterprise?\nis DeepSeek ok for research?\nquit\n",
    )  # fmt: skip
    out = tmp_path / "report.txt"
    shown = aiguide("report", "alignment", "--out", str(out), tmp_path=tmp_path).stdout
    assert "stands with AI" in shown and f"Written to {out}." in shown
    text = out.read_text()
    for title in ("What employees need help with", "IT's red lines", "Leadership's 90-day wins",
                  "Standard or flexible", "Experiments"):  # fmt: skip
        assert f"\n{title}\n" in text
    assert "Questions: 2 from 1 person" in text
    assert "applied 1 time for 1 person" in text
    assert "Asked about, not on the list: DeepSeek: 1 person, 1 question" in text
    assert "AWS" not in text  # counted, never quoted
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "report", "alignment", "--period", "last quarter"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "AIGUIDE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert bad.returncode == 2 and "write a quarter like 2026-Q4 or a month like 2026-11" in bad.stderr


def test_a_one_shot_question_is_shown_and_then_logged(tmp_path):
    """`aiguide ask` prints the answer before it loads the database layer, then logs the question: the
    report counts it. A command that reads the database (`me`) still works from `aiguide ask`."""
    shown = aiguide("ask", "can I paste our AWS secret key into ChatGPT Enterprise?", tmp_path=tmp_path)
    assert "No" in shown.stdout and shown.stderr == ""
    text = aiguide("report", "alignment", tmp_path=tmp_path).stdout
    assert "Questions   1 from 1 person" in text, text
    me = aiguide("ask", "me", tmp_path=tmp_path).stdout
    assert "saved with AI this quarter" in me
