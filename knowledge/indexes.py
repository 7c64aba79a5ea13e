"""The phrase indexes a question is read with: the knowledge base's own words, then the catalogs'.

The knowledge base always wins: a catalog phrase whose key the knowledge base already uses is left
out, so IT's own placement of a phrase is never overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge.catalog import Catalog
from knowledge.catalog_layer import CatalogLayer, catalog_layer
from knowledge.detectors import CATEGORY as DETECTOR_CATEGORY
from knowledge.detectors import CONCEPT as DETECTOR_CONCEPT
from knowledge.phrases import LINKING_WORDS, PhraseIndex, compact, root, tokenize
from knowledge.signals import Signals

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

# Words a tool's name, edition or aliases use for a personal or a work edition.
_PERSONAL = frozenset({"personal", "free", "consumer", "plus", "own", "private", "home", "individual", "pro"})
_WORK = frozenset(
    {"enterprise", "business", "team", "teams", "company", "work", "corporate", "edu", "education",
     "university", "campus", "sso", "organisation", "organization", "tenant", "licensed", "commercial",
     "staff", "employee", "agency", "government", "gov", "institutional", "school", "hospital"}
)  # fmt: skip
# Words that may stand between a negator and what it negates: "without ANY of our client data".
_FILLERS = frozenset(
    {
        "any", "a", "an", "the", "of", "our", "my", "your", "their", "some", "real", "actual",
        "including", "include", "containing", "contain", "mentioning", "mention", "sharing", "share",
        "using", "use", "putting", "put", "pasting", "paste", "giving", "give", "uploading", "upload",
        "de", "del", "la", "el", "los", "las", "le", "les", "des", "du", "der", "die", "das", "den", "dem",
        "mis", "nuestros", "nuestras", "mes", "nos", "meine", "unsere",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Indexes:
    tools: PhraseIndex  # payloads: ("kb", tool_id) or ("catalog", display name)
    data: PhraseIndex  # payloads: data-class id
    use_cases: PhraseIndex  # payloads: use-case id
    mentions: PhraseIndex  # payloads: rule id
    data_rank: dict[str, int]
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (index, key) -> where it came from
    detectors: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = ()  # (detector, class ids, rule ids)
    urls: dict[str, str] = field(default_factory=dict)  # domain -> product name as the tools index knows it
    # Conversation cues, payloads (kind, value): ("vague", ""), ("edition", "personal" | "work"),
    # ("remove", ""), ("talk", "greeting" | "thanks" | "help"), ("followup", ""), ("hand", "").
    cues: PhraseIndex = field(default_factory=PhraseIndex)
    edition_of: dict[str, str] = field(default_factory=dict)  # tool id -> "personal" | "work"
    negators: frozenset[str] = frozenset({"no", "not", "without", "excluding", "exclude", "except"})
    fillers: frozenset[str] = _FILLERS
    # Rule mentions of four or more telling words, as (rule id, their roots): "outside counsel guidelines
    # prohibit AI" also holds when all but one of them stand close together ("guidelines say no AI").
    loose_mentions: tuple[tuple[str, frozenset[str]], ...] = ()
    loose_uses: tuple[tuple[str, frozenset[str], str], ...] = ()
    # Rule mentions made of "not public yet" and a thing ("unreleased price"): (rule id, the thing's roots)
    not_yet_heads: tuple[tuple[str, frozenset[str]], ...] = ()
    only: frozenset[str] = frozenset()  # "just", "solo", "nur": see `only` in conversation.yaml
    # "already" words, "published" words, words for the web: see `already` in conversation.yaml
    published: tuple[frozenset[str], frozenset[str], frozenset[str]] = (frozenset(), frozenset(), frozenset())
    # "not yet" word runs and "published" word runs: see `not_yet` in conversation.yaml
    not_yet: tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]] = (frozenset(), frozenset())
    # "coming_events" word runs and "ahead" word runs: see conversation.yaml
    coming: tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]] = (frozenset(), frozenset())
    catalog: CatalogLayer | None = None
    class_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # data category -> this KB's classes
    # "a client's tax return": category -> classes of its general data (its owner_concept)
    owner_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "a client's numbers", where nothing says which of their data: every class its concepts land on
    owner_any_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    uses_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # use-case category -> use cases
    rules_of: dict[str, frozenset[str]] = field(default_factory=dict)  # data category -> rules it triggers
    organisation: frozenset[str] = frozenset()  # distinctive words of the organisation's name
    owners: dict[str, str] = field(default_factory=dict)  # "patient", "kunden" -> data-signal category
    peers: frozenset[str] = frozenset()  # owners what is written to is not about: "colleague"
    # Unlisted products whose names fold into a listed alias ("fireflies" ~ "firefly"), as typed -> name
    plural_clashes: dict[str, str] = field(default_factory=dict)
    compound_heads: frozenset[str] = frozenset()  # first parts of German compounds: "passagier", "reisepass"
    concept_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # named by the KB: it wins
    concept_rules: dict[str, frozenset[str]] = field(default_factory=dict)  # concepts a rule mentions
    concept_targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see SignalMap

    @cached_property
    def loose_uses_by_word(self) -> dict[str, tuple[int, ...]]:
        """`loose_uses` positions under one of their telling words: a loose phrase needs every one of its
        words, so a question is checked only against phrases filed under a word it has."""
        filed: dict[str, list[int]] = {}
        for position, (_, telling, _) in enumerate(self.loose_uses):
            filed.setdefault(min(telling), []).append(position)
        return {word: tuple(positions) for word, positions in filed.items()}


def build_indexes(kb: KnowledgeBase, catalog: Catalog, signals: Signals) -> Indexes:
    placement = kb.signal_map
    sources: dict[tuple[str, str], str] = {}
    plural_clashes: dict[str, str] = {}
    tools = _tool_index(kb, catalog, signals, sources, plural_clashes)

    # Data and use-case phrases match by word root and forgive a typo: "pasword", "screening CVs".
    data = PhraseIndex(typos=True, roots=True, ordinary_words=catalog.ordinary_words)
    for data_class in kb.data_classes:
        for phrase in (data_class.name, *data_class.examples):
            data.add(phrase, data_class.id)
    uses = PhraseIndex(roots=True)
    for use_case in kb.use_cases:
        for phrase in (use_case.name, *use_case.examples):
            uses.add(phrase, use_case.id)
    mentions = PhraseIndex(typos=True, roots=True, ordinary_words=catalog.ordinary_words)
    for rule in kb.rules:
        for phrase in rule.mentions:
            mentions.add(phrase, rule.id)
    rules_of: dict[str, set[str]] = {}
    for rule_id, categories in placement.rules.items():
        for category_id in categories:
            rules_of.setdefault(category_id, set()).add(rule_id)

    known = [
        *(p for c in kb.data_classes for p in (c.name, *c.examples)),
        *(p for u in kb.use_cases for p in (u.name, *u.examples)),
        *(p for r in kb.rules for p in r.mentions),
        *(p for t in kb.tools for p in (t.name, *t.aliases)),
    ]
    layer = catalog_layer(signals, catalog.ordinary_words)
    for index in (tools, data, mentions):
        index.not_typos(known)
        index.not_typo_keys(layer.known[index.roots])

    detectors = tuple(
        (
            name,
            placement.concept_targets.get(DETECTOR_CONCEPT.get(name, "")) or placement.data[c.id].classes,
            # A rule that names the concept ("IBAN", "bank details") holds for the number pasted itself.
            frozenset(rules_of.get(c.id, ()))
            | placement.concept_rules.get(DETECTOR_CONCEPT.get(name, ""), frozenset()),
        )
        for c in signals.data
        for name in dict.fromkeys((*c.detectors, *(n for n, cid in DETECTOR_CATEGORY.items() if cid == c.id)))
    )
    talk = signals.conversation
    return Indexes(
        tools=tools,
        data=data,
        use_cases=uses,
        mentions=mentions,
        data_rank=kb.data_rank,
        sources=sources,
        catalog=layer,
        class_of={c: p.classes for c, p in placement.data.items() if p.target},
        owner_classes={
            c.id: classes
            for c in signals.data
            if (
                classes := tuple(
                    dict.fromkeys(
                        (
                            *(placement.concept_targets.get(c.owner_concept) or placement.data[c.id].classes),
                            *placement.concept_classes.get(c.owner_concept, ()),
                        )
                    )
                )
            )
        },
        owner_any_classes={
            c.id: classes
            for c in signals.data
            if c.owners and (classes := _every_concepts_classes(c, placement))
        },
        uses_of={c: ids for c, ids in placement.use_cases.items() if ids},
        rules_of={c: frozenset(ids) for c, ids in rules_of.items()},
        concept_classes=placement.concept_classes,
        concept_rules=placement.concept_rules,
        concept_targets=placement.concept_targets,
        detectors=detectors,
        urls=_urls(signals, tools),
        cues=layer.cues,
        edition_of={t.id: e for t in kb.tools if (e := _edition_kind(t))},
        organisation=_organisation_words(kb.policy.organization),
        owners=layer.owners,
        peers=layer.peers,
        plural_clashes=plural_clashes,
        compound_heads=_compound_heads(signals, layer),
        negators=frozenset({"no", "not", "without", "excluding", "exclude", "except"})
        | {t.text for phrase in talk.words("negators") for t in tokenize(phrase) if t.text not in _FILLERS},
        loose_mentions=_loose_mentions(kb),
        loose_uses=_loose_uses(kb, signals, placement.use_cases),
        not_yet_heads=_not_yet_heads(kb, layer),
        only=frozenset(t.text for word in talk.words("only") for t in tokenize(word)),
        not_yet=(
            frozenset(tuple(t.text for t in tokenize(p)) for p in talk.words("not_yet")),
            frozenset(tuple(t.text for t in tokenize(p)) for p in talk.words("not_yet_published")),
        ),
        coming=(
            frozenset(tuple(t.text for t in tokenize(p)) for p in talk.words("coming_events")),
            frozenset(tuple(t.text for t in tokenize(p)) for p in talk.words("ahead")),
        ),
        published=tuple(  # type: ignore[arg-type]
            frozenset(t.text for word in talk.words(kind) for t in tokenize(word))
            for kind in ("already", "published", "on_the_web")
        ),
    )


# Words too common in questions about AI tools to tell one rule's mention from another.
_UNTELLING = frozenset({"ai", "tool", "tools", "use", "using", "used", "data", "information", "info", "app",
                        "chatbot", "model", "any", "can", "may", "do", "not", "no"})  # fmt: skip
LOOSE_MIN_WORDS = 4


def _telling(phrase: str) -> frozenset[str]:
    return frozenset(
        root(t.stem)
        for t in tokenize(phrase)
        if t.text not in LINKING_WORDS and t.text not in _FILLERS and t.text not in _UNTELLING
    )


def _loose_mentions(kb: KnowledgeBase) -> tuple[tuple[str, frozenset[str]], ...]:
    """Rule mentions as people rephrase them: of 2 or 3 telling words, all of them close together in one
    clause, in any order ("unpublished phase 2 results" ~ "unpublished results"); of 4 or more, all but one."""
    found = []
    for rule in kb.rules:
        for phrase in rule.mentions:
            words = _telling(phrase)
            if len(words) >= 2:
                found.append((rule.id, words))
    return tuple(dict.fromkeys(found))


def _every_concepts_classes(category, placement) -> tuple[str, ...]:
    """The classes any concept of a category is read as: where each concept placed on its own lands, the
    category's placement for the others."""
    found: dict[str, None] = {}
    for concept in category.concepts or ((),):
        concept_id = getattr(concept, "id", "")
        found.update(
            dict.fromkeys(placement.concept_targets.get(concept_id) or placement.data[category.id].classes)
        )
        found.update(dict.fromkeys(placement.concept_classes.get(concept_id, ())))  # where the KB names it
    return tuple(found)


