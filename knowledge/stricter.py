"""Whether an answer that used a language model's reading may replace the one without it: only when it is
no more permissive, tool by tool and overall. The model may make an answer more specific or stricter; a
"no" or a question back never becomes a "yes" because of it."""

from __future__ import annotations

from knowledge.assess import Assessment, Overall
from knowledge.policy import Verdict

_TOOL = {Verdict.NOT_ALLOWED: 0, Verdict.UNKNOWN_TOOL: 1, Verdict.CONDITIONAL: 2, Verdict.ALLOWED: 3}
_REFUSING = (Overall.NOT_ALLOWED, Overall.CLARIFY, Overall.UNKNOWN_TOOL)
_OVERALL = {
    Overall.NOT_ALLOWED: 0, Overall.CLARIFY: 1, Overall.UNKNOWN_TOOL: 1, Overall.NO_MATCH: 1,
    Overall.RECOMMENDATION: 1, Overall.CONDITIONAL: 2, Overall.ALLOWED: 3,
}  # fmt: skip


def _key(verdict) -> str:
    return verdict.tool_id or f"unknown:{verdict.name.lower()}"


def no_looser(plain: Assessment, merged: Assessment) -> bool:
    merged_tools = {_key(v): v for v in merged.tools}
    for before in plain.tools:
        after = merged_tools.get(_key(before))
        if after is None or _TOOL[after.verdict] > _TOOL[before.verdict]:
            return False
    # A refusal or a question back stays at least as strict overall.
    return not (plain.verdict in _REFUSING and _OVERALL[merged.verdict] > _OVERALL[plain.verdict])


def chosen(plain: Assessment, merged: Assessment | None) -> Assessment:
    return merged if merged is not None and no_looser(plain, merged) else plain
