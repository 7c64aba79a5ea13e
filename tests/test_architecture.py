"""The layer rules of the design brief, checked with the tests (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def test_the_openai_package_is_imported_in_one_module_only():
    """One place to read for what is sent to a language model (docs/llm.md)."""
    import re

    importing = sorted(
        str(path.relative_to(ROOT))
        for top in ("bot", "handlers", "knowledge", "storage")
        for path in (ROOT / top).rglob("*.py")
        if re.search(r"^\s*(import openai|from openai\b)", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert importing == ["bot/llm/client.py"]