def _not_yet_heads(kb: KnowledgeBase, layer: CatalogLayer) -> tuple[tuple[str, frozenset[str]], ...]:
    """A rule about "unreleased prices" or "unannounced promotions" holds for "the prices, before they go
    live": the rule's words for the thing, with anything read as not public yet."""
    found = []
    for rule in kb.rules:
        for phrase in rule.mentions:
            tokens = tokenize(phrase)
            marked = [t for t in tokens if "not-yet-public" in layer.data.concepts_of(t.text)]
            if marked and len(marked) < len(tokens):
                head = _telling(" ".join(t.text for t in tokens if t not in marked))
                if head:
                    found.append((rule.id, head))
    return tuple(dict.fromkeys(found))


def _loose_uses(
    kb: KnowledgeBase, signals: Signals, uses_of: dict[str, tuple[str, ...]]
) -> tuple[tuple[str, frozenset[str], str], ...]:
    """A use case's examples of 2 or 3 telling words, read when all of them come close together in one
    clause: "decide which refund requests to approve" ~ "approve refund". So are the English phrases of
    the catalog's decisions (`read_loosely`), where reading too much only makes an answer stricter: "rank
    the cadet pilot applicants" ~ "rank applicants". (use case, telling words, where from)"""
    found = []
    for use in kb.use_cases:
        for phrase in use.examples:
            words = _telling(phrase)
            if 2 <= len(words) < LOOSE_MIN_WORDS:
                found.append((use.id, words, "knowledge base, loosely"))
    for category in signals.use_cases:
        if not category.read_loosely:
            continue
        for phrase in category.phrases.get("en", ()):
            words = _telling(phrase)
            if 2 <= len(words) < LOOSE_MIN_WORDS:
                found.extend(
                    (use_id, words, f"catalog: {category.id}, loosely")
                    for use_id in uses_of.get(category.id, ())
                )
    return tuple(dict.fromkeys(found))


