"""Benchmark: how often the reader gets the verdict the policy requires, on natural questions.

Runs every question table under tests/knowledge: `questions.yaml` (the tables the tests hold to 90%)
and `holdout.yaml` (written afterwards, blind to the catalogs and to the first tables, and never used
to tune anything). Prints, per knowledge base and table, the share of right verdicts and the number of
unsafe answers (allowed or conditional where the policy says no, asks first or does not list the tool).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.ask import talk_kind  # noqa: E402
from knowledge import EXAMPLE_DIR, load_knowledge  # noqa: E402
from knowledge.assess import assess  # noqa: E402
from tests.knowledge.org_tables import KBS, Case, asker, got, unsafe  # noqa: E402


def tables() -> list[tuple[str, Path, Path]]:
    found = [
        ("example", EXAMPLE_DIR, ROOT / "tests/knowledge/example_holdout.yaml"),
        ("example", EXAMPLE_DIR, ROOT / "tests/knowledge/blind_example.yaml"),
    ]
    for kb in sorted(p for p in KBS.iterdir() if (p / "kb").is_dir()):
        for name in ("questions.yaml", "holdout.yaml", "blind.yaml"):
            if (kb / name).exists():
                found.append((kb.name, kb / "kb", kb / name))
    return [t for t in found if t[2].exists()]


def run(kb_dir: Path, table: Path, name: str) -> list[tuple[Case, str]]:
    kb = load_knowledge(kb_dir)
    data = yaml.safe_load(table.read_text(encoding="utf-8"))
    results = []
    for item in data.get("questions", ()):
        case = Case(name, item["q"], item["expect"], item.get("tool"), item.get("group"), item.get("why", ""))
        results.append((case, got(case, assess(kb, case.question, asker(case)))))
    for conversation in data.get("conversations", ()):
        context = None
        for turn, item in enumerate(conversation["turns"], start=1):
            case = Case(name, item["q"], item["expect"], item.get("tool"), item.get("group"), "", turn)
            assessment = assess(kb, case.question, asker(case), context=context)
            if talk_kind(assessment) is None:
                context = assessment.context
            results.append((case, got(case, assessment)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every wrong verdict")
    args = parser.parse_args()
    totals: dict[str, list[int]] = {}
    print(f"{'knowledge base':<16}{'table':<16}{'right':>12}{'share':>8}{'unsafe':>8}")
    for name, kb_dir, table in tables():
        results = run(kb_dir, table, name)
        right = sum(1 for case, verdict in results if verdict == case.expect)
        bad = sum(1 for case, verdict in results if unsafe(case, verdict))
        kind = table.stem.replace("example_", "").replace("_example", "")
        total = totals.setdefault(kind, [0, 0, 0])
        total[0] += right
        total[1] += len(results)
        total[2] += bad
        print(f"{name:<16}{kind:<16}{right:>6}/{len(results):<5}{right / len(results):>8.0%}{bad:>8}")
        if args.misses:
            for case, verdict in results:
                if verdict != case.expect:
                    flag = "UNSAFE " if unsafe(case, verdict) else ""
                    print(f"    {flag}{case.question!r}: {verdict}, policy: {case.expect}")
    for kind, (right, count, bad) in totals.items():
        print(f"{'all':<16}{kind:<16}{right:>6}/{count:<5}{right / count:>8.0%}{bad:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
