"""The signal catalogs' phrases, indexed once per process and shared by every knowledge base.

Payloads are (category id, phrase); each knowledge base's `SignalMap` turns a category into its own
class, use-case and rule ids. The same index serves reading questions and inferring the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge import layer_cache
from knowledge.phrases import LINKING_WORDS, Match, PhraseIndex, Token, compact, tokenize
from knowledge.signals import Signals, keyed

_NEGATORS = frozenset({"no", "not", "never", "without", "except", "excluding", "nor"})


@dataclass(frozen=True)
class Side:
    """One catalog (data or use-case categories)."""

    index: PhraseIndex  # every phrase in every language, payload (category id, concept id, phrase)
    inside: dict[str, frozenset[tuple[str, str, str]]]  # key of 2+ English words -> payloads holding it

    def concepts_of(self, phrase: str) -> set[str]:
        """The concepts one of whose phrases is exactly this phrase: a KB example or a rule mention that
        names a concept takes the whole concept, in every language."""
        tokens = tokenize(phrase)
        return {
            concept
            for m in self.index.find(tokens, nested=True)
            if not m.fuzzy and m.start == 0 and m.end == len(tokens)
            for _, concept, _ in m.payloads  # type: ignore[misc]
            if concept
        }

    def overlaps(self, kb_phrases: Iterable[str], description: str) -> dict[str, tuple[str, ...]]:
        """Evidence, by category, that the catalog and a KB entry speak of the same thing.

        A catalog phrase counts when it covers at least half of the words of a KB phrase ("health
        record" in "employee health record", not "draft" in "draft a legal opinion") or two words of
        the description; a KB phrase of two or more words counts when a catalog phrase holds it. Only
        English catalog phrases are compared, in English: another language's stemmer would bend
        English words ("screen resumes" is not French "résumer").
        """
        evidence: dict[str, list[str]] = {}
        for phrase in kb_phrases:
            tokens = tokenize(phrase)
            for match in _english(self.index.find(tokens, nested=True)):
                if match.width * 2 >= len(_content(tokens)):
                    for category, _, catalog_phrase in match.payloads:  # type: ignore[misc]
                        evidence.setdefault(category, []).append(f"{catalog_phrase} ~ {phrase}")
            if len(tokens) >= 2:
                for category, _, catalog_phrase in self.inside.get(compact(phrase, roots=True), ()):
                    evidence.setdefault(category, []).append(f"{catalog_phrase} ~ {phrase}")
        if description:
            tokens = tokenize(description)
            for match in _english(self.index.find(tokens)):
                if match.width >= 2 and not _after_negator(tokens, match.start):
                    for category, _, catalog_phrase in match.payloads:  # type: ignore[misc]
                        evidence.setdefault(category, []).append(f"{catalog_phrase} ~ description")
        return {c: tuple(dict.fromkeys(found)) for c, found in evidence.items()}


@dataclass(frozen=True)
class CatalogLayer:
    data: Side
    uses: Side
    known: dict[bool, frozenset[str]]  # every catalog phrase's key, by `roots`: never a typo of another
    cues: PhraseIndex  # conversation cues and edition hints, payload (kind, value); see `Indexes.cues`
    owners: dict[str, str] = field(default_factory=dict)  # a person's noun, folded -> data-signal category
    peers: frozenset[str] = frozenset()  # owners one writes to every day: a letter to them is not about them
    # Translation-only categories (everyday documents), in an index of their own: read only where a
    # knowledge base names a concept, and never in the way of the other catalogs' readings.
    documents: Side | None = None


def _cues(signals: Signals) -> PhraseIndex:
    index = PhraseIndex()
    talk = signals.conversation
    kinds = [("vague_data", ("vague", "")), ("removals", ("remove", "")), ("followups", ("followup", ""))]
    kinds += [("greetings", ("talk", "greeting")), ("thanks", ("talk", "thanks")), ("help", ("talk", "help"))]
    kinds += [("not_data", ("not_data", ""))]
    for kind, payload in kinds:
        for phrase in talk.words(kind):
            index.add(phrase, payload)
    for lang, phrases in talk.hands_over.items():
        # German puts the verb last, after what it hands over ("die Liste in Copilot einfügen").
        for phrase in phrases:
            index.add(phrase, ("hand", "verb last" if lang == "de" else ""))
    for edition, phrases in signals.tools.editions.items():
        for lang_phrases in phrases.values():
            for phrase in lang_phrases:
                index.add(phrase, ("edition", edition))
    return index


def _english(matches: list[Match]) -> list[Match]:
    return [m for m in matches if not m.fuzzy and not m.key.startswith("=")]


def _content(tokens: list[Token]) -> list[Token]:
    return [t for i, t in enumerate(tokens) if i == 0 or t.text not in LINKING_WORDS]


def _after_negator(tokens: list[Token], start: int) -> bool:
    clause = tokens[start].clause
    return any(t.text in _NEGATORS for t in tokens[max(0, start - 3) : start] if t.clause == clause)


def _side(categories, *, typos: bool, ordinary_words: Iterable[str]) -> Side:
    index = PhraseIndex(typos=typos, roots=True, ordinary_words=ordinary_words)
    inside: dict[str, set[tuple[str, str]]] = {}
    for category in categories:
        groups = category.groups if hasattr(category, "groups") else (("", category.phrases),)
        for concept, phrases in groups:
            for phrase, lang in keyed(phrases):
                payload = (category.id, concept, phrase)
                index.add(phrase, payload, lang=lang)
                if lang != "en":
                    continue
                words = [t.text for t in tokenize(phrase)]
                if len(words) == 2 and not set(words) & LINKING_WORDS:
                    # "customer names" is also "the names of our customers" (linking words are passed over).
                    index.add(f"{words[1]} {words[0]}", payload, typos=False)
                for start in range(len(words)):
                    for end in range(start + 2, len(words) + 1):
                        inside.setdefault(compact(" ".join(words[start:end]), roots=True), set()).add(payload)
    return Side(index=index, inside={k: frozenset(v) for k, v in inside.items()})


_LAYERS: dict[tuple[int, tuple[str, ...]], tuple[Signals, CatalogLayer]] = {}


def catalog_layer(signals: Signals, ordinary_words: tuple[str, ...] = ()) -> CatalogLayer:
    built = _LAYERS.get((id(signals), ordinary_words))
    if built is not None and built[0] is signals:
        return built[1]
    if signals.fingerprint:
        key = layer_cache.fingerprint(signals.fingerprint.encode(), "\n".join(ordinary_words).encode())
        layer = layer_cache.cached(
            "catalog-layer", key, lambda: _build(signals, ordinary_words), CatalogLayer
        )
    else:
        layer = _build(signals, ordinary_words)
    _LAYERS[(id(signals), ordinary_words)] = (signals, layer)
    return layer


def _build(signals: Signals, ordinary_words: tuple[str, ...]) -> CatalogLayer:
    data = _side(
        [c for c in signals.data if not c.translation_only], typos=True, ordinary_words=ordinary_words
    )
    named_only = [c for c in signals.data if c.translation_only]
    documents = _side(named_only, typos=False, ordinary_words=()) if named_only else None
    uses = _side(signals.use_cases, typos=False, ordinary_words=())
    words = [p for c in (*signals.data, *signals.use_cases) for p in c.all_phrases]
    known = {flag: frozenset(compact(p, roots=flag) for p in words) for flag in (False, True)}
    data.index.not_typo_keys(known[True])
    owners = {
        head: category.id
        for category in signals.data
        for people in (category.owners, category.peers)
        for head in _heads(people)
    }
    peers = frozenset(head for category in signals.data for head in _heads(category.peers))
    return CatalogLayer(
        data=data,
        uses=uses,
        known=known,
        cues=_cues(signals),
        owners=owners,
        peers=peers,
        documents=documents,
    )


def _heads(people: dict[str, tuple[str, ...]]) -> list[str]:
    # The word that names the person: the last in English and German ("staff member" -> "member"),
    # the first in Spanish and French ("compañero de trabajo" -> "compañero", not "trabajo").
    # In "member of the public" the person is the word before "of".
    heads = []
    for lang, words in people.items():
        for word in words:
            texts = [t.text for t in tokenize(word)]
            if texts:
                before_of = texts[: texts.index("of")] if "of" in texts[1:] else texts
                heads.append(texts[0] if lang in ("es", "fr") else before_of[-1])
    return heads


def forget_layers() -> None:
    """Drop the built layers (for benchmarks that time a cold start)."""
    _LAYERS.clear()
