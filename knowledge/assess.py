"""From a question to a full assessment: verdicts for the tools it names, or recommendations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from knowledge.base import STATUS_ORDER, USABLE_STATUSES, KnowledgeBase
from knowledge.followup import Context, answers_clarify, continue_from, is_followup
from knowledge.followup import start as start_context
from knowledge.model import NO_DATA, Rule, Tool
from knowledge.model_reading import ModelReading, merge
from knowledge.phrases import as_written
from knowledge.policy import (
    Asker,
    Reason,
    Situation,
    ToolVerdict,
    Verdict,
    could_permit,
    decide,
    decide_unknown,
    plainly_allowed,
    rule_applies,
    situation_rules,
)
from knowledge.understand import Understanding, understand

PERMITTED = frozenset({Verdict.ALLOWED, Verdict.CONDITIONAL})


class Overall(StrEnum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_TOOL = "unknown_tool"
    RECOMMENDATION = "recommendation"
    CLARIFY = "clarify"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class ClarifyOption:
    """The answer the question would get if its data were of this class."""

    data_class: str
    verdict: Overall
    tools: tuple[ToolVerdict, ...]


@dataclass(frozen=True)
class Clarify:
    about: str  # "data_class"
    phrase: str  # the words that could not be placed ("the export")
    options: tuple[ClarifyOption, ...]  # one per data class of the knowledge base, least sensitive first


@dataclass(frozen=True)
class Assessment:
    question: str
    understanding: Understanding
    verdict: Overall
    tools: tuple[ToolVerdict, ...]  # one per tool the question names, in the order named
    recommended: tuple[ToolVerdict, ...]  # permitted tools for this data and use case, best first
    policy_version: str
    general_rules: tuple[Rule, ...] = ()  # rules that apply to this question whatever the tool

    @property
    def red_lines(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.general_rules if r.effect == "forbid")

    @property
    def rules(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for verdict in self.tools:
            seen.update(dict.fromkeys(verdict.rules))
        if not self.tools:
            seen.update(dict.fromkeys(r.id for r in self.general_rules))
        return tuple(seen)

    alternatives: tuple[ToolVerdict, ...] = ()  # permitted tools not named, to use instead of a refused one
    clarify: Clarify | None = None  # set when the verdict hangs on data the question did not name clearly
    carried: tuple[str, ...] = ()  # what a follow-up took from the conversation: "tool", "data", "use case"
    context: Context | None = None  # what the next follow-up in this conversation continues from
    stated_data: str | None = None  # the class the asker stated (a clarify choice, `--data`)
    assumed: tuple[str, ...] = ()  # what a language model's reading added, in words ("you mean Claude")
    language: str | None = None  # the question's language, as a language model read it


def assess(
    kb: KnowledgeBase,
    question: str,
    asker: Asker | None = None,
    *,
    context: Context | None = None,
    data_class: str | None = None,
    hints: ModelReading | None = None,
) -> Assessment:
    """`context`: the conversation so far, for follow-ups; `data_class`: a class the asker stated;
    `hints`: a language model's reading, which only adds to the reading (knowledge.model_reading)."""
    reading = understand(question, kb.indexes)
    carried: tuple[str, ...] = ()
    if context is not None and (is_followup(reading) or answers_clarify(context, reading)):
        continued = continue_from(context, question, reading, kb.indexes)
        reading, next_context, carried = continued.reading, continued.context, continued.carried
    else:
        next_context = start_context(question, reading)
    if data_class is not None:
        rank = kb.data_rank
        stated = sorted({*reading.data_classes, data_class}, key=rank.__getitem__)
        reading = replace(reading, data_classes=tuple(stated), vague=())
        next_context = replace(next_context, reading=reading)
    assumed: tuple[str, ...] = ()
    if hints is not None and not hints.empty:
        reading, assumed = merge(kb, reading, hints)
        next_context = replace(next_context, reading=reading)
    situation = Situation(
        data_classes=reading.data_classes,
        use_cases=reading.use_cases,
        mentions=reading.mentions,
        asker=asker or Asker(),
    )
    verdicts = _verdicts(kb, reading, situation)
    clarify = _clarify(kb, reading, situation, verdicts)
    if clarify is not None:
        clarify = replace(clarify, phrase=as_written(f"{question} {next_context.data_text}", clarify.phrase))
        verdicts = [_at_ceiling(kb, v, situation, clarify.phrase) for v in verdicts]

    needs_options = not verdicts or any(v.verdict not in PERMITTED for v in verdicts)
    understood = bool(reading.data_classes or reading.use_cases)
    limit = MAX_RECOMMENDED + len(verdicts)  # room for the alternatives once the named tools are left out
    recommended = recommend(kb, situation, limit) if needs_options and (understood or verdicts) else ()
    overall = _overall(verdicts, understood, one_name=len(reading.tools) == 1)
    if overall == Overall.RECOMMENDATION and not recommended:
        overall = Overall.NOT_ALLOWED  # "No approved AI tool may be used for this": the answer is no
    return Assessment(
        question=question,
        understanding=reading,
        verdict=Overall.CLARIFY if clarify is not None else overall,
        tools=tuple(verdicts),
        recommended=recommended,
        policy_version=kb.policy.version,
        general_rules=tuple(r for r in kb.rules if not r.tools and rule_applies(r, None, situation)),
        alternatives=_alternatives(kb, verdicts, recommended),
        clarify=clarify,
        carried=carried,
        context=next_context,
        stated_data=data_class,
        assumed=assumed,
    )