def _as_typed(phrase: str) -> str:
    return "".join(t.text for t in tokenize(phrase))


def _tool_index(
    kb: KnowledgeBase, catalog: Catalog, signals: Signals, sources, plural_clashes: dict[str, str]
) -> PhraseIndex:
    tools = PhraseIndex(typos=True, ordinary_words=catalog.ordinary_words)
    listed = PhraseIndex()  # the knowledge base's own names, before any catalog name joins
    typed = {_as_typed(phrase) for tool in kb.tools for phrase in (tool.name, *tool.aliases)}
    for tool in kb.tools:
        for phrase in (tool.name, *tool.aliases):
            tools.add(phrase, ("kb", tool.id))
            listed.add(phrase, tool.id)
            sources[("tool", compact(phrase))] = "knowledge base"
    references = signals.tools.references()
    patterned = signals.tools.patterned_references()
    for product in catalog.products:
        names = product.names
        # Only a name the list has as typed: "fireflies" folds to the listed "firefly", yet is another product.
        covering = frozenset().union(*(listed.payloads(name) for name in names if _as_typed(name) in typed))
        # "the Microsoft one" for the products this KB lists; for the others the explicit references do.
        extra = patterned.get(product.name, ()) if covering else ()
        for name in (*names, *references.get(product.name, ()), *extra):
            if name in listed:
                if not covering and _as_typed(name) not in typed:
                    # "Fireflies" folds to the listed "Firefly": as typed, it is the product the list lacks.
                    plural_clashes[_as_typed(name)] = product.name
                continue
            sources.setdefault(("tool", compact(name)), f"catalog: {product.name}")
            if covering:
                # The knowledge base lists this product under another name: "GPT-4o" or "ChatGPT Plus"
                # mean the listed "chatgpt" editions, not an unknown tool.
                for tool_id in covering:
                    tools.add(name, ("kb", tool_id))
            else:
                tools.add(name, ("catalog", product.name))
    for vendor in signals.tools.vendors:
        if vendor.ambiguous:
            continue
        keys = {compact(vendor.name), *map(compact, vendor.phrases)}
        made = [t.id for t in kb.tools if t.vendor and compact(t.vendor) in keys]
        products = [p for p in vendor.products if any(cp.name == p for cp in catalog.products)]
        for phrase in vendor.phrases:
            if phrase in listed or phrase in tools:
                continue  # a product name or reference already says more
            sources.setdefault(("tool", compact(phrase)), f"catalog: vendor {vendor.name}")
            if made:
                for tool_id in made:
                    tools.add(phrase, ("kb", tool_id))
            elif products:
                tools.add(phrase, ("catalog", products[0]))
    return tools


