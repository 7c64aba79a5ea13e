"""Deterministic reading of a question: which tools, which data, which use case, which rule phrases."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.phrases import Match, PhraseIndex, Token, tokenize

# Only plain negations count, and only right before the data they negate. Anything that could be
# a name ("Project Zero") or a qualifier ("non-sensitive passwords") does not: reading too much
# data into a question is safe, reading too little is not.
NEGATORS = frozenset({"no", "not", "without", "excluding", "exclude", "except"})
# Words that may stand between a negator and what it negates: "without ANY of our client data".
_FILLERS = frozenset(
    {
        "any", "a", "an", "the", "of", "our", "my", "your", "their",
        "including", "include", "containing", "contain", "mentioning", "mention", "sharing", "share",
        "using", "use", "putting", "put", "pasting", "paste", "giving", "give", "uploading", "upload",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ToolMention:
    """A tool named in the question: knowledge-base tool ids, or a catalog name when it is not listed."""

    text: str
    tool_ids: tuple[str, ...] = ()
    unknown_name: str | None = None
    typo: bool = False


@dataclass(frozen=True, slots=True)
class Understanding:
    tools: tuple[ToolMention, ...]
    data_classes: tuple[str, ...]  # every class detected and not negated, least sensitive first
    use_cases: tuple[str, ...]  # most specific first
    mentions: frozenset[str]  # rule ids whose `mentions` phrases appear
    negated_data: tuple[str, ...] = ()

    @property
    def data_class(self) -> str | None:
        return self.data_classes[-1] if self.data_classes else None

    @property
    def use_case(self) -> str | None:
        return self.use_cases[0] if self.use_cases else None


@dataclass(frozen=True)
class Indexes:
    tools: PhraseIndex  # payloads: ("kb", tool_id) or ("catalog", display name)
    data: PhraseIndex  # payloads: data-class id
    use_cases: PhraseIndex  # payloads: use-case id
    mentions: PhraseIndex  # payloads: rule id
    data_rank: dict[str, int]


def understand(question: str, indexes: Indexes) -> Understanding:
    tokens = tokenize(question)
    tools = tuple(_tool_mention(tokens, m) for m in indexes.tools.find(tokens))
    data: set[str] = set()
    negated: set[str] = set()
    for match in indexes.data.find(tokens):
        classes = set(match.payloads)
        if match.fuzzy:
            # A near-miss may add sensitivity, never lower it: a typo read as the least sensitive class
            # would lift the "only with public information" condition.
            classes = {c for c in classes if indexes.data_rank[c] > 0}  # type: ignore[index]
        (negated if _negated(tokens, match) else data).update(classes)  # type: ignore[arg-type]
    uses = sorted(indexes.use_cases.find(tokens), key=lambda m: (-m.width, -len(m.key), m.start))
    use_cases: list[str] = []
    for match in uses:
        for uid in sorted(match.payloads):  # type: ignore[type-var]
            if uid not in use_cases:
                use_cases.append(uid)  # type: ignore[arg-type]
    mentions = {rid for m in indexes.mentions.find(tokens) if not _negated(tokens, m) for rid in m.payloads}
    rank = indexes.data_rank
    return Understanding(
        tools=tools,
        data_classes=tuple(sorted(data, key=rank.__getitem__)),
        use_cases=tuple(use_cases),
        mentions=frozenset(mentions),  # type: ignore[arg-type]
        negated_data=tuple(sorted(negated - data, key=rank.__getitem__)),
    )


def _tool_mention(tokens: list[Token], match: Match) -> ToolMention:
    text = " ".join(t.text for t in tokens[match.start : match.end])
    kb = sorted(p[1] for p in match.payloads if p[0] == "kb")  # type: ignore[index]
    if kb:
        return ToolMention(text=text, tool_ids=tuple(kb), typo=match.fuzzy)
    name = sorted(p[1] for p in match.payloads)[0]  # type: ignore[index]
    return ToolMention(text=text, unknown_name=name, typo=match.fuzzy)


def _negated(tokens: list[Token], match: Match) -> bool:
    clause = tokens[match.start].clause
    index = match.start - 1
    while index >= 0 and tokens[index].clause == clause:
        word = tokens[index].text
        if word in NEGATORS:
            # "not without client data" says the data is there.
            return not (
                index > 0 and tokens[index - 1].clause == clause and tokens[index - 1].text in NEGATORS
            )
        if word not in _FILLERS:
            return False
        index -= 1
    return False
