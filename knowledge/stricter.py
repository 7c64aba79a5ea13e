"""Whether an answer that used a language model's reading may replace the one without it: only when it is
no more permissive overall, tool by tool, and in the tools it offers instead. The model may make an answer
more specific or stricter; a "no", a question back, "which tool?" or a list of what may be used never
becomes a yes because of it (a tool only the model read is a guess, and a guess never earns a yes)."""

from __future__ import annotations

from knowledge.assess import Assessment, Overall
from knowledge.policy import Verdict

_TOOL = {Verdict.NOT_ALLOWED: 0, Verdict.UNKNOWN_TOOL: 1, Verdict.CONDITIONAL: 2, Verdict.ALLOWED: 3}
_OVERALL = {
    Overall.NOT_ALLOWED: 0, Overall.CLARIFY: 1, Overall.UNKNOWN_TOOL: 1, Overall.NO_MATCH: 1,
    Overall.RECOMMENDATION: 1, Overall.CONDITIONAL: 2, Overall.ALLOWED: 3,
}  # fmt: skip


def _key(verdict) -> str:
    return verdict.tool_id or f"unknown:{verdict.name.lower()}"


def _no_looser_tools(before, after) -> bool:
    """Every tool in `before` is in `after` and no more permitted there."""
    found = {_key(v): v for v in after}
    return all(_key(v) in found and _TOOL[found[_key(v)].verdict] <= _TOOL[v.verdict] for v in before)


def _offers_no_more(before, after) -> bool:
    """The tools offered instead: none new, none more permitted."""
    found = {_key(v): v for v in before}
    return all(_key(v) in found and _TOOL[v.verdict] <= _TOOL[found[_key(v)].verdict] for v in after)


def no_looser(plain: Assessment, merged: Assessment) -> bool:
    return (
        _OVERALL[merged.verdict] <= _OVERALL[plain.verdict]
        and _no_looser_tools(plain.tools, merged.tools)
        and _offers_no_more(plain.recommended, merged.recommended)
        and _offers_no_more(plain.alternatives, merged.alternatives)
    )