def _urls(signals: Signals, tools: PhraseIndex) -> dict[str, str]:
    found: dict[str, str] = {}
    for ref in signals.tools.products:
        if ref.product not in tools:
            continue
        for url in ref.urls:
            found[url.lower().removeprefix("https://").removeprefix("www.").split("/")[0]] = ref.product
    return found


def _edition_kind(tool) -> str | None:
    words = {w for text in (tool.name, tool.edition, *tool.aliases) for w in _plain_words(text)}
    personal, work = bool(words & _PERSONAL), bool(words & _WORK)
    if personal and not work:
        return "personal"
    if work and not personal:
        return "work"
    return None


def _plain_words(text: str) -> list[str]:
    return [t for t in "".join(c if c.isalnum() else " " for c in text.lower()).split() if t]


# Words of organisations' names that do not tell one organisation from another.
_GENERIC_NAME_WORDS = frozenset(
    {"the", "of", "for", "and", "inc", "ltd", "llc", "plc", "gmbh", "group", "partners", "company",
     "university", "college", "school", "state", "health", "hospital", "department", "ministry", "agency",
     "council", "office", "city", "county", "national", "international", "services", "trust", "foundation"}
)  # fmt: skip


def _organisation_words(name: str) -> frozenset[str]:
    return frozenset(t.text for t in tokenize(name) if len(t.text) > 2 and t.text not in _GENERIC_NAME_WORDS)


def _compound_heads(signals: Signals, layer: CatalogLayer) -> frozenset[str]:
    """The words a German compound may start with for knowledge.compounds to split it: the people data
    is about, and the catalogs' one-word German names for data ("Reisepass" in "Reisepassdaten")."""
    words = set(layer.owners)
    for category in signals.data:
        for phrase in (p for concept in category.concepts for p in concept.de):
            tokens = tokenize(phrase)
            if len(tokens) == 1:
                words.add(tokens[0].text)
    return frozenset(words)
