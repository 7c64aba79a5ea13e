"""The reliability suite's figures: each test records its line, and the line is printed at the end of the
pytest run whether or not output was captured and whether the test passed or failed, so that it shows in
the CI output."""

from __future__ import annotations

import pytest

FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture
def record_figures(request):
    """`record_figures(line)`: printed in the terminal summary of the run."""
    lines = request.config.stash.setdefault(FIGURES, [])

    def record(line: str) -> None:
        lines.append(line)
        print(line)  # also in the test's captured output, next to a failure

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
