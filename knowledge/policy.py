"""The policy engine: a deterministic verdict for one tool, data and use case, and why.

The decision table is the contract documented in docs/knowledge-base.md; a `not_allowed` step
ends the evaluation at once, a `conditional` step adds its condition and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.base import KnowledgeBase
from knowledge.model import NO_DATA, Rule, Tool


class Verdict(StrEnum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_TOOL = "unknown_tool"


@dataclass(frozen=True, slots=True)
class Reason:
    text: str
    sources: tuple[str, ...] = ()  # ids of the entries it rests on: "tool:x", "rule:y", "data:z"


@dataclass(frozen=True)
class Asker:
    """Who asks. `groups` None means nobody told us which groups they belong to."""

    ids: frozenset[str] = frozenset()  # platform user id, email, ...
    groups: frozenset[str] | None = None


@dataclass(frozen=True)
class Situation:
    """What the question is about, as the engine needs it."""

    data_classes: tuple[str, ...] = ()  # all detected, least sensitive first
    use_cases: tuple[str, ...] = ()
    mentions: frozenset[str] = frozenset()  # rule ids whose mention phrases appeared
    asker: Asker = field(default_factory=Asker)


@dataclass(frozen=True)
class ToolVerdict:
    tool_id: str | None  # None: a tool the knowledge base does not list
    name: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    conditions: tuple[Reason, ...] = ()
    rules: tuple[str, ...] = ()  # ids of the rules that took part

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for reason in (*self.reasons, *self.conditions):
            seen.update(dict.fromkeys(reason.sources))
        return tuple(seen)


def rule_applies(rule: Rule, tool_id: str | None, situation: Situation) -> bool:
    """Every trigger the rule gives must hold; `tool_id` None stands for an unlisted tool."""
    return _fits_situation(rule, situation) and _fits_tool(rule, tool_id)


def situation_rules(kb: KnowledgeBase, situation: Situation) -> tuple[Rule, ...]:
    """The rules whose data, use-case and mention triggers hold, in knowledge-base order.

    Only `tools` and `except_tools` depend on the tool, so a caller deciding many tools for one
    situation (recommendations) checks the rest once and passes the result to `decide`.
    """
    # One question decides a tool at several data classes (its ceiling, each candidate reading), and
    # long messages carry many: the same situations come back within and across questions.
    key = (situation.data_classes, situation.use_cases, situation.mentions)
    cache = kb.memo.setdefault("situation_rules", {})
    found = cache.get(key)
    if found is None:
        if len(cache) > 4096:
            cache.clear()
        found = cache[key] = tuple(r for r in kb.rules if _fits_situation(r, situation))
    return found


def _fits_situation(rule: Rule, situation: Situation) -> bool:
    # Tuples of a few ids: a scan is cheaper than building two sets per rule per tool.
    if rule.data and not any(c in situation.data_classes for c in rule.data):
        return False
    if rule.use_cases and not any(u in situation.use_cases for u in rule.use_cases):
        return False
    return not ((rule.mentions or rule.signals) and rule.id not in situation.mentions)


def _fits_tool(rule: Rule, tool_id: str | None) -> bool:
    if rule.tools and tool_id not in rule.tools:
        return False
    return tool_id not in rule.except_tools


def decide_unknown(kb: KnowledgeBase, name: str, situation: Situation) -> ToolVerdict:
    guidance = kb.policy.unknown_tools
    reasons = [
        Reason(f"{name} is not on the approved-tools list. {guidance.guidance}", ("policy:unknown_tools",))
    ]
    rules = []
    for rule in kb.rules:
        if not rule.tools and rule_applies(rule, None, situation):
            reasons.append(Reason(rule.text, (f"rule:{rule.id}",)))
            rules.append(rule.id)
    return ToolVerdict(None, name, Verdict.UNKNOWN_TOOL, tuple(reasons), rules=tuple(rules))


def decide(
    kb: KnowledgeBase, tool: Tool, situation: Situation, rules: tuple[Rule, ...] | None = None
) -> ToolVerdict:
    """`rules`: `situation_rules(kb, situation)` when the caller has it already."""
    tool_src = f"tool:{tool.id}"
    if rules is None:
        rules = situation_rules(kb, situation)

    def refuse(*reasons: Reason, rules: tuple[str, ...] = ()) -> ToolVerdict:
        return ToolVerdict(tool.id, tool.name, Verdict.NOT_ALLOWED, reasons, rules=rules)

    # 2. red lines
    fitting = [r for r in rules if _fits_tool(r, tool.id)]
    forbids = [r for r in fitting if r.effect == "forbid"]
    if forbids:
        return refuse(
            *(Reason(r.text, (f"rule:{r.id}",)) for r in forbids), rules=tuple(r.id for r in forbids)
        )
    # 3. not usable with company data at all
    if tool.status == "under_review":
        return refuse(Reason(f"{tool.name} is under review by IT and may not be used yet.", (tool_src,)))
    if tool.max_data == NO_DATA:
        return refuse(Reason(f"{tool.name} may not be used with any company information.", (tool_src,)))
    # 4. use cases it must not serve
    for item in tool.not_for:
        if item.use_case in situation.use_cases:
            return refuse(Reason(item.reason, (tool_src, f"use_case:{item.use_case}")))

    conditions: list[Reason] = []
    # 5. who may use it
    if tool.available_to != "everyone":
        groups = tool.available_to
        membership = _membership(kb, situation.asker, groups)
        listed = ", ".join(groups)
        if membership is False:
            return refuse(Reason(f"{tool.name} is available only to members of {listed}.", (tool_src,)))
        if membership is None:
            conditions.append(Reason(f"Only if you are a member of {listed}.", (tool_src,)))
    # 6. data above the ceiling
    rank = kb.data_rank
    ceiling = rank[tool.max_data]
    for class_id in situation.data_classes:
        if rank[class_id] <= ceiling:
            continue
        condition = next((c for c in tool.conditions if c.data == class_id), None)
        if condition is None:
            return refuse(
                Reason(
                    f"{kb.data_name(class_id)} information may not go into {tool.name}; "
                    f"it is approved for {kb.ceiling(tool.max_data)}.",
                    (tool_src, f"data:{class_id}"),
                )
            )
        conditions.append(Reason(condition.text, (tool_src, f"data:{class_id}")))
    # 7. nothing said about the data, and the ceiling is low
    if not situation.data_classes and (ceiling == 0 or tool.status == "not_approved"):
        conditions.append(
            Reason(
                f"Only with {kb.data_name(tool.max_data)} information.", (tool_src, f"data:{tool.max_data}")
            )
        )
    # 8. requirements
    requires = [r for r in fitting if r.effect == "require"]
    conditions.extend(Reason(r.text, (f"rule:{r.id}",)) for r in requires)

    ceiling_note = Reason(
        f"{tool.name} is approved for {kb.ceiling(tool.max_data)}.",
        (tool_src, f"data:{tool.max_data}"),
    )
    verdict = Verdict.CONDITIONAL if conditions else Verdict.ALLOWED
    return ToolVerdict(
        tool.id, tool.name, verdict, (ceiling_note,), tuple(conditions), rules=tuple(r.id for r in requires)
    )


def could_permit(kb: KnowledgeBase, tool: Tool, situation: Situation, rules: tuple[Rule, ...]) -> bool:
    """False when `decide` is bound to refuse, judged from its cheap steps 2, 3, 4 and 6 alone.

    `rules` is `situation_rules(kb, situation)`. True promises nothing: `decide` has the last word.
    Recommendations call this for every tool, so it builds no reasons and no verdict.
    """
    if tool.status == "under_review" or tool.max_data == NO_DATA:
        return False
    for rule in rules:
        if rule.effect == "forbid" and _fits_tool(rule, tool.id):
            return False
    for item in tool.not_for:
        if item.use_case in situation.use_cases:
            return False
    rank = kb.data_rank
    ceiling = rank[tool.max_data]
    for class_id in situation.data_classes:
        if rank[class_id] > ceiling and all(c.data != class_id for c in tool.conditions):
            return False
    return True


def plainly_allowed(kb: KnowledgeBase, tool: Tool, situation: Situation, rules: tuple[Rule, ...]) -> bool:
    """For a tool `could_permit` let through: would `decide` say allowed, with no condition at all?

    Only ranks recommendations (allowed ones first); every answer shown is still `decide`'s own.
    """
    if tool.available_to != "everyone" and _membership(kb, situation.asker, tool.available_to) is not True:
        return False
    rank = kb.data_rank
    ceiling = rank[tool.max_data]
    if any(rank[c] > ceiling for c in situation.data_classes):
        return False
    if not situation.data_classes and (ceiling == 0 or tool.status == "not_approved"):
        return False
    return not any(r.effect == "require" and _fits_tool(r, tool.id) for r in rules)


def _membership(kb: KnowledgeBase, asker: Asker, groups: tuple[str, ...]) -> bool | None:
    """True: in a listed group; False: known not to be; None: cannot tell."""
    if asker.groups is not None and set(asker.groups) & set(groups):
        return True
    ids = {i.lower() for i in asker.ids}
    if any(ids & kb.members(group) for group in groups):
        return True
    if asker.groups is not None:
        return False
    # Nobody said which groups the asker is in: a member list in the knowledge base may be incomplete
    # (the directory also adds members), so the answer is "only if you are a member", not "no".
    return None
