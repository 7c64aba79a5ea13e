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
