"""Reads a knowledge-base directory, validates all of it, and reports every problem as file:line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from knowledge import yaml_lines
from knowledge.base import KnowledgeBase
from knowledge.model import NO_DATA, SECTIONS, TOP_LEVEL_KEYS, Policy, Tool
from knowledge.signals import load_signals

EXAMPLE_DIR = Path(__file__).parent / "example"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base has problems; `problems` lists all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class _Where:
    file: str
    line: int


@dataclass
class _Collected:
    problems: list[Problem] = field(default_factory=list)
    policy: list[tuple[Policy, _Where]] = field(default_factory=list)
    entries: dict[str, list[tuple[Any, _Where, Any]]] = field(
        default_factory=lambda: {name: [] for name in SECTIONS}
    )
    groups: dict[str, tuple[tuple[str, ...], _Where]] = field(default_factory=dict)

    def add(self, where: _Where, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, message))


_ADAPTERS = {name: TypeAdapter(model) for name, model in SECTIONS.items()}
_GROUPS = TypeAdapter(dict[str, tuple[str, ...]])


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate; raise KnowledgeError listing every problem found."""
    directory = Path(directory) if directory is not None else EXAMPLE_DIR
    collected = _Collected()
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")) if directory.is_dir() else []
    if not files:
        raise KnowledgeError([Problem(str(directory), 0, "no *.yaml files found in this directory")])
    for path in files:
        _read_file(path, collected)
    kb = _merge(collected, directory)
    if collected.problems:
        raise KnowledgeError(collected.problems)
    assert kb is not None
    return kb


def validate_knowledge(directory: Path | str | None = None) -> list[Problem]:
    try:
        load_knowledge(directory)
    except KnowledgeError as error:
        return error.problems
    return []


def _read_file(path: Path, collected: _Collected) -> None:
    name = str(path)
    try:
        tree = yaml_lines.load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        collected.add(_Where(name, line), f"YAML syntax: {error.problem or error}")
        return
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        collected.add(_Where(name, 1), f"cannot read: {error}")
        return
    if tree is None:
        return
    if not isinstance(tree, dict):
        collected.add(_Where(name, 1), "the file must be a mapping with keys such as 'tools:' and 'rules:'")
        return
    for key in tree:
        if key not in TOP_LEVEL_KEYS:
            collected.add(
                _Where(name, yaml_lines.line_of(tree, (key,))),
                f"unknown top-level key {key!r}; expected one of {', '.join(TOP_LEVEL_KEYS)}",
            )
    if "policy" in tree:
        policy = _validate(TypeAdapter(Policy), tree["policy"], tree, ("policy",), name, collected)
        if policy is not None:
            collected.policy.append((policy, _Where(name, yaml_lines.line_of(tree, ("policy",)))))
    for section, adapter in _ADAPTERS.items():
        items = tree.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            collected.add(_Where(name, yaml_lines.line_of(tree, (section,))), f"'{section}' must be a list")
            continue
        for index, raw in enumerate(items):
            path_ = (section, index)
            entry = _validate(adapter, raw, tree, path_, name, collected)
            if entry is not None:
                collected.entries[section].append((entry, _Where(name, yaml_lines.line_of(tree, path_)), raw))
    if "groups" in tree:
        groups = _validate(_GROUPS, tree["groups"], tree, ("groups",), name, collected)
        for group, members in (groups or {}).items():
            where = _Where(name, yaml_lines.line_of(tree, ("groups", group)))
            if group in collected.groups:
                first = collected.groups[group][1]
                collected.add(where, f"group {group!r} is defined twice (also at {first.file}:{first.line})")
            collected.groups[group] = (members, where)


def _validate(adapter: TypeAdapter, raw: Any, tree: Any, path: tuple, file: str, collected: _Collected):
    try:
        return adapter.validate_python(raw)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            line = yaml_lines.line_of(tree, path + loc)
            collected.add(_Where(file, line), _describe(path, loc, detail))
        return None


def _describe(path: tuple, loc: tuple, detail: dict) -> str:
    where = _label(path, loc)
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"{where}: missing required key {loc[-1]!r}"
    if kind == "string_type" and isinstance(detail.get("input"), bool):
        # YAML 1.1 reads yes/no/on/off as booleans, and the word itself is gone by now.
        value = str(detail["input"]).lower()
        return f"{where}: YAML read an unquoted yes/no/on/off as {value}; put the text in quotes"
    if kind == "literal_error":
        return f"{where}: {detail['msg'].lower()}"
    return f"{where}: {detail['msg']}"