def _verdicts(kb: KnowledgeBase, reading: Understanding, situation: Situation) -> list[ToolVerdict]:
    verdicts: list[ToolVerdict] = []
    seen: set[str] = set()
    for mention in reading.tools:
        if mention.unknown_name is not None:
            if mention.unknown_name not in seen:
                seen.add(mention.unknown_name)
                verdicts.append(decide_unknown(kb, mention.unknown_name, situation))
            continue
        for tool_id in sorted(mention.tool_ids, key=kb.tool_order.__getitem__):
            if tool_id not in seen:
                seen.add(tool_id)
                verdicts.append(decide(kb, kb.tool[tool_id], situation))
    return verdicts


def _clarify(
    kb: KnowledgeBase, reading: Understanding, situation: Situation, verdicts: list[ToolVerdict]
) -> Clarify | None:
    """Ask which kind of data, when the question names data it does not classify and the answer hangs on it.

    A question that names no data at all is answered as usual (do not over-ask).
    """
    # Content handed to a named tool counts as unplaced data too; for "what can I use to ..." the
    # recommendations already say which data each tool may take.
    phrases = reading.vague or ((reading.handed,) if reading.handed and verdicts else ())
    if reading.secrets or not phrases:
        return None
    options = []
    rank = kb.data_rank
    for data_class in kb.data_classes:
        # Besides the data it did place ("the database AND a press release"): only what is more sensitive
        # than that can change the answer.
        placed_ids = tuple(sorted({*reading.data_classes, data_class.id}, key=rank.__getitem__))
        placed = replace(situation, data_classes=placed_ids)
        if verdicts:
            tools = tuple(_verdicts(kb, reading, placed))
            verdict = _overall(list(tools), True, one_name=len(reading.tools) == 1)
        else:
            if not reading.use_cases:
                return None
            tools = recommend(kb, placed, 3)
            verdict = Overall.RECOMMENDATION if tools else Overall.NOT_ALLOWED
        options.append(ClarifyOption(data_class.id, verdict, tools))
    answers = {(o.verdict, tuple((t.tool_id, t.verdict) for t in o.tools)) for o in options}
    if len(answers) <= 1:
        return None
    return Clarify(about="data_class", phrase=phrases[0], options=tuple(options))


def _at_ceiling(kb: KnowledgeBase, verdict: ToolVerdict, situation: Situation, phrase: str) -> ToolVerdict:
    """A named tool's verdict while the data is unknown: as if the data were at the tool's ceiling, on the
    condition that it is no more sensitive than that; never a plain yes."""
    if verdict.tool_id is None:
        return verdict
    tool = kb.tool[verdict.tool_id]
    if tool.max_data == NO_DATA:
        return verdict
    at = decide(kb, tool, replace(situation, data_classes=(tool.max_data,)))
    if at.verdict not in PERMITTED:
        return at
    condition = Reason(
        f"Only if {phrase} holds nothing more sensitive than {kb.data_name(tool.max_data)} information.",
        (f"tool:{tool.id}", f"data:{tool.max_data}"),
    )
    return replace(at, verdict=Verdict.CONDITIONAL, conditions=(condition, *at.conditions))


def _alternatives(
    kb: KnowledgeBase, verdicts: list[ToolVerdict], recommended: tuple[ToolVerdict, ...]
) -> tuple[ToolVerdict, ...]:
    """The knowledge base's own suggestions for a refused tool first, then the recommendations."""
    named = {v.tool_id for v in verdicts}
    suggested = [
        alt
        for v in verdicts
        if v.tool_id and v.verdict not in PERMITTED
        for alt in kb.tool[v.tool_id].alternatives
    ]
    order = {tool_id: i for i, tool_id in enumerate(dict.fromkeys(suggested))}
    options = [v for v in recommended if v.tool_id not in named]
    return tuple(sorted(options, key=lambda v: order.get(v.tool_id or "", len(order))))


STRICTNESS = (Verdict.NOT_ALLOWED, Verdict.UNKNOWN_TOOL, Verdict.CONDITIONAL, Verdict.ALLOWED)


def _overall(verdicts: list[ToolVerdict], understood: bool, *, one_name: bool) -> Overall:
    if not verdicts:
        return Overall.RECOMMENDATION if understood else Overall.NO_MATCH
    kinds = {v.verdict for v in verdicts}
    if len(kinds) == 1:
        return Overall(kinds.pop())
    if one_name and kinds & PERMITTED:
        # One name, several editions ("chatgpt"): usable, on the condition of picking the right one.
        return Overall.CONDITIONAL
    # Different tools named together: the strictest verdict, so a script reading only this field
    # never takes a refusal for a permission.
    return Overall(next(v for v in STRICTNESS if v in kinds))


MAX_RECOMMENDED = 10


