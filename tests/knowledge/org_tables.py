"""The organisations' knowledge bases under tests/knowledge/kbs/ and their tables of natural questions.

Each KB is modelled on a published AI-tool policy; its questions.yaml was written from the policy
alone (not from aiguide's phrase catalogs), with the verdict the policy requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from handlers.ask import talk_kind
from knowledge import Asker, KnowledgeBase, load_knowledge
from knowledge.assess import Assessment, assess

KBS = Path(__file__).parent / "kbs"
PERMITS = {"allowed", "conditional"}


@dataclass(frozen=True)
class Case:
    kb: str
    question: str
    expect: str
    tool: str | None = None
    group: str | None = None
    why: str = ""
    turn: int = 0  # 0: a single question; n: the n-th turn of a conversation


def org_names() -> list[str]:
    return sorted(p.name for p in KBS.iterdir() if (p / "questions.yaml").exists())


@cache
def org_kb(name: str) -> KnowledgeBase:
    return load_knowledge(KBS / name / "kb")


def _case(name: str, item: dict, turn: int = 0) -> Case:
    return Case(
        name, item["q"], item["expect"], item.get("tool"), item.get("group"), item.get("why", ""), turn
    )


def questions(name: str) -> list[Case]:
    table = yaml.safe_load((KBS / name / "questions.yaml").read_text(encoding="utf-8"))
    return [_case(name, item) for item in table.get("questions", ())]


def conversations(name: str) -> list[list[Case]]:
    table = yaml.safe_load((KBS / name / "questions.yaml").read_text(encoding="utf-8"))
    return [
        [_case(name, item, turn) for turn, item in enumerate(c["turns"], start=1)]
        for c in table.get("conversations", ())
    ]


def got(case: Case, assessment: Assessment) -> str:
    """The verdict the table compares: the named tool's, or the overall one."""
    if talk_kind(assessment) is not None:
        return "info"
    if case.tool and assessment.verdict != "clarify":
        verdicts = [str(v.verdict) for v in assessment.tools if v.tool_id == case.tool]
        return verdicts[0] if verdicts else f"(tool {case.tool} not read; overall {assessment.verdict})"
    verdict = str(assessment.verdict)
    return "info" if verdict == "no_match" and case.expect == "info" else verdict


def asker(case: Case) -> Asker:
    return Asker(ids=frozenset({"U_TEST"}), groups=frozenset({case.group}) if case.group else None)


def run_single(case: Case) -> tuple[str, Assessment]:
    assessment = assess(org_kb(case.kb), case.question, asker(case))
    return got(case, assessment), assessment


def run_conversation(turns: list[Case]) -> list[tuple[Case, str]]:
    context = None
    results = []
    for case in turns:
        assessment = assess(org_kb(case.kb), case.question, asker(case), context=context)
        if talk_kind(assessment) is None:
            context = assessment.context
        results.append((case, got(case, assessment)))
    return results


def unsafe(case: Case, verdict: str) -> bool:
    """A yes where the policy says no (or asks first)."""
    return case.expect in ("not_allowed", "clarify", "unknown_tool") and verdict in PERMITS