def _label(path: tuple, loc: tuple) -> str:
    section, *rest = path + loc
    text = str(section)
    for step in rest:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def _merge(collected: _Collected, directory: Path) -> KnowledgeBase | None:
    add = collected.add
    if not collected.policy:
        if not any(p.message.startswith("policy") for p in collected.problems):
            add(_Where(str(directory), 0), "no 'policy:' section in any file; exactly one is required")
        return None
    for _, where in collected.policy[1:]:
        first = collected.policy[0][1]
        add(where, f"'policy' is defined twice (also at {first.file}:{first.line}); keep one")
    policy = collected.policy[0][0]

    unique: dict[str, dict[str, Any]] = {}
    for section, items in collected.entries.items():
        seen: dict[str, _Where] = {}
        unique[section] = {}
        for entry, where, _ in items:
            if entry.id in seen:
                first = seen[entry.id]
                add(where, f"{section}: duplicate id {entry.id!r} (first at {first.file}:{first.line})")
                continue
            seen[entry.id] = where
            unique[section][entry.id] = entry

    data_ids = list(unique["data_classes"])
    if NO_DATA in unique["data_classes"]:
        (_, where, _) = next(e for e in collected.entries["data_classes"] if e[0].id == NO_DATA)
        add(where, f"data_classes: the id {NO_DATA!r} is reserved (max_data: none means no company data)")
    if not data_ids:
        add(_Where(str(directory), 0), "no 'data_classes' defined; at least one is required")
    rank = {cid: i for i, cid in enumerate(data_ids)}
    use_cases = unique["use_cases"]
    tools = unique["tools"]

    def check(where: _Where, label: str, value: str, known: Iterable[str], kind: str) -> None:
        if value not in known:
            add(where, f"{label}: {value!r} is not a known {kind}")

    policy_where = collected.policy[0][1]
    if policy.unknown_tools.max_data != NO_DATA:
        check(
            policy_where, "policy.unknown_tools.max_data", policy.unknown_tools.max_data, rank, "data class"
        )

    _check_signals(collected, check)
    for tool, where, _ in collected.entries["tools"]:
        _check_tool(tool, where, rank, use_cases, tools, collected.groups, check, add)
    for rule, where, _ in collected.entries["rules"]:
        label = f"rules.{rule.id}"
        for cid in rule.data:
            check(where, f"{label}.data", cid, rank, "data class")
        for uid in rule.use_cases:
            check(where, f"{label}.use_cases", uid, use_cases, "use case")
        for tid in (*rule.tools, *rule.except_tools):
            check(where, f"{label}.tools", tid, tools, "tool id")
    if collected.problems:
        return None
    return KnowledgeBase(
        policy=policy,
        data_classes=tuple(unique["data_classes"].values()),
        use_cases=tuple(use_cases.values()),
        tools=tuple(tools.values()),
        rules=tuple(unique["rules"].values()),
        groups={name: members for name, (members, _) in collected.groups.items()},
        source=str(directory),
    )


def _check_signals(collected: _Collected, check) -> None:
    """`signals:` names categories of aiguide's catalogs; `aiguide kb explain` lists them."""
    signals = load_signals()
    data_ids = [c.id for c in signals.data if not c.translation_only]  # read only through a KB's words
    use_ids = [c.id for c in signals.use_cases]
    for section, known, kind in (
        ("data_classes", data_ids, "data-signal category"),
        ("rules", data_ids, "data-signal category"),
        ("use_cases", use_ids, "use-case signal category"),
    ):
        for entry, where, _ in collected.entries[section]:
            for category in entry.signals:
                check(where, f"{section}.{entry.id}.signals", category, known, f"{kind} ({', '.join(known)})")


def _check_tool(tool: Tool, where: _Where, rank, use_cases, tools, groups, check, add) -> None:
    label = f"tools.{tool.id}"
    if tool.max_data != NO_DATA:
        check(where, f"{label}.max_data", tool.max_data, rank, "data class (or 'none')")
    ceiling = rank.get(tool.max_data, -1)
    for condition in tool.conditions:
        if condition.data not in rank:
            check(where, f"{label}.conditions", condition.data, rank, "data class")
        elif rank[condition.data] <= ceiling:
            add(
                where,
                f"{label}.conditions: {condition.data!r} is already allowed by max_data "
                f"{tool.max_data!r}; a condition only makes sense for a more sensitive class",
            )
    for uid in tool.good_for:
        check(where, f"{label}.good_for", uid, use_cases, "use case")
    for tid in tool.alternatives:
        check(where, f"{label}.alternatives", tid, tools, "tool id")
    for item in tool.not_for:
        check(where, f"{label}.not_for", item.use_case, use_cases, "use case")
    seen_conditions: set[str] = set()
    for condition in tool.conditions:
        if condition.data in seen_conditions:
            add(where, f"{label}.conditions: two conditions for {condition.data!r}; merge them into one")
        seen_conditions.add(condition.data)
    if tool.available_to != "everyone" and not tool.available_to:
        add(where, f"{label}.available_to: an empty list lets nobody use it; name a group, or write everyone")
    if tool.available_to != "everyone":
        for group in tool.available_to:
            if group not in groups:
                add(
                    where,
                    f"{label}.available_to: group {group!r} is not declared under 'groups:' "
                    "(declare it, with an empty list if membership comes from the directory file)",
                )


def schema() -> dict[str, Any]:
    """JSON Schema of one knowledge-base file, for editor completion."""
    from knowledge.model import KnowledgeFile

    document = KnowledgeFile.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "aiguide knowledge-base file"
    return document


__all__ = [
    "EXAMPLE_DIR",
    "KnowledgeError",
    "Problem",
    "load_knowledge",
    "schema",
    "validate_knowledge",
]