def recommend(kb: KnowledgeBase, situation: Situation, limit: int | None = None) -> tuple[ToolVerdict, ...]:
    """Usable tools whose verdict here is allowed (first) or conditional, never not_allowed; within
    each, the ones good for the asked use case (the main one first), then approved before limited/pilot.

    With `limit`, only the best `limit` are returned; the scan stops once that many allowed tools are
    found, which spares deciding hundreds of tools in a large knowledge base.
    """
    # The same few situations recur question after question; a loaded knowledge base never changes.
    cache = kb.memo.setdefault("recommendations", {})
    asker = situation.asker
    key = (situation.data_classes, situation.use_cases, situation.mentions, asker.groups, asker.ids, limit)
    if key not in cache:
        if len(cache) > 4096:
            cache.clear()
        cache[key] = _recommend(kb, situation, limit)
    return cache[key]


def _recommend(kb: KnowledgeBase, situation: Situation, limit: int | None) -> tuple[ToolVerdict, ...]:
    rules = situation_rules(kb, situation)
    if any(r.effect == "forbid" and not r.tools and not r.except_tools for r in rules):
        return ()  # a red line for every tool: nothing to recommend, and no need to look at each
    candidates = _data_candidates(kb, situation.use_cases, situation.data_classes)
    allowed: list[ToolVerdict] = []
    others: list[Tool] = []
    # A requirement on every tool leaves none plainly allowed: the first permitted ones are the best.
    required = any(r.effect == "require" and not r.tools and not r.except_tools for r in rules)
    for tool in candidates:
        if required:
            if limit is not None and len(others) >= limit:
                break
            if could_permit(kb, tool, situation, rules):
                others.append(tool)
            continue
        # Most tools are refused for this data or by a red line: rule them out before building verdicts.
        if not could_permit(kb, tool, situation, rules):
            continue
        if plainly_allowed(kb, tool, situation, rules):
            allowed.append(decide(kb, tool, situation, rules))
            if limit is not None and len(allowed) >= limit:
                break
        else:
            others.append(tool)
    # Verdicts for the rest only as far as the list needs them: a large base has hundreds.
    conditional: list[ToolVerdict] = []
    for tool in others:
        if limit is not None and len(allowed) + len(conditional) >= limit:
            break
        verdict = decide(kb, tool, situation, rules)
        if verdict.verdict in PERMITTED:
            conditional.append(verdict)
    if required and limit is not None and len(conditional) < limit and len(others) >= limit:
        # Some of the first ones were refused after all (a group): look further, as without the shortcut.
        return _recommend_all(kb, situation, rules, candidates, limit)
    # Tools only some groups may use come after the others when it is not known whether the asker may.
    ranked = sorted(
        allowed + conditional,
        key=lambda v: (
            v.verdict != Verdict.ALLOWED,
            v.verdict != Verdict.ALLOWED and kb.tool[v.tool_id or ""].available_to != "everyone",
        ),
    )
    return tuple(ranked[:limit] if limit is not None else ranked)


def _recommend_all(kb, situation, rules, candidates, limit) -> tuple[ToolVerdict, ...]:
    permitted = []
    for tool in candidates:
        if len(permitted) >= limit:
            break
        if could_permit(kb, tool, situation, rules):
            verdict = decide(kb, tool, situation, rules)
            if verdict.verdict in PERMITTED:
                permitted.append(verdict)
    return tuple(sorted(permitted, key=lambda v: kb.tool[v.tool_id or ""].available_to != "everyone"))


def _data_candidates(kb: KnowledgeBase, use_cases: tuple[str, ...], data: tuple[str, ...]) -> list[Tool]:
    """`_ranked_candidates` less the tools the data alone rules out (above the ceiling, no condition):
    the same few data sets recur, and a strict one leaves a handful of a thousand tools."""
    cache = kb.memo.setdefault("data_candidates", {})
    key = (use_cases[0] if use_cases else None, frozenset(use_cases), data)
    if key not in cache:
        if len(cache) > 4096:
            cache.clear()
        rank = kb.data_rank

        def takes(tool: Tool) -> bool:
            if tool.max_data == NO_DATA:
                return False
            ceiling = rank[tool.max_data]
            return all(rank[c] <= ceiling or any(k.data == c for k in tool.conditions) for c in data)

        cache[key] = [t for t in _ranked_candidates(kb, use_cases) if takes(t)]
    return cache[key]


def _ranked_candidates(kb: KnowledgeBase, use_cases: tuple[str, ...]) -> list[Tool]:
    """Usable tools in recommendation order for these use cases; the same few orders recur, so cached."""
    cache = kb.memo.setdefault("candidate_orders", {})
    key = (use_cases[0] if use_cases else None, frozenset(use_cases))
    if key not in cache:
        main, wanted = key
        if len(cache) > 1024:
            cache.clear()
        cache[key] = sorted(
            (t for t in kb.tools if t.status in USABLE_STATUSES),
            key=lambda t: (
                main not in t.good_for,
                wanted.isdisjoint(t.good_for),
                STATUS_ORDER[t.status],
                kb.tool_order[t.id],
            ),
        )
    return cache[key]
