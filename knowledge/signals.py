"""The signal catalogs shipped with aiguide: how people name data, tasks, tools and conversation moves.

They are YAML data in `knowledge/signals/`, reviewed like code. A knowledge base never has to list
these phrases; `knowledge.mapping` places each catalog category on the knowledge base's own classes,
use cases, rules and tools.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from knowledge import layer_cache

SIGNALS_DIR = Path(__file__).parent / "signals"
LANGUAGES = ("en", "es", "fr", "de")
LEVELS = ("public", "internal", "confidential", "restricted")

Lang = Literal["en", "es", "fr", "de"]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Phrases = dict[Lang, tuple[Phrase, ...]]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _all(phrases: Phrases) -> tuple[str, ...]:
    return tuple(p for lang in LANGUAGES for p in phrases.get(lang, ()))  # type: ignore[call-overload]


def keyed(phrases: Phrases) -> tuple[tuple[str, str], ...]:
    """(phrase, language), so each phrase is rooted by its own language's stemmer."""
    return tuple((p, lang) for lang in LANGUAGES for p in phrases.get(lang, ()))  # type: ignore[call-overload]


class Concept(_Entry):
    """One specific kind of data ("card numbers"), in every language the catalog speaks."""

    id: str
    # When less sensitive than its category ("budget" among card and bank numbers): a knowledge base that
    # spreads the category over several classes reads an unnamed concept at this level.
    level: Literal["public", "internal", "confidential", "restricted"] | None = None
    en: tuple[Phrase, ...] = ()
    es: tuple[Phrase, ...] = ()
    fr: tuple[Phrase, ...] = ()
    de: tuple[Phrase, ...] = ()

    @property
    def phrases(self) -> Phrases:
        return {lang: getattr(self, lang) for lang in LANGUAGES if getattr(self, lang)}  # type: ignore[misc]


class DataSignal(_Entry):
    id: str
    name: str
    level: Literal["public", "internal", "confidential", "restricted"]
    description: str = ""
    phrases: Phrases = Field(default_factory=dict)  # phrases not yet grouped into concepts
    concepts: tuple[Concept, ...] = ()
    # The people this data is about ("patient", "Kunde"): "a patient's X" is data of this category.
    owners: Phrases = Field(default_factory=dict)
    # Owners one works alongside ("colleague"): their X is this data, but what is written to them is not.
    peers: Phrases = Field(default_factory=dict)
    # The concept "a client's X" is read as, when the KB spreads the category over several classes: the
    # category's general data, not the most sensitive thing that happens to share a word with it.
    owner_concept: str = ""
    detectors: tuple[str, ...] = ()
    markings: bool = False  # names classification markings: no guide for placing other categories
    # Words for everyday documents in four languages, read only where the knowledge base names one of a
    # concept's phrases ("study protocol" takes "protocolo del estudio"): never placed on a class by
    # itself, so it cannot make unnamed content read as anything.
    translation_only: bool = False

    @model_validator(mode="after")
    def _owner_concept_is_one_of_ours(self) -> DataSignal:
        if self.owner_concept and self.owner_concept not in {c.id for c in self.concepts}:
            raise ValueError(f"owner_concept {self.owner_concept!r} is not a concept of {self.id}")
        return self

    @property
    def groups(self) -> tuple[tuple[str, Phrases], ...]:
        """(concept id, phrases by language); ungrouped phrases come with the concept id "" (no concept)."""
        loose = (("", self.phrases),) if self.phrases else ()
        return (*loose, *((c.id, c.phrases) for c in self.concepts))

    @property
    def all_phrases(self) -> tuple[str, ...]:
        return tuple(p for _, phrases in self.groups for p in _all(phrases))

    def in_language(self, lang: str) -> tuple[str, ...]:
        return tuple(p for _, phrases in self.groups for p in phrases.get(lang, ()))  # type: ignore[call-overload]

    @property
    def sensitive(self) -> bool:
        return LEVELS.index(self.level) >= LEVELS.index("confidential")


class UseSignal(_Entry):
    id: str
    name: str
    high_risk: bool = False
    phrases: Phrases
    # Words that, in a knowledge-base use case's name, land this category there whatever its phrases:
    # a use case named "Credit decisions" or "Safety-critical decisions" is what an AI deciding is.
    name_words: Phrases = Field(default_factory=dict)
    # English phrases of 2 or 3 words also hold rephrased ("rank the cadet pilot applicants" ~ "rank
    # applicants"): for decisions, where reading too much only makes an answer stricter.
    read_loosely: bool = False

    @property
    def all_phrases(self) -> tuple[str, ...]:
        return _all(self.phrases)


