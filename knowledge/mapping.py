"""Places aiguide's signal catalogs on one knowledge base's own classes, use cases, rules and tools.

The knowledge base never has to know the catalogs. A data category belongs to the class whose name,
examples or description share phrases with it (the most sensitive such class); a use-case category to
the use cases it shares phrases with; a category whose phrases a rule's `mentions` share triggers that
rule too. An explicit `signals:` list in the knowledge base overrides the inference. What happens to a
category that overlaps nothing is in `_unplaced`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from knowledge.catalog_layer import CatalogLayer, Side
from knowledge.model import DataClass, Rule, UseCase
from knowledge.phrases import tokenize
from knowledge.signals import LEVELS, DataSignal, Signals


@dataclass(frozen=True)
class Placement:
    """Where one catalog category lands, and why."""

    category: str
    target: str | None  # the data-class id it is read as (the most sensitive), or None: placed nowhere
    # "stated" (the KB's signals:), "overlap", "analogy", "level" (its sensitivity), "none", "named only"
    # (a translation-only category: each concept where the KB names it, nowhere else)
    how: str
    evidence: tuple[str, ...] = ()  # the shared phrases, as "catalog phrase ~ KB text"
    # Less sensitive classes it also overlaps: read as well, so a rule about one of them still applies.
    also: tuple[str, ...] = ()

    @property
    def classes(self) -> tuple[str, ...]:
        return (*self.also, self.target) if self.target else ()


@dataclass(frozen=True)
class SignalMap:
    data: dict[str, Placement]  # data category -> class
    use_cases: dict[str, tuple[str, ...]]  # use-case category -> KB use-case ids
    use_evidence: dict[str, tuple[str, ...]]
    rules: dict[str, tuple[str, ...]]  # rule id -> data categories that trigger it
    # Concepts the knowledge base names itself: an example or a mention that is one of a concept's
    # phrases takes the whole concept, in every language ("payroll" brings "nómina" and "Lohnabrechnung").
    # A named concept is read as its category's classes and the naming classes together: only stricter.
    concept_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    concept_rules: dict[str, frozenset[str]] = field(default_factory=dict)
    # Concepts of a category the KB spreads over several classes, read on classes of their own instead
    # of the category's (see `_concepts_placed`): "budget" is not card data because card numbers are.
    concept_targets: dict[str, tuple[str, ...]] = field(default_factory=dict)


def infer(
    signals: Signals,
    layer: CatalogLayer,
    data_classes: tuple[DataClass, ...],
    use_cases: tuple[UseCase, ...],
    rules: tuple[Rule, ...],
) -> SignalMap:
    data_side = layer.data
    by_class = {c.id: data_side.overlaps((c.name, *c.examples), c.description) for c in data_classes}
    data = _analogy(
        {c.id: _place_data(c, data_classes, by_class) for c in signals.data}, signals, data_classes
    )
    use_side = layer.uses
    by_use = {u.id: use_side.overlaps((u.name, *u.examples), u.description) for u in use_cases}
    uses: dict[str, tuple[str, ...]] = {}
    use_evidence: dict[str, tuple[str, ...]] = {}
    for category in signals.use_cases:
        stated = tuple(u.id for u in use_cases if category.id in u.signals)
        if stated:
            uses[category.id] = stated
            use_evidence[category.id] = ("stated in the knowledge base",)
            continue
        named = _named_by(category.name_words, use_cases)
        uses[category.id] = tuple(u.id for u in use_cases if by_use[u.id].get(category.id) or u.id in named)
        use_evidence[category.id] = tuple(e for u in use_cases for e in by_use[u.id].get(category.id, ())[:3])
        use_evidence[category.id] += tuple(f"its name: {u.name}" for u in use_cases if u.id in named)
    triggered: dict[str, tuple[str, ...]] = {}
    translation_only = {c.id for c in signals.data if c.translation_only}
    for rule in rules:
        categories = list(rule.signals)
        if rule.mentions:
            categories += [
                c
                for c in _dominant(data_side, rule.mentions)
                if c not in categories and c not in translation_only
            ]
        if categories:
            triggered[rule.id] = tuple(categories)
    concept_classes: dict[str, list[str]] = {}
    sides = (data_side, layer.documents) if layer.documents is not None else (data_side,)
    for data_class in data_classes:  # least sensitive first: every class a concept is named in counts
        for phrase in (data_class.name, *data_class.examples):
            for concept in {c for side in sides for c in side.concepts_of(phrase)}:
                concept_classes.setdefault(concept, []).append(data_class.id)
    concept_rules: dict[str, set[str]] = {}
    for rule in rules:
        for phrase in rule.mentions:
            for concept in {c for side in sides for c in side.concepts_of(phrase)}:
                concept_rules.setdefault(concept, set()).add(rule.id)
    return SignalMap(
        concept_targets=_concepts_placed(signals, data, data_classes, by_class, concept_classes),
        data=data,
        use_cases=uses,
        use_evidence=use_evidence,
        rules=triggered,
        concept_classes={c: tuple(dict.fromkeys(ids)) for c, ids in concept_classes.items()},
        concept_rules={c: frozenset(ids) for c, ids in concept_rules.items()},
    )


def _named_by(words: dict[str, tuple[str, ...]], use_cases: tuple[UseCase, ...]) -> set[str]:
    wanted = {t.text for phrases in words.values() for p in phrases for t in tokenize(p)}
    return {u.id for u in use_cases if wanted & {t.text for t in tokenize(u.name)}} if wanted else set()


def _concepts_placed(
    signals: Signals,
    data: dict[str, Placement],
    classes: tuple[DataClass, ...],
    by_class: dict[str, dict[str, tuple[str, ...]]],
    named: dict[str, list[str]],
) -> dict[str, tuple[str, ...]]:
    """Where each concept of a category that overlaps several classes is read, when not where the
    category is: the classes its own phrases overlap (never below the category's floor), else the class
    named for the concept's level ("internal" in "internal-use") if the category overlaps one; a concept
    the KB names, where the KB files it. Others keep the category's placement, the most sensitive."""
    rank = {c.id: i for i, c in enumerate(classes)}
    names = {c.id: f"{c.id} {c.name}".lower() for c in classes}
    placed: dict[str, tuple[str, ...]] = {}
    for category in signals.data:
        placement = data[category.id]
        if placement.how != "overlap" or not placement.also:
            continue
        span = placement.classes
        phrase_concept = {p: concept.id for concept in category.concepts for p in concept.en}
        overlapped: dict[str, set[str]] = {
            cid: {phrase_concept.get(e.split(" ~ ")[0], "") for e in by_class[cid].get(category.id, ())}
            for cid in span
        }
        for concept in category.concepts:
            level = concept.level or category.level
            # Never below the class named for its level, nor the floor of its sensitivity: "not yet
            # public" shares a word with the Public class, and is not public.
            at_level = [cid for cid in span if level in names[cid]]
            floor = max(_floor_at(level, len(classes)), rank[at_level[-1]] if at_level else 0)
            # What the KB files itself is held only to the floor of the concept's sensitivity, not to
            # a class that happens to be named for its level ("Highly restricted").
            kb_floor = _floor_at(level, len(classes))
            kb_named = [cid for cid in dict.fromkeys(named.get(concept.id, ())) if rank[cid] >= kb_floor]
            if kb_named:
                # The knowledge base files the concept itself ("board minutes" under Confidential): it
                # is read there, not where card numbers took its category. A KB example filed below the
                # floor ("phone numbers" under Internal) keeps only its own words there: the rest of
                # the concept ("emergency contacts") is not pulled down with it.
                placed[concept.id] = tuple(kb_named)
                continue
            own = [cid for cid in span if concept.id in overlapped[cid] and rank[cid] >= floor]
            if own:
                chosen = own[-1]
            elif at_level:
                chosen = at_level[-1]
            else:
                continue
            if chosen != placement.target:
                placed[concept.id] = tuple(c for c in span if rank[c] <= rank[chosen])
    return placed


def _floor_at(level: str, count: int) -> int:
    if LEVELS.index(level) < LEVELS.index("confidential") or count < 2:
        return 0
    return 2 if level == "restricted" and count >= 4 else 1


def _dominant(side: Side, mentions: tuple[str, ...]) -> list[str]:
    """Categories that at least half of a rule's mention phrases belong to: a rule about credentials
    takes every credentials phrase, but a rule that names passports among health and bank words does
    not take all personal data."""
    counts: dict[str, int] = {}
    for phrase in mentions:
        for category in side.overlaps((phrase,), ""):
            counts[category] = counts.get(category, 0) + 1
    return [c for c, hits in counts.items() if hits * 2 >= len(mentions)]


def _place_data(
    category: DataSignal, classes: tuple[DataClass, ...], by_class: dict[str, dict[str, tuple[str, ...]]]
) -> Placement:
    if category.translation_only:
        return Placement(category.id, None, "named only")
    stated = [c for c in classes if category.id in c.signals]
    if stated:
        return Placement(category.id, stated[-1].id, "stated", ("stated in the knowledge base",))
    found = {c.id: by_class[c.id].get(category.id, ()) for c in classes}
    overlapping = [
        i for i, c in enumerate(classes) if found[c.id]
    ]  # least sensitive first, as the KB orders them
    also = tuple(classes[i].id for i in overlapping)
    if overlapping:
        target = classes[overlapping[-1]]
        if overlapping[-1] < _floor(category, len(classes)):
            # Sensitive data never lands low on the scale by a coincidence of words.
            return replace(_unplaced(category, classes, found[target.id]), also=also)
        return Placement(category.id, target.id, "overlap", found[target.id][:6], also=also[:-1])
    return _unplaced(category, classes, ())


def _floor(category: DataSignal, count: int) -> int:
    """The lowest rank a category may land on by overlap: a sensitive category never lands on the least
    sensitive class, and a restricted one (of 4 or more classes) not on the second either."""
    if not category.sensitive or count < 2:
        return 0
    if category.level == "restricted" and count >= 4:
        return 2
    return 1


def _unplaced(category: DataSignal, classes: tuple[DataClass, ...], evidence: tuple[str, ...]) -> Placement:
    """A category the knowledge base does not place (see `_analogy` for sensitive ones); public and
    internal ones are left unread (as if the words were not there), which can never lift a condition
    or a refusal."""
    if category.sensitive and classes:
        return Placement(category.id, classes[-1].id, "level", evidence)
    return Placement(category.id, None, "none", evidence)


def _analogy(
    data: dict[str, Placement], signals: Signals, classes: tuple[DataClass, ...]
) -> dict[str, Placement]:
    """A sensitive category that overlaps no class lands where the knowledge base put the categories it
    does place that are at least as sensitive (the most sensitive of those classes): a policy that puts
    personal data and HR cases in OFFICIAL-SENSITIVE puts health data there too. With no such category,
    it lands on the most sensitive class."""
    rank = {c.id: i for i, c in enumerate(classes)}
    placed = {cid: p for cid, p in data.items() if p.how in ("overlap", "stated") and p.target}
    result = dict(data)
    for category in signals.data:
        if data[category.id].how != "level":
            continue
        level = LEVELS.index(category.level)
        peers = [
            p.target
            for cid, p in placed.items()
            if (peer := signals.data_signal(cid)) is not None
            and not peer.markings
            and LEVELS.index(peer.level) >= level
        ]
        if peers:
            target = max(peers, key=rank.__getitem__)
            peers_there = ", ".join(sorted(c for c, p in placed.items() if p.target == target))
            also = tuple(c for c in data[category.id].also if c != target)
            result[category.id] = Placement(category.id, target, "analogy", (f"as {peers_there}",), also=also)
    return result
