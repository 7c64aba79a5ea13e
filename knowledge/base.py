"""A loaded, validated knowledge base and the lookup indexes built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from knowledge.catalog import Catalog, load_catalog
from knowledge.model import NO_DATA, DataClass, Policy, Rule, Tool, UseCase
from knowledge.phrases import PhraseIndex
from knowledge.understand import Indexes

STATUS_ORDER = {"approved": 0, "limited": 1, "pilot": 2, "under_review": 3, "not_approved": 4}
USABLE_STATUSES = frozenset({"approved", "limited", "pilot"})


@dataclass(frozen=True)
class KnowledgeBase:
    policy: Policy
    data_classes: tuple[DataClass, ...]  # least sensitive first
    use_cases: tuple[UseCase, ...]
    tools: tuple[Tool, ...]
    rules: tuple[Rule, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    catalog: Catalog | None = None

    @cached_property
    def tool(self) -> dict[str, Tool]:
        return {t.id: t for t in self.tools}

    @cached_property
    def data_class(self) -> dict[str, DataClass]:
        return {c.id: c for c in self.data_classes}

    @cached_property
    def use_case(self) -> dict[str, UseCase]:
        return {u.id: u for u in self.use_cases}

    @cached_property
    def data_rank(self) -> dict[str, int]:
        ranks = {c.id: i for i, c in enumerate(self.data_classes)}
        ranks[NO_DATA] = -1
        return ranks

    @cached_property
    def tool_order(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.tools)}

    def data_name(self, class_id: str) -> str:
        if class_id == NO_DATA:
            return "no company data"
        return self.data_class[class_id].name

    @cached_property
    def memo(self) -> dict[str, dict]:
        """Memo tables for the engine's hot paths; a loaded knowledge base never changes."""
        return {}

    def ceiling(self, class_id: str) -> str:
        """'up to Confidential information', or what `none` means, for sentences about a tool."""
        if class_id == NO_DATA:
            return "no company information at all"
        return f"up to {self.data_name(class_id)} information"

    @cached_property
    def indexes(self) -> Indexes:
        catalog = self.catalog or load_catalog()
        tools = PhraseIndex(typos=True, ordinary_words=catalog.ordinary_words)
        for tool in self.tools:
            for phrase in (tool.name, *tool.aliases):
                tools.add(phrase, ("kb", tool.id))
        listed = PhraseIndex()  # the knowledge base's own names, before any catalog name joins
        for tool in self.tools:
            for phrase in (tool.name, *tool.aliases):
                listed.add(phrase, tool.id)
        for product in catalog.products:
            names = product.names
            covering = frozenset().union(*(listed.payloads(name) for name in names))
            for name in names:
                if name in listed:
                    continue
                if covering:
                    # The knowledge base lists this product under another name: "GPT-4o" or "ChatGPT Plus"
                    # mean the listed "chatgpt" editions, not an unknown tool.
                    for tool_id in covering:
                        tools.add(name, ("kb", tool_id))
                else:
                    tools.add(name, ("catalog", product.name))
        # Data and use-case phrases match by word root and forgive a typo: "pasword", "screening CVs".
        data = PhraseIndex(typos=True, roots=True, ordinary_words=catalog.ordinary_words)
        for data_class in self.data_classes:
            for phrase in (data_class.name, *data_class.examples):
                data.add(phrase, data_class.id)
        uses = PhraseIndex(roots=True)
        for use_case in self.use_cases:
            for phrase in (use_case.name, *use_case.examples):
                uses.add(phrase, use_case.id)
        mentions = PhraseIndex(typos=True, roots=True, ordinary_words=catalog.ordinary_words)
        for rule in self.rules:
            for phrase in rule.mentions:
                mentions.add(phrase, rule.id)
        return Indexes(tools=tools, data=data, use_cases=uses, mentions=mentions, data_rank=self.data_rank)

    def members(self, group: str) -> frozenset[str]:
        return frozenset(m.lower() for m in self.groups.get(group, ()))
