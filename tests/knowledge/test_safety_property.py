"""Safety invariant: no generated knowledge base, question or asker gets a tool permitted against policy."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from handlers.ask import reply_for
from knowledge import Asker, KnowledgeBase, Situation, ToolVerdict, Verdict, assess, decide
from knowledge.catalog import load_catalog
from knowledge.indexes import _FILLERS
from knowledge.model import NO_DATA, Condition, DataClass, NotFor, Policy, Rule, Tool, UnknownTools, UseCase
from knowledge.phrases import compact, root
from knowledge.signals import LANGUAGES, load_signals

NEGATORS = frozenset({"no", "not", "without", "excluding", "exclude", "except"})

PERMITTED = frozenset({Verdict.ALLOWED, Verdict.CONDITIONAL})
USABLE = frozenset({"approved", "limited", "pilot"})
STATUSES = ("approved", "limited", "pilot", "under_review", "not_approved")
OUTSIDER = "outsider@example.test"

# Every knowledge-base phrase is made of invented consonant-vowel-consonant-vowel-"x" words, and the
# English glue of the questions has no "x": so a phrase can only match whole invented words, and a
# phrase the question contains verbatim is never swallowed by a longer match across the glue.
_CATALOG_KEYS = {
    compact(name) for product in load_catalog().products for name in (product.name, *product.aliases)
} | {compact(word) for word in load_catalog().ordinary_words}
WORDS = tuple(
    word
    for word in (
        a + b + c + d + "x"
        for a in "bdfgklmnprtvz"
        for b in "aeiou"
        for c in "bdfgklmnprtvz"
        for d in "aeiou"
    )
    if word not in _CATALOG_KEYS and word not in NEGATORS and word not in _FILLERS
)
OPENERS = ("", "Can I use ", "May we use ", "is it fine to try ", "Question: ")
JOINERS = (" and ", ", and ", " or ", ". Also ", "? And ", " but ", " then ", "; plus ", " & also ")
CLOSERS = ("", "?", "!", " please?", ".")
NEGATIONS = ("without any", "no", "without", "not any", "with no")
CHATTER = ("is that ok", "please help", "thanks", "for work")


@dataclass(frozen=True)
class Scenario:
    kb: KnowledgeBase
    question: str
    asker: Asker
    present: tuple[str, ...]  # data classes whose example phrase the question holds verbatim, un-negated


def _some(draw, items, *, may_be_empty=True):
    """A sub-tuple in the original order (so data classes stay least sensitive first); () shrinks best."""
    if not items or (may_be_empty and not draw(st.booleans())):
        return ()
    # One coin per item: several-item triggers, where "any" and "all" differ, come up often.
    chosen = tuple(item for item in items if draw(st.booleans()))
    return chosen or (draw(st.sampled_from(items)),)


@st.composite
def knowledge_bases(draw) -> KnowledgeBase:
    used: set[str] = set()

    def phrase() -> str:
        words = []
        for _ in range(draw(st.integers(1, 2))):
            # Step past taken words rather than .filter(): a filtered sampled_from scans all of WORDS.
            index = draw(st.integers(0, len(WORDS) - 1))
            while WORDS[index] in used:
                index = (index + 1) % len(WORDS)
            word = WORDS[index]
            used.add(word)
            words.append(word)
        return " ".join(words)

    def examples() -> tuple[str, ...]:
        return tuple(phrase() for _ in range(draw(st.integers(1, 3))))

    class_examples = [examples() for _ in range(draw(st.integers(2, 5)))]
    data_classes = tuple(
        DataClass(id=f"c{i}", name=ex[0].title(), examples=ex) for i, ex in enumerate(class_examples)
    )
    use_examples = [examples() for _ in range(draw(st.integers(1, 4)))]
    use_cases = tuple(
        UseCase(id=f"u{i}", name=ex[0].title(), examples=ex) for i, ex in enumerate(use_examples)
    )
    class_ids = tuple(c.id for c in data_classes)
    use_ids = tuple(u.id for u in use_cases)

    groups: dict[str, tuple[str, ...]] = {}
    for g in range(draw(st.integers(0, 3))):
        # An empty group stands for membership that comes from the directory, not the file.
        size = draw(st.integers(0, 2))
        groups[f"g{g}"] = tuple(f"user{g}{m}@example.test" for m in range(size))
    group_ids = tuple(groups)

    tool_ids = tuple(f"t{i}" for i in range(draw(st.integers(1, 8))))
    all_aliases: list[str] = []
    tools = []
    for i, tool_id in enumerate(tool_ids):
        max_data = draw(st.sampled_from((NO_DATA, *class_ids)))
        above = class_ids[class_ids.index(max_data) + 1 :] if max_data != NO_DATA else class_ids
        aliases: list[str] = []
        for _ in range(draw(st.integers(1, 2))):
            # Two editions of one product share an alias; their verdicts must stay independent.
            if all_aliases and draw(st.integers(0, 3)) == 0:
                alias = draw(st.sampled_from(all_aliases))
            else:
                alias = phrase()
            if alias not in aliases:
                aliases.append(alias)
        all_aliases.extend(aliases)
        restricted = group_ids and draw(st.booleans())
        tools.append(
            Tool(
                id=tool_id,
                name=f"Tool {i}",
                aliases=tuple(aliases),
                status=draw(st.sampled_from(STATUSES)),
                max_data=max_data,
                conditions=tuple(Condition(data=c, text=f"Only as {c} allows.") for c in _some(draw, above)),
                good_for=_some(draw, use_ids),
                not_for=tuple(NotFor(use_case=u, reason=f"Not for {u}.") for u in _some(draw, use_ids)),
                available_to=_some(draw, group_ids, may_be_empty=False) if restricted else "everyone",
                alternatives=_some(draw, tuple(t for t in tool_ids if t != tool_id)),
            )
        )

    all_mentions: list[str] = []
    rules = []
    for r in range(draw(st.integers(0, 4))):
        mentions: tuple[str, ...] = ()
        if draw(st.booleans()):
            if all_mentions and draw(st.integers(0, 3)) == 0:
                mentions = (draw(st.sampled_from(all_mentions)),)
            else:
                mentions = examples()[:2]
            all_mentions.extend(mentions)
        data, uses, only = _some(draw, class_ids), _some(draw, use_ids), _some(draw, tool_ids)
        if not (data or uses or only or mentions):
            data = (draw(st.sampled_from(class_ids)),)
        rules.append(
            Rule(
                id=f"r{r}",
                text=f"Rule {r}.",
                effect=draw(st.sampled_from(("forbid", "require"))),
                data=data,
                use_cases=uses,
                tools=only,
                except_tools=_some(draw, tool_ids),
                mentions=mentions,
            )
        )

    policy = Policy(
        organization="Test Co",
        version="1",
        contact="#ai-help",
        unknown_tools=UnknownTools(guidance="Ask IT first."),
    )
    return KnowledgeBase(
        policy=policy,
        data_classes=data_classes,
        use_cases=use_cases,
        tools=tuple(tools),
        rules=tuple(rules),
        groups=groups,
    )


def askers(kb: KnowledgeBase) -> st.SearchStrategy[Asker]:
    members = sorted({m for listed in kb.groups.values() for m in listed})
    # Ids arrive in any case from the platforms; the knowledge base's lists are matched case-blind.
    ids = st.frozensets(
        st.sampled_from([*members, OUTSIDER]).flatmap(lambda i: st.sampled_from((i, i.upper()))), max_size=2
    )
    groups = st.frozensets(st.sampled_from(sorted(kb.groups))) if kb.groups else st.just(frozenset())
    return st.builds(Asker, ids=ids, groups=st.none() | groups)


def _typo(draw, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch != " "]
    i = draw(st.sampled_from(letters))
    kind = draw(st.sampled_from(("swap", "insert", "delete", "replace")))
    letter = draw(st.sampled_from("abdeiklmoprtuvz"))
    if kind == "swap" and i + 1 < len(text) and text[i + 1] != " ":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == "insert":
        return text[:i] + letter + text[i:]
    if kind == "delete" and len(letters) > 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + letter + text[i + 1 :]


def _data_fragment(draw, data_class: DataClass) -> str:
    # "with" is neither a negator nor a filler, so nothing before it can negate the phrase.
    return f"with {draw(st.sampled_from(data_class.examples))}"


def _use_fragment(draw, use_case: UseCase) -> str:
    return f"{draw(st.sampled_from(('to', 'for', '')))} {draw(st.sampled_from(use_case.examples))}"


@st.composite
def scenarios(draw) -> Scenario:
    kb = draw(knowledge_bases())
    aliases = [a for t in kb.tools for a in t.aliases]
    mentions = [m for r in kb.rules for m in r.mentions]
    kinds = ["alias", "data", "negated", "use", "chatter"]
    kinds += (["mention"] if mentions else []) + (["rule"] if kb.rules else [])
    fragments: list[str] = []
    present: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(kinds))
        if kind == "alias":
            style = draw(st.sampled_from(("plain", "upper", "title", "possessive", "typo")))
            # Only names of 6+ letters are matched despite a typo: the two-word aliases.
            long = [a for a in aliases if " " in a]
            alias = draw(st.sampled_from(long if style == "typo" and long else aliases))
            if style == "typo":
                alias = _typo(draw, alias)
            elif style == "upper":
                alias = alias.upper()
            elif style == "title":
                alias = alias.title()
            elif style == "possessive":
                alias += "'s"
            fragments.append(alias)
        elif kind == "data":
            data_class = draw(st.sampled_from(kb.data_classes))
            fragments.append(_data_fragment(draw, data_class))
            present.append(data_class.id)
        elif kind == "negated":
            example = draw(st.sampled_from(draw(st.sampled_from(kb.data_classes)).examples))
            fragments.append(f"{draw(st.sampled_from(NEGATIONS))} {example}")
        elif kind == "use":
            fragments.append(_use_fragment(draw, draw(st.sampled_from(kb.use_cases))))
        elif kind == "mention":
            prefix = draw(st.sampled_from(("about", "with our", "no", "")))
            fragments.append(f"{prefix} {draw(st.sampled_from(mentions))}")
        elif kind == "rule":
            # Meet one rule's triggers with a single item each: where "any" and "all" part ways.
            rule = draw(st.sampled_from(kb.rules))
            if rule.data:
                class_id = draw(st.sampled_from(rule.data))
                fragments.append(_data_fragment(draw, kb.data_class[class_id]))
                present.append(class_id)
            if rule.use_cases:
                fragments.append(_use_fragment(draw, kb.use_case[draw(st.sampled_from(rule.use_cases))]))
            if rule.mentions:
                fragments.append(f"about {draw(st.sampled_from(rule.mentions))}")
        else:
            fragments.append(draw(st.sampled_from(CHATTER)))
    # Every joiner holds an English word, which keeps phrase matches from running across fragments.
    body = "".join(f if i == 0 else draw(st.sampled_from(JOINERS)) + f for i, f in enumerate(fragments))
    question = draw(st.sampled_from(OPENERS)) + body + draw(st.sampled_from(CLOSERS))
    return Scenario(kb, question, draw(askers(kb)), tuple(present))


@st.composite
def situations(draw) -> tuple[KnowledgeBase, Situation]:
    kb = draw(knowledge_bases())
    class_ids = tuple(c.id for c in kb.data_classes)
    use_ids = tuple(u.id for u in kb.use_cases)
    data = set(_some(draw, class_ids))
    uses = set(_some(draw, use_ids))
    mentions = set(_some(draw, tuple(r.id for r in kb.rules)))
    if kb.rules and draw(st.booleans()):
        # As in scenarios(): one rule's triggers met by a single item each.
        rule = draw(st.sampled_from(kb.rules))
        if rule.data:
            data.add(draw(st.sampled_from(rule.data)))
        if rule.use_cases:
            uses.add(draw(st.sampled_from(rule.use_cases)))
        mentions.add(rule.id)
    situation = Situation(
        data_classes=tuple(c for c in class_ids if c in data),
        use_cases=tuple(u for u in use_ids if u in uses),
        mentions=frozenset(mentions),
        asker=draw(askers(kb)),
    )
    return kb, situation


# The oracle below is written from the policy's wording, not from knowledge/policy.py, so that a slip
# in the engine's own helpers (rule_applies, data_rank, _membership) cannot hide itself.


def _rule_holds(rule: Rule, tool_id: str, data, uses, mentions) -> bool:
    triggers = []
    if rule.data:
        triggers.append(bool(set(rule.data) & set(data)))
    if rule.use_cases:
        triggers.append(bool(set(rule.use_cases) & set(uses)))
    if rule.mentions:
        triggers.append(rule.id in mentions)
    if rule.tools:
        triggers.append(tool_id in rule.tools)
    return bool(triggers) and all(triggers) and tool_id not in rule.except_tools


def _membership(kb: KnowledgeBase, asker: Asker, groups: tuple[str, ...]) -> bool | None:
    ids = {i.lower() for i in asker.ids}
    listed = {m.lower() for g in groups for m in kb.groups[g]}
    if (asker.groups and set(asker.groups) & set(groups)) or ids & listed:
        return True
    if asker.groups is not None:
        return False
    return None  # nobody said which groups: at most "only if you are a member"


def violations(kb: KnowledgeBase, verdict: ToolVerdict, data, uses, mentions, asker: Asker) -> list[str]:
    """Why this allowed/conditional verdict breaks policy; empty when it does not (or is a refusal)."""
    if verdict.verdict not in PERMITTED:
        return []
    assert verdict.tool_id is not None, "an unlisted tool can only ever be unknown_tool"
    tool = kb.tool[verdict.tool_id]
    rank = {c.id: i for i, c in enumerate(kb.data_classes)}
    ceiling = rank.get(tool.max_data, -1)
    found = []
    if tool.status == "not_approved" and tool.max_data == NO_DATA:  # (a)
        found.append("not_approved with max_data none")
    for class_id in data:  # (b)
        if rank[class_id] > ceiling and not any(c.data == class_id for c in tool.conditions):
            found.append(f"data {class_id} above max_data {tool.max_data} without a condition")
    for rule in kb.rules:  # (c)
        if rule.effect == "forbid" and _rule_holds(rule, tool.id, data, uses, mentions):
            found.append(f"forbid rule {rule.id} applies")
    if tool.status == "under_review":  # (d)
        found.append("under_review")
    for item in tool.not_for:  # (e)
        if item.use_case in uses:
            found.append(f"not_for {item.use_case}")
    membership = None if tool.available_to == "everyone" else _membership(kb, asker, tool.available_to)
    if membership is False:
        found.append(f"asker known not to be in {tool.available_to}")
    if verdict.verdict == Verdict.ALLOWED:
        # An unconditional yes must not drop a condition the policy attaches.
        if any(rank[c] > ceiling for c in data):
            found.append("allowed outright with data above max_data")
        if any(r.effect == "require" and _rule_holds(r, tool.id, data, uses, mentions) for r in kb.rules):
            found.append("allowed outright although a require rule applies")
        if tool.available_to != "everyone" and membership is not True:
            found.append("allowed outright without confirmed group membership")
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_assess_never_permits_against_policy(scenario: Scenario):
    kb, asker = scenario.kb, scenario.asker
    note(f"question: {scenario.question!r}")
    result = assess(kb, scenario.question, asker)
    reading = result.understanding
    note(f"read as data={reading.data_classes} uses={reading.use_cases} mentions={sorted(reading.mentions)}")

    assert set(scenario.present) <= set(reading.data_classes), "a data phrase in plain sight was missed"
    for verdict in (*result.tools, *result.recommended, *result.alternatives):
        found = violations(kb, verdict, reading.data_classes, reading.use_cases, reading.mentions, asker)
        assert not found, f"{verdict.tool_id} is {verdict.verdict}: {found}"
    for verdict in (*result.recommended, *result.alternatives):  # (f)
        assert verdict.verdict in PERMITTED, f"recommended {verdict.tool_id} is {verdict.verdict}"
        assert kb.tool[verdict.tool_id].status in USABLE, f"recommended {verdict.tool_id} is not usable"
    # A script may read only the overall verdict: it must not turn a refusal into a permission.
    kinds = {str(v.verdict) for v in result.tools}
    if str(result.verdict) in PERMITTED:
        assert kinds & PERMITTED, f"overall {result.verdict} but the tools are {kinds}"
    if result.verdict == "allowed":
        assert kinds == {"allowed"}, f"overall allowed but the tools are {kinds}"
    if len(reading.tools) > 1 and "not_allowed" in kinds:
        assert result.verdict == "not_allowed", f"several names, one refused, yet overall {result.verdict}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_decide_never_permits_against_policy(case: tuple[KnowledgeBase, Situation]):
    kb, situation = case
    for tool in kb.tools:
        verdict = decide(kb, tool, situation)
        assert verdict.tool_id == tool.id
        found = violations(
            kb, verdict, situation.data_classes, situation.use_cases, situation.mentions, situation.asker
        )
        assert not found, f"{tool.id} is {verdict.verdict}: {found}"


def test_invented_words_cannot_meet_the_english_glue():
    glue = " ".join((*OPENERS, *JOINERS, *CLOSERS, *NEGATIONS, *CHATTER, "with to for about our"))
    assert "x" not in glue.lower()
    # Data and use-case phrases match by word root: an invented word must be its own root.
    assert all(len(w) == 5 and w.endswith("x") and root(w) == w for w in WORDS)


# The shipped signal catalogs: a knowledge base that never heard of them still gets no yes for data
# the catalogs place above a tool's ceiling, in any of the catalogs' languages.
SIGNALS = load_signals()


@dataclass(frozen=True)
class SignalScenario:
    kb: KnowledgeBase
    question: str
    asker: Asker
    placed: str  # the class the catalog phrase in the question belongs to


@st.composite
def signal_scenarios(draw) -> SignalScenario:
    base = draw(knowledge_bases())
    categories = draw(
        st.lists(st.sampled_from([c.id for c in SIGNALS.data]), min_size=1, max_size=3, unique=True)
    )
    classes = list(base.data_classes)
    owners: dict[str, int] = {}
    named: dict[str, object] = {}  # translation-only categories: the concept the class names
    for category_id in categories:
        category = SIGNALS.data_signal(category_id)
        index = draw(st.integers(0, len(classes) - 1))
        owners[category_id] = index
        if category.translation_only:
            # Read only where the knowledge base names a concept: the class names one.
            concept = draw(st.sampled_from(category.concepts))
            named[category_id] = concept
            shared = draw(st.sampled_from(concept.en))
            classes[index] = classes[index].model_copy(
                update={"examples": (*classes[index].examples, shared)}
            )
        elif draw(st.booleans()):
            # The class shares one of the category's English phrases: the mapping is inferred.
            shared = draw(st.sampled_from(category.in_language("en")))
            classes[index] = classes[index].model_copy(
                update={"examples": (*classes[index].examples, shared)}
            )
        else:
            classes[index] = classes[index].model_copy(
                update={"signals": (*classes[index].signals, category_id)}
            )
    kb = replace(base, data_classes=tuple(classes))
    asked = draw(st.sampled_from(categories))
    category = SIGNALS.data_signal(asked)
    concept = named.get(asked)
    phrases = concept.phrases if concept is not None else None  # type: ignore[attr-defined]
    lang = draw(
        st.sampled_from(
            [lang for lang in LANGUAGES if (phrases.get(lang) if phrases else category.in_language(lang))]
        )
    )
    phrase = draw(st.sampled_from(phrases[lang] if phrases else category.in_language(lang)))
    alias = draw(st.sampled_from([a for t in kb.tools for a in t.aliases]))
    opener = draw(st.sampled_from(OPENERS))
    question = f"{opener}{alias} with {phrase}{draw(st.sampled_from(CLOSERS))}"
    return SignalScenario(kb, question, draw(askers(kb)), kb.data_classes[owners[asked]].id)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signal_scenarios())
def test_catalog_signals_never_permit_data_above_the_ceiling(scenario: SignalScenario):
    kb, asker = scenario.kb, scenario.asker
    note(f"question: {scenario.question!r}, phrase belongs to {scenario.placed}")
    result = assess(kb, scenario.question, asker)
    reading = result.understanding
    note(f"read as data={reading.data_classes} mentions={sorted(reading.mentions)}")
    rank = kb.data_rank
    assert reading.data_classes and rank[reading.data_classes[-1]] >= rank[scenario.placed], (
        "the catalog phrase was read as less sensitive than the class it belongs to"
    )
    data = tuple(sorted({*reading.data_classes, scenario.placed}, key=rank.__getitem__))
    for verdict in (*result.tools, *result.recommended, *result.alternatives):
        found = violations(kb, verdict, data, reading.use_cases, reading.mentions, asker)
        assert not found, f"{verdict.tool_id} is {verdict.verdict}: {found}"


VAGUE = SIGNALS.conversation.words("vague_data")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases(), st.sampled_from(VAGUE), st.sampled_from(OPENERS), st.data())
def test_a_clarifying_answer_never_says_yes(kb, vague, opener, data):
    alias = data.draw(st.sampled_from([a for t in kb.tools for a in t.aliases]))
    asker = data.draw(askers(kb))
    question = f"{opener}{alias} for {vague}?"
    result = assess(kb, question, asker)
    note(f"question: {question!r} -> {result.verdict}")
    if result.verdict != "clarify":
        return
    assert all(v.verdict != Verdict.ALLOWED for v in result.tools), "a plain yes while the data is unknown"
    reply = reply_for(result, kb)
    assert not reply.headline.lower().startswith("yes"), reply.headline
    for option in result.clarify.options:
        placed = (option.data_class,)
        for verdict in option.tools:
            if verdict.tool_id is not None:
                found = violations(
                    kb, verdict, placed, result.understanding.use_cases, result.understanding.mentions, asker
                )
                assert not found, (
                    f"choice {option.data_class}: {verdict.tool_id} is {verdict.verdict}: {found}"
                )
