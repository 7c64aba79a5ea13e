"""The approved-tools matrix: every tool against every data class, decided by the policy engine for
someone whose groups are not known (a group-only tool is "with conditions: only if you are a member").
The web page and anything else that shows the whole policy at once read it from here, so it is always
what the bot would answer."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.tool_list import STATUS_LABEL
from knowledge import KnowledgeBase
from knowledge.policy import Situation, Verdict, decide

CELL_WORDS = {
    Verdict.ALLOWED: "Allowed",
    Verdict.CONDITIONAL: "With conditions",
    Verdict.NOT_ALLOWED: "Not allowed",
}


@dataclass(frozen=True)
class Cell:
    verdict: str  # "allowed", "conditional", "not_allowed"
    words: str
    notes: tuple[str, ...]  # the conditions, or why not


@dataclass(frozen=True)
class ToolRow:
    id: str
    name: str
    vendor: str
    status: str
    status_words: str
    edition: str
    who: str
    access: str
    notes: str
    good_for: tuple[str, ...]
    cells: tuple[Cell, ...]  # one per data class, least sensitive first
    allowed_classes: tuple[str, ...]  # the classes it takes, with or without conditions


@dataclass(frozen=True)
class RuleRow:
    id: str
    effect: str
    text: str


@dataclass(frozen=True)
class Matrix:
    organization: str
    version: str
    contact: str
    policy_url: str | None
    classes: tuple[tuple[str, str, str], ...]  # (id, name, description)
    tools: tuple[ToolRow, ...]
    rules: tuple[RuleRow, ...]


def matrix(kb: KnowledgeBase) -> Matrix:
    rows = []
    for tool in kb.tools:
        cells = []
        for data_class in kb.data_classes:
            decided = decide(kb, tool, Situation(data_classes=(data_class.id,)))
            verdict = decided.verdict if decided.verdict in CELL_WORDS else Verdict.NOT_ALLOWED
            notes = decided.conditions if verdict == Verdict.CONDITIONAL else ()
            if verdict == Verdict.NOT_ALLOWED:
                notes = decided.reasons
            cells.append(Cell(str(verdict), CELL_WORDS[verdict], tuple(dict.fromkeys(r.text for r in notes))))
        who = "Everyone" if tool.available_to == "everyone" else ", ".join(tool.available_to)
        rows.append(
            ToolRow(
                id=tool.id,
                name=tool.name,
                vendor=tool.vendor,
                status=tool.status,
                status_words=STATUS_LABEL.get(tool.status, tool.status),
                edition=tool.edition,
                who=who,
                access=tool.access,
                notes=tool.notes,
                good_for=tuple(kb.use_case[u].name for u in tool.good_for if u in kb.use_case),
                cells=tuple(cells),
                allowed_classes=tuple(
                    c.id
                    for c, cell in zip(kb.data_classes, cells, strict=True)
                    if cell.verdict != "not_allowed"
                ),
            )
        )
    return Matrix(
        organization=kb.policy.organization,
        version=kb.policy.version,
        contact=kb.policy.contact,
        policy_url=kb.policy.url,
        classes=tuple((c.id, c.name, c.description) for c in kb.data_classes),
        tools=tuple(rows),
        rules=tuple(RuleRow(r.id, r.effect, r.text) for r in kb.rules),
    )
