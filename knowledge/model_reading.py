"""A language model's reading of a question, limited to the knowledge base's ids, and the rule that it
may only make an answer stricter or more specific.

The model never decides: its reading is validated against the knowledge base (invented ids dropped), merged
into the deterministic reading so that it can only raise the data class, add tools and add use cases, and
the answer that reading gets is kept only when it is no more permissive than the answer without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from knowledge.base import KnowledgeBase
from knowledge.understand import ToolMention, Understanding

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "other")
MAX_UNKNOWN = 3
MAX_LISTED = 150
_NAME = re.compile(r"^[\w .+&'-]{2,40}$")


@dataclass(frozen=True, slots=True)
class ModelReading:
    tool_ids: tuple[str, ...] = ()
    unknown_tools: tuple[str, ...] = ()  # AI tools named that the knowledge base does not list
    data_class: str | None = None
    use_case: str | None = None
    language: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.tool_ids or self.unknown_tools or self.data_class or self.use_case)


@dataclass(slots=True)
class ModelUse:
    """What the model cost one answer, for the questions log and IT's digest: tokens over every call
    (reading and wording), and the first reason the answer went out without the model's part."""

    tokens: int = 0
    fallback: str | None = None

    def fell_back(self, reason: str) -> None:
        if self.fallback is None:
            self.fallback = reason


def schema(kb: KnowledgeBase) -> dict:
    """The JSON schema the model answers in (structured outputs): every id is one of the knowledge base's."""

    def choice(ids: list[str]) -> dict:
        return {"anyOf": [{"type": "string", "enum": ids}, {"type": "null"}]} if ids else {"type": "null"}

    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["tool_ids", "unknown_tools", "data_class", "use_case", "language"],
        "properties": {
            "tool_ids": {"type": "array", "items": {"type": "string", "enum": [t.id for t in kb.tools]}},
            "unknown_tools": {"type": "array", "items": {"type": "string"}},
            "data_class": choice([c.id for c in kb.data_classes]),
            "use_case": choice([u.id for u in kb.use_cases]),
            "language": {"type": "string", "enum": list(LANGUAGES)},
        },
    }


def instructions(kb: KnowledgeBase) -> str:
    """What the model is told: the ids it may use and what they mean, nothing about the person asking."""
    # At most MAX_LISTED tools in the prompt: a few thousand tokens even for a very large base.
    tools = "\n".join(f"- {t.id}: {t.name}" + (f" (also {', '.join(map(str, t.aliases[:4]))})" if t.aliases else "")
                      for t in kb.tools[:MAX_LISTED])  # fmt: skip
    classes = "\n".join(f"- {c.id}: {c.name}: {c.description}" for c in kb.data_classes)
    uses = "\n".join(f"- {u.id}: {u.name}" for u in kb.use_cases)
    return (
        "You read one question an employee asked about using an AI tool at work. Say which listed tools it "
        "names (tool_ids), which other AI tools it names (unknown_tools), the most sensitive kind of "
        "information it involves (data_class, or null when it does not say), what it wants to do "
        "(use_case, or null), and its language. Use only the ids below. Do not judge whether it is allowed.\n"
        f"Tools:\n{tools}\nKinds of information, least sensitive first:\n{classes}\nUse cases:\n{uses}\n"
        "Answer with JSON only."
    )


def parse(text: str, kb: KnowledgeBase) -> ModelReading | None:
    """The model's answer, strictly: anything that is not the schema's shape is no reading at all, and ids
    the knowledge base does not have are dropped."""
    try:
        raw = json.loads(_json_part(text))
    except (TypeError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    tool_ids = raw.get("tool_ids") or []
    unknown = raw.get("unknown_tools") or []
    if not isinstance(tool_ids, list) or not isinstance(unknown, list):
        return None
    known_names = {str(n).lower() for t in kb.tools for n in (t.id, t.name, *t.aliases)}
    data_class = raw.get("data_class")
    use_case = raw.get("use_case")
    language = raw.get("language")
    return ModelReading(
        tool_ids=tuple(dict.fromkeys(t for t in tool_ids if isinstance(t, str) and t in kb.tool)),
        unknown_tools=tuple(
            dict.fromkeys(
                u.strip() for u in unknown
                if isinstance(u, str) and _NAME.match(u.strip()) and u.strip().lower() not in known_names
            )
        )[:MAX_UNKNOWN],
        data_class=data_class if isinstance(data_class, str) and data_class in kb.data_class else None,
        use_case=use_case if isinstance(use_case, str) and use_case in kb.use_case else None,
        language=language if isinstance(language, str) and language in LANGUAGES else None,
    )  # fmt: skip


def _json_part(text: str) -> str:
    """Some local servers wrap JSON in a code fence even when asked not to."""
    text = (text or "").strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    return text


def merge(
    kb: KnowledgeBase, reading: Understanding, model: ModelReading
) -> tuple[Understanding, tuple[str, ...]]:
    """The deterministic reading with the model's additions: a data class only when it is above every class
    found, tools and use cases only added. Returns the reading and what was assumed, in words."""
    assumed: list[str] = []
    changes: dict = {}
    rank = kb.data_rank
    # A class above every class found; where the question names data the reader could not place, the
    # answer asks which, and the model does not answer for the person.
    unplaced = not reading.data_classes and reading.names_data
    # Where the question named no data, the least sensitive class is no raise: it would only lift the
    # conditions of tools that take that class alone.
    floor = min(rank.values()) if not reading.data_classes else -1
    if (
        model.data_class
        and not unplaced
        and rank[model.data_class] > floor
        and all(rank[model.data_class] > rank[c] for c in reading.data_classes)
    ):
        changes["data_classes"] = (*reading.data_classes, model.data_class)
        assumed.append(f"the information is {kb.data_class[model.data_class].name}")
    named = {t for m in reading.tools for t in m.tool_ids}
    unknown = {m.unknown_name.lower() for m in reading.tools if m.unknown_name}
    added = [ToolMention(text=kb.tool[t].name, tool_ids=(t,)) for t in model.tool_ids if t not in named]
    added += [ToolMention(text=u, unknown_name=u) for u in model.unknown_tools if u.lower() not in unknown]
    if added:
        changes["tools"] = (*reading.tools, *added)
        assumed.append("you mean " + " and ".join(m.text for m in added))
    if model.use_case and model.use_case not in reading.use_cases:
        changes["use_cases"] = (*reading.use_cases, model.use_case)
        assumed.append(f"the task is {kb.use_case[model.use_case].name.lower()}")
    return (replace(reading, **changes) if changes else reading), tuple(assumed)