class ProductRef(_Entry):
    product: str
    vendor: str = ""
    urls: tuple[str, ...] = ()
    references: tuple[Phrase, ...] = ()


class Vendor(_Entry):
    name: str
    phrases: tuple[Phrase, ...] = ()
    products: tuple[str, ...] = ()
    # A vendor whose name is an everyday brand ("Google", "Microsoft") names no AI tool on its own.
    ambiguous: bool = False


class ToolSignals(_Entry):
    products: tuple[ProductRef, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    vendor_references: Phrases = Field(default_factory=dict)  # "the {vendor} one", by language
    editions: dict[Literal["personal", "work"], Phrases] = Field(default_factory=dict)

    def references(self) -> dict[str, tuple[str, ...]]:
        return {ref.product: ref.references for ref in self.products}

    def patterned_references(self) -> dict[str, tuple[str, ...]]:
        """The vendor patterns, for each vendor's main product: "the OpenAI one", "el de OpenAI"."""
        patterns = [p for lang_patterns in self.vendor_references.values() for p in lang_patterns]
        return {
            vendor.products[0]: tuple(pattern.format(vendor=vendor.name.lower()) for pattern in patterns)
            for vendor in self.vendors
            if vendor.products
        }


class Conversation(_Entry):
    greetings: Phrases = Field(default_factory=dict)
    thanks: Phrases = Field(default_factory=dict)
    help: Phrases = Field(default_factory=dict)
    followups: Phrases = Field(default_factory=dict)
    vague_data: Phrases = Field(default_factory=dict)
    negators: Phrases = Field(default_factory=dict)
    removals: Phrases = Field(default_factory=dict)
    hands_over: Phrases = Field(default_factory=dict)
    already: Phrases = Field(default_factory=dict)
    published: Phrases = Field(default_factory=dict)
    on_the_web: Phrases = Field(default_factory=dict)
    not_yet: Phrases = Field(default_factory=dict)
    not_yet_published: Phrases = Field(default_factory=dict)
    coming_events: Phrases = Field(default_factory=dict)
    ahead: Phrases = Field(default_factory=dict)
    not_data: Phrases = Field(default_factory=dict)
    only: Phrases = Field(default_factory=dict)

    def words(self, kind: str) -> tuple[str, ...]:
        return _all(getattr(self, kind))


class _DataFile(_Entry):
    categories: tuple[DataSignal, ...]


class _UseFile(_Entry):
    use_cases: tuple[UseSignal, ...]


class Signals(_Entry):
    data: tuple[DataSignal, ...]
    use_cases: tuple[UseSignal, ...]
    tools: ToolSignals
    conversation: Conversation
    fingerprint: str = ""  # of the files read; empty for catalogs built in code (never cached on disk)

    def data_signal(self, category: str) -> DataSignal | None:
        return next((c for c in self.data if c.id == category), None)


class _PhraseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml: 10x faster
    """YAML 1.1 reads no, yes, on and off as booleans; in a phrase list "no" is a word."""


_PhraseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PhraseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@cache
def load_signals(directory: Path = SIGNALS_DIR) -> Signals:
    """Read and validate the catalogs; a broken catalog is a bug in aiguide, so this raises."""
    texts = {name: (directory / name).read_bytes() for name in _FILES}
    key = layer_cache.fingerprint(*texts.values())

    def read() -> Signals:
        raw = {
            name: yaml.load(text.decode("utf-8"), Loader=_PhraseLoader) or {} for name, text in texts.items()
        }
        return Signals(
            data=_DataFile.model_validate(raw["data.yaml"]).categories,
            use_cases=_UseFile.model_validate(raw["use_cases.yaml"]).use_cases,
            tools=ToolSignals.model_validate(raw["tools.yaml"]),
            conversation=Conversation.model_validate(raw["conversation.yaml"]),
            fingerprint=key,
        )

    return layer_cache.cached("signals", key, read, Signals)


_FILES = ("data.yaml", "use_cases.yaml", "tools.yaml", "conversation.yaml")
