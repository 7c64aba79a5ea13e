"""A loaded, validated knowledge base and the lookup indexes built from it."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from functools import cached_property

from knowledge.catalog import Catalog, load_catalog
from knowledge.catalog_layer import catalog_layer
from knowledge.indexes import Indexes, build_indexes
from knowledge.mapping import SignalMap, infer
from knowledge.model import NO_DATA, DataClass, Policy, Rule, Tool, UseCase
from knowledge.signals import Signals, load_signals

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
    signals: Signals | None = None

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
    def signal_map(self) -> SignalMap:
        """Where the shipped signal catalogs land in this knowledge base (`aiguide kb explain` shows it)."""
        signals = self.signals or load_signals()
        layer = catalog_layer(signals, (self.catalog or load_catalog()).ordinary_words)
        return infer(signals, layer, self.data_classes, self.use_cases, self.rules)

    @cached_property
    def indexes(self) -> Indexes:
        indexes = build_indexes(self, self.catalog or load_catalog(), self.signals or load_signals())
        # The indexes are hundreds of thousands of objects that live as long as the knowledge base; left
        # to the cycle collector, each full pass over them stalls an answer by a tenth of a second.
        gc.freeze()
        return indexes

    def members(self, group: str) -> frozenset[str]:
        return frozenset(m.lower() for m in self.groups.get(group, ()))
