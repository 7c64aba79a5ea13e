"""What changed between two policies, in the words an announcement uses.

A policy is compared through its summary (plain JSON: tools with status, data ceiling and who may use
them; rules with their text), so the previous policy can come from the database as well as from memory:
the replica that first serves a new version may never have loaded the old one.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.base import KnowledgeBase
from knowledge.model import NO_DATA

STATUS_WORDS = {
    "approved": "approved",
    "limited": "approved with limits",
    "pilot": "in a pilot",
    "under_review": "under review",
    "not_approved": "not approved",
}


def summary(kb: KnowledgeBase) -> dict:
    """The parts of a policy an employee would notice changing."""
    return {
        "version": kb.policy.version,
        "tools": {
            tool.id: {
                "name": tool.name,
                "status": tool.status,
                "ceiling": _ceiling(kb, tool.max_data),
                "available_to": "everyone"
                if tool.available_to == "everyone"
                else ", ".join(tool.available_to),
            }
            for tool in kb.tools
        },
        "rules": {rule.id: {"text": rule.text, "effect": rule.effect} for rule in kb.rules},
    }


def _ceiling(kb: KnowledgeBase, class_id: str) -> str:
    return "no company information" if class_id == NO_DATA else f"up to {kb.data_name(class_id)} information"


def describe(old: dict, new: dict) -> list[str]:
    """One sentence per change, tools first (added, removed, changed), then rules; empty when nothing an
    employee would notice changed."""
    lines: list[str] = []
    old_tools, new_tools = old.get("tools", {}), new.get("tools", {})
    for tool_id, tool in new_tools.items():
        if tool_id not in old_tools:
            lines.append(f"New: {tool['name']}, {_status(tool)}, {tool['ceiling']}{_who(tool)}.")
    for tool_id, tool in old_tools.items():
        if tool_id not in new_tools:
            lines.append(f"Removed from the list: {tool['name']}.")
    for tool_id, tool in new_tools.items():
        before = old_tools.get(tool_id)
        if before is None:
            continue
        if before["status"] != tool["status"]:
            lines.append(f"{tool['name']} is now {_status(tool)} (was {_status(before)}).")
        if before["ceiling"] != tool["ceiling"]:
            lines.append(f"{tool['name']} now takes {tool['ceiling']} (was {before['ceiling']}).")
        if before.get("available_to") != tool.get("available_to"):
            lines.append(f"{tool['name']} is now for {tool['available_to']} (was {before['available_to']}).")
    old_rules, new_rules = old.get("rules", {}), new.get("rules", {})
    for rule_id, rule in new_rules.items():
        if rule_id not in old_rules:
            lines.append(f"New rule: {rule['text']}")
        elif old_rules[rule_id]["text"] != rule["text"] or old_rules[rule_id]["effect"] != rule["effect"]:
            lines.append(f"Rule changed: {rule['text']}")
    for rule_id, rule in old_rules.items():
        if rule_id not in new_rules:
            lines.append(f"Rule removed: {rule['text']}")
    return lines


def _status(tool: dict) -> str:
    return STATUS_WORDS.get(tool["status"], tool["status"])


def _who(tool: dict) -> str:
    return "" if tool.get("available_to", "everyone") == "everyone" else f", for {tool['available_to']}"


@dataclass(frozen=True)
class Reload:
    """What a reload did: `changed` (the new policy serves), `unchanged` (the files are as loaded) or
    `rejected` (the files have problems; the policy that was serving goes on)."""

    outcome: str
    version: str  # the version serving after the reload
    previous: str
    changes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
