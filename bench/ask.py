"""Benchmark: load a synthetic 1,000-tool knowledge base and time answers to generated questions."""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from knowledge import Asker, assess, layer_cache, load_knowledge
from knowledge.catalog import load_catalog
from knowledge.catalog_layer import forget_layers
from knowledge.phrases import compact, tokens_cache_clear
from knowledge.signals import load_signals

LOAD_TARGET_S = 1.0
P99_TARGET_MS = 5.0
TOOL_FILES = 4

# Least sensitive first, as the loader requires.
DATA_CLASSES = [
    ("public", "Public", ["public information", "press release", "published article", "public website",
        "job posting", "marketing brochure", "conference talk", "open dataset", "public filing",
        "product datasheet"]),
    ("internal", "Internal", ["internal memo", "team update", "project plan", "org chart", "intranet page",
        "process document", "meeting agenda", "internal newsletter", "training material", "floor plan"]),
    ("partner", "Partner shared", ["partner roadmap", "supplier quote", "vendor contract", "partner portal",
        "joint proposal", "reseller pricing", "supplier invoice", "partner forecast", "shared workspace",
        "partner briefing"]),
    ("confidential", "Confidential", ["client contract", "client data", "source code", "board pack",
        "pricing model", "sales pipeline", "due diligence", "merger plan", "revenue figures",
        "customer list"]),
    ("personal", "Personal", ["employee record", "home address", "date of birth", "performance review",
        "candidate cv", "phone number", "personal email", "sick note", "payslip", "staff photo"]),
    ("restricted", "Restricted", ["passport scan", "bank account", "credit card number", "health record",
        "national id", "social security number", "criminal record", "biometric data", "medical history",
        "tax return"]),
]  # fmt: skip

USE_CASES = [
    ("writing", "Writing", ["write", "draft", "rewrite", "proofread", "polish the wording"]),
    ("summarizing", "Summarizing", ["summarize", "summarise", "condense", "pull out key points"]),
    ("translation", "Translation", ["translate", "localize", "translation"]),
    ("analysis", "Analysis", ["analyze", "analyse", "build a pivot table", "find trends in"]),
    ("forecasting", "Forecasting", ["forecast", "project next quarter", "predict demand"]),
    ("brainstorming", "Brainstorming", ["brainstorm", "come up with ideas for", "name ideas"]),
    ("image-generation", "Image generation", ["generate an image", "make a mood board", "illustrate"]),
    ("coding", "Coding", ["debug", "refactor", "write a script for", "write unit tests for"]),
    ("code-review", "Code review", ["review the pull request", "code review", "spot bugs in"]),
    ("meeting-notes", "Meeting notes", ["take minutes", "transcribe", "list action items from"]),
    ("research", "Research", ["research", "look up", "find sources about", "scan competitors in"]),
    ("client-communication", "Client communication", ["reply to the client about", "email a client about",
        "prepare a client presentation on"]),
    ("hiring", "Hiring decisions", ["screen candidates", "rank applicants", "shortlist"]),
    ("customer-support", "Customer support", ["answer support tickets", "reply to customers about"]),
    ("legal-review", "Legal review", ["review the clauses of", "check the liability terms in"]),
    ("slides", "Slides", ["make slides", "turn into a slide deck", "design a presentation"]),
    ("data-cleaning", "Data cleaning", ["clean up", "deduplicate", "fix the formatting of"]),
    ("learning", "Learning", ["explain", "teach me", "quiz me on"]),
    ("social-media", "Social media", ["write a linkedin post about", "draft a tweet about"]),
    ("spreadsheets", "Spreadsheets", ["write a formula for", "fill in the spreadsheet with"]),
]  # fmt: skip

# Group name to members; an empty list means a directory file decides, as in the example base.
GROUPS = {
    "engineering": [],
    "marketing": [],
    "finance": ["fin.lead@example.test", "U0FIN0001"],
    "legal": ["legal.ops@example.test"],
    "people-team": [],
    "sales": ["sales.ops@example.test", "U0SAL0001", "U0SAL0002"],
    "data-lab": ["lab.one@example.test", "lab.two@example.test"],
    "exec-pilot": ["ceo@example.test"],
}

MENTION_SETS = [
    ["password", "api key", "access token", "private key", "ssh key"],
    ["trade secret", "secret recipe", "unreleased patent"],
    ["insider information", "unreleased earnings", "quarterly results before release"],
    ["patient name", "diagnosis", "prescription"],
    ["export controlled", "dual use", "itar"],
    ["under embargo", "embargoed"],
    ["union membership", "religious belief", "sexual orientation"],
    ["minors", "children's data", "school pupils"],
    ["whistleblower report", "grievance"],
    ["security incident", "breach report", "vulnerability details"],
]

SYLLABLE_START = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr",
    "vr", "zh", "kl", "pl", "sk", "st"]  # fmt: skip
SYLLABLE_VOWEL = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ia"]
SYLLABLE_END = ["", "", "", "n", "r", "x", "l", "m", "th"]
ALIAS_SUFFIXES = ["ai", "pro", "studio", "assistant", "chat", "workspace", "cloud", "desk", "go", "plus"]
EDITIONS = [("Enterprise", "company account with SSO", "enterprise"), ("Team", "team workspace", "team")]

ASK_TEMPLATES = [
    "can I paste {data} into {tool}?",
    "Is it ok to upload our {data} to {tool}?",
    "may I use {tool} to {use} the {data}",
    "{tool} for {use} with {data}?",
    "can i put a {data} in {tool} so it can {use} it",
    "hey, quick one: {tool} to {use} our latest {data}. allowed?",
]
NEGATED_TEMPLATES = [
    "can I use {tool} to {use} without any {data}?",
    "{tool} to {use}, no {data} involved",
    "I won't share {data}, I just want {tool} to {use} a public page",
    "is {tool} fine if I exclude the {data}?",
]
TWO_TOOL_TEMPLATES = [
    "{tool} or {tool2} to {use} {data}?",
    "is {tool} better than {tool2} for {data}?",
    "can I use {tool} and {tool2} to {use}?",
]
NO_TOOL_TEMPLATES = [
    "what can I use to {use} {data}?",
    "which AI tool is approved to {use}?",
    "I need something to {use} a {data}",
    "any tool for {data}?",
]
UNKNOWN_TEMPLATES = [
    "can I use {tool} for {use}?",
    "is {tool} ok with {data}?",
    "What about {tool}? I want to {use} the {data}",
]
MENTION_TEMPLATES = [
    "can I paste the {mention} into {tool}?",
    "{tool} to {use} a document with the {mention} in it",
    "what can I use to {use} a {mention}?",
]
NONSENSE_WORDS = ["purple", "monkey", "dishwasher", "banana", "lorem", "ipsum", "the", "of", "is", "why",
    "weather", "lunch", "asdf", "qwerty", "hello", "thanks", "ok", "?", "!!", "blorp"]  # fmt: skip
FILLER_SENTENCES = [
    "I have a deadline on Friday and my manager asked me to hurry.",
    "We tried this last year but the results were mixed.",
    "The team is split on whether this is a good idea, so I am asking first.",
    "Sorry if this was asked before, I could not find it on the intranet.",
]
# (kind, weight): the mix of questions an assistant like this gets, plus the odd stress case.
KINDS = [
    ("ask", 25),
    ("typo", 12),
    ("negated", 10),
    ("two_tools", 10),
    ("no_tool", 15),
    ("unknown", 10),
    ("mention", 5),
    ("long", 5),
    ("nonsense", 8),
    ("signals", 10),  # data and tasks in ordinary words and other languages, read through the catalogs
    ("followup", 5),  # "and <tool>?" after a question, continuing its context
]
# Phrases that only the shipped catalogs know, as people write them, in four languages.
SIGNAL_TEMPLATES = [
    "can I give {tool} my aws access key so it can fix the deploy script?",
    "is it ok to paste the customer names and phone numbers into {tool}?",
    "¿puedo pegar los resultados de laboratorio de un paciente en {tool}?",
    "est-ce que je peux mettre les fiches de paie dans {tool} ?",
    "darf ich die Bewerbungsunterlagen der Kandidaten in {tool} hochladen?",
    "{tool} to rank which applicant we should hire",
    "can {tool} summarise the export for me",
    "hey quick q, can {tool} look at our unreleased quarterly results",
]


def make_name(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    word = "".join(rng.choice(SYLLABLE_START) + rng.choice(SYLLABLE_VOWEL) for _ in range(syllables))
    return (word + rng.choice(SYLLABLE_END)).capitalize()


def build_spec(rng: random.Random, tool_count: int) -> dict:
    """The knowledge base as plain data, ready to dump as YAML and to draw questions from."""
    catalog = load_catalog()
    # Synthetic names must not be read as a real product, an ordinary word or a phrase of the questions.
    taken = {compact(name) for product in catalog.products for name in (product.name, *product.aliases)}
    taken |= {compact(word) for word in catalog.ordinary_words}
    vocabulary = [phrase for _, _, examples in (*DATA_CLASSES, *USE_CASES) for phrase in examples]
    vocabulary += [p for group in MENTION_SETS for p in group] + NONSENSE_WORDS + ALIAS_SUFFIXES
    for text in vocabulary + ASK_TEMPLATES + NEGATED_TEMPLATES + NO_TOOL_TEMPLATES + FILLER_SENTENCES:
        taken |= {compact(word) for word in text.split()}

    data_ids = [cid for cid, _, _ in DATA_CLASSES]
    use_ids = [uid for uid, _, _ in USE_CASES]
    group_ids = list(GROUPS)
    tools: list[dict] = []

    def fresh_name() -> str:
        while True:
            name = make_name(rng)
            if compact(name) not in taken and len(name) >= 4:
                taken.add(compact(name))
                return name

    def aliases_for(base: str, count: int, shared: str | None) -> list[str]:
        aliases = [shared] if shared else []
        for suffix in rng.sample(ALIAS_SUFFIXES, len(ALIAS_SUFFIXES)):
            if len(aliases) >= count:
                break
            alias = f"{base.lower()} {suffix}"
            if compact(alias) not in taken:
                taken.add(compact(alias))
                aliases.append(alias)
        return aliases

    def tool(tid: str, name: str, aliases: list[str], status: str, max_data: str) -> dict:
        entry: dict = {"id": tid, "name": name, "vendor": f"{name.split()[0]} Labs", "aliases": aliases}
        entry.update(status=status, max_data=max_data)
        ceiling = data_ids.index(max_data) if max_data != "none" else -1
        above = data_ids[ceiling + 1 :]
        if status in ("approved", "limited", "pilot") and above and rng.random() < 0.3:
            entry["conditions"] = [
                {"data": cid, "text": f"Only with the {cid} add-on enabled and the history switched off."}
                for cid in rng.sample(above, min(len(above), rng.choice((1, 2))))
            ]
        good_for = rng.sample(use_ids, rng.randint(1, 4))
        entry["good_for"] = good_for
        if rng.random() < 0.25:
            spare = [u for u in use_ids if u not in good_for]
            entry["not_for"] = [
                {"use_case": uid, "reason": f"{name} is not licensed for {uid.replace('-', ' ')}."}
                for uid in rng.sample(spare, rng.choice((1, 2)))
            ]
        if rng.random() < (0.6 if status == "pilot" else 0.15):
            entry["available_to"] = rng.sample(group_ids, rng.choice((1, 1, 2)))
        entry["access"] = f"Request a seat for {name} at it.example.test/ai."
        return entry

    while len(tools) < tool_count:
        base = fresh_name()
        slug = base.lower()
        if tool_count - len(tools) >= 2 and rng.random() < 0.3:
            # Two editions behind one alias, like ChatGPT Enterprise and a personal ChatGPT account.
            label, edition, suffix = rng.choice(EDITIONS)
            company = tool(
                f"{slug}-{suffix}",
                f"{base} {label}",
                aliases_for(base, rng.randint(2, 4), slug),
                rng.choice(("approved", "approved", "limited")),
                rng.choice(("internal", "partner", "confidential", "personal", "restricted")),
            )
            company["edition"] = edition
            personal = tool(
                f"{slug}-personal",
                f"{base} (personal account)",
                [slug, f"my {slug}", f"personal {slug}"][: rng.randint(2, 3)],
                "not_approved",
                rng.choice(("none", "public")),
            )
            personal["edition"] = "an account you signed up for yourself"
            personal["alternatives"] = [company["id"]]
            tools += [company, personal]
            continue
        status = rng.choices(
            ["approved", "limited", "pilot", "under_review", "not_approved"], [30, 20, 15, 15, 10]
        )[0]
        max_data = {
            "approved": ("internal", "partner", "confidential", "personal", "restricted"),
            "limited": ("public", "internal", "confidential"),
            "pilot": ("internal", "confidential"),
            "under_review": ("public", "internal"),
            "not_approved": ("none", "public"),
        }[status]
        aliases = aliases_for(base, rng.randint(2, 4) - 1, None)
        tools.append(tool(slug, base, [slug, *aliases], status, rng.choice(max_data)))

    approved = [t["id"] for t in tools if t["status"] == "approved"]
    for entry in tools:
        refused = entry["status"] in ("under_review", "not_approved")
        if refused and "alternatives" not in entry and rng.random() < 0.5:
            entry["alternatives"] = rng.sample(approved, min(len(approved), rng.choice((1, 2))))

    rules = []
    high = [
        t["id"] for t in tools if t["status"] == "approved" and t["max_data"] in ("personal", "restricted")
    ]
    for index in range(50):
        kind = ("mentions", "data", "use_case", "data_use", "tools")[index % 5]
        rule: dict = {"id": f"rule-{index:02d}-{kind.replace('_', '-')}"}
        if kind == "mentions":
            rule["effect"] = "forbid" if index % 3 else "require"
            rule["mentions"] = MENTION_SETS[(index // 5) % len(MENTION_SETS)]
        elif kind == "data":
            rule["effect"] = rng.choice(("forbid", "forbid", "require"))
            rule["data"] = rng.sample(data_ids[2:], rng.choice((1, 2)))
            if rule["effect"] == "forbid":
                rule["except_tools"] = rng.sample(high, min(len(high), rng.randint(2, 6)))
        elif kind == "use_case":
            rule["effect"] = rng.choice(("forbid", "require", "require"))
            rule["use_cases"] = rng.sample(use_ids, rng.choice((1, 2)))
        elif kind == "data_use":
            rule["effect"] = "forbid"
            rule["data"] = [rng.choice(data_ids[1:])]
            rule["use_cases"] = rng.sample(use_ids, rng.choice((1, 2)))
            rule["except_tools"] = rng.sample(approved, min(len(approved), rng.randint(1, 4)))
        else:
            rule["effect"] = rng.choice(("forbid", "require"))
            rule["tools"] = rng.sample([t["id"] for t in tools], min(len(tools), rng.randint(2, 5)))
            if rng.random() < 0.5:
                rule["data"] = [rng.choice(data_ids)]
        rule["text"] = f"Synthetic {rule['effect']} rule number {index} about {kind.replace('_', ' ')}."
        rules.append(rule)

    return {
        "policy": {
            "organization": "Synthetic Benchmark Corp",
            "version": "bench-1",
            "contact": "#ask-it-ai",
            "unknown_tools": {"max_data": "public", "guidance": "Use it only with public information."},
        },
        "groups": GROUPS,
        "data_classes": [{"id": cid, "name": name, "examples": ex} for cid, name, ex in DATA_CLASSES],
        "use_cases": [{"id": uid, "name": name, "examples": ex} for uid, name, ex in USE_CASES],
        "tools": tools,
        "rules": rules,
    }


def write_spec(spec: dict, directory: Path) -> int:
    """Split the knowledge base over several files the way an IT team would; returns the file count."""
    files = {
        "policy.yaml": {"policy": spec["policy"], "groups": spec["groups"]},
        "data.yaml": {"data_classes": spec["data_classes"], "use_cases": spec["use_cases"]},
        "rules.yaml": {"rules": spec["rules"]},
    }
    tools = spec["tools"]
    size = math.ceil(len(tools) / TOOL_FILES)
    for part in range(TOOL_FILES):
        files[f"tools-{part + 1}.yaml"] = {"tools": tools[part * size : (part + 1) * size]}
    for name, content in files.items():
        text = yaml.safe_dump(
            content, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
        )
        (directory / name).write_text(text, encoding="utf-8")
    return len(files)


def typo(rng: random.Random, alias: str) -> str:
    """One edit in the longest word, never the first letter: what the index promises to forgive."""
    words = alias.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    at = rng.randrange(1, len(word) - 1)
    operation = rng.choice(("swap", "delete", "replace", "insert"))
    if operation == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif operation == "delete":
        word = word[:at] + word[at + 1 :]
    elif operation == "replace":
        word = word[:at] + rng.choice("aeiouklmnrst") + word[at + 1 :]
    else:
        word = word[:at] + rng.choice("aeiouklmnrst") + word[at:]
    words[index] = word
    return " ".join(words)


def make_questions(rng: random.Random, spec: dict, count: int) -> list[tuple[str, str]]:
    tools = spec["tools"]
    data = [phrase for _, _, examples in DATA_CLASSES for phrase in examples]
    uses = [phrase for _, _, examples in USE_CASES for phrase in examples]
    catalog = [name for p in load_catalog().products for name in (p.name, *p.aliases)]
    mentions = [phrase for group in MENTION_SETS for phrase in group]
    kinds, weights = zip(*KINDS, strict=True)

    def alias() -> str:
        return rng.choice(rng.choice(tools)["aliases"])

    def fill(template: str, tool: str | None = None) -> str:
        return template.format(
            tool=tool or alias(),
            tool2=alias(),
            data=rng.choice(data),
            use=rng.choice(uses),
            mention=rng.choice(mentions),
        )

    questions = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        if kind == "ask":
            text = fill(rng.choice(ASK_TEMPLATES))
        elif kind == "typo":
            long_aliases = [a for a in rng.choice(tools)["aliases"] if len(a.replace(" ", "")) >= 7]
            name = typo(rng, rng.choice(long_aliases)) if long_aliases else alias()
            text = fill(rng.choice(ASK_TEMPLATES), name)
        elif kind == "negated":
            text = fill(rng.choice(NEGATED_TEMPLATES))
        elif kind == "two_tools":
            text = fill(rng.choice(TWO_TOOL_TEMPLATES))
        elif kind == "no_tool":
            text = fill(rng.choice(NO_TOOL_TEMPLATES))
        elif kind == "unknown":
            text = fill(rng.choice(UNKNOWN_TEMPLATES), rng.choice(catalog))
        elif kind == "mention":
            text = fill(rng.choice(MENTION_TEMPLATES))
        elif kind == "signals":
            text = fill(rng.choice(SIGNAL_TEMPLATES))
        elif kind == "followup":
            text = "and " + alias() + "?"
        elif kind == "long":
            # A pasted paragraph: many tokens, several tools and data phrases, the worst realistic case.
            parts = [fill(rng.choice(ASK_TEMPLATES + NEGATED_TEMPLATES)) for _ in range(rng.randint(2, 4))]
            parts += rng.sample(FILLER_SENTENCES, rng.randint(2, 4))
            rng.shuffle(parts)
            text = " ".join(parts)
        else:
            text = " ".join(rng.choice(NONSENSE_WORDS) for _ in range(rng.randint(0, 12)))
        questions.append((kind, text))
    return questions


def make_askers(rng: random.Random, count: int) -> list[Asker]:
    """Mostly unknown askers (the common case on a new install), some with groups, some by id."""
    members = [m for group in GROUPS.values() for m in group]
    choices = [Asker(), Asker(groups=frozenset()), Asker(ids=frozenset({rng.choice(members)}))]
    choices += [Asker(groups=frozenset(rng.sample(list(GROUPS), rng.randint(1, 3)))) for _ in range(6)]
    return [rng.choices(choices, [40, 10, 10, 7, 7, 7, 7, 6, 6])[0] for _ in range(count)]


def percentile(ordered: list[int], share: float) -> float:
    """Nearest-rank percentile of nanosecond timings, in milliseconds."""
    index = max(0, math.ceil(share * len(ordered)) - 1)
    return ordered[index] / 1e6


def forget_catalogs() -> None:
    """Empty every cache the catalogs fill, so a load is timed as a fresh process pays it."""
    load_catalog.cache_clear()
    load_signals.cache_clear()
    forget_layers()
    compact.cache_clear()
    tokens_cache_clear()


def peak_rss_mib() -> float:
    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def show(label: str, text: str) -> None:
    print(f"{label:<18}{text}")


def judge(met: bool) -> str:
    return "PASS" if met else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools", type=int, default=1000, help="tools in the synthetic knowledge base")
    parser.add_argument("--questions", type=int, default=10_000, help="questions to answer")
    parser.add_argument("--seed", type=int, default=20261, help="random seed for the base and questions")
    parser.add_argument("--cli-runs", type=int, default=5, help="`aiguide ask` processes to time (0: none)")
    parser.add_argument(
        "--llm", metavar="URL", help="also time the language model's reading at this OpenAI-compatible "
        "endpoint (`stand-in`: a local stand-in answering at once, which shows aiguide's own overhead)",
    )  # fmt: skip
    parser.add_argument("--llm-model", default="local", help="the model's name at --llm")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="aiguide-bench-") as tmp:
        directory = Path(tmp)
        spec = build_spec(rng, args.tools)
        file_count = write_spec(spec, directory)
        # The catalogs are read on the first index build in production; do not let the generator warm them.
        # A first start builds the catalogs' index and writes the cache file; later starts read it.
        cache = Path(tmp) / "cache"
        layer_cache.configure(cache)
        timed = {}
        for start in ("first", "later"):
            forget_catalogs()
            started = time.perf_counter()
            kb = load_knowledge(directory)
            parsed = time.perf_counter()
            _ = kb.indexes
            timed[start] = (parsed - started, time.perf_counter() - parsed)
        parse_s, index_s = timed["later"]

        # tracemalloc slows allocation several times over, so memory is measured on a second load.
        forget_catalogs()
        tracemalloc.start()
        _ = load_knowledge(directory).indexes
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    questions = make_questions(rng, spec, args.questions)
    askers = make_askers(rng, len(questions))
    timings: list[int] = []
    by_kind: dict[str, list[int]] = defaultdict(list)
    verdicts: Counter[str] = Counter()
    clock = time.perf_counter_ns
    cpu_started = time.process_time()
    run_started = clock()
    previous = assess(kb, "can I use it for a client contract?").context
    for (kind, question), asker in zip(questions, askers, strict=True):
        context = previous if kind == "followup" else None
        before = clock()
        assessment = assess(kb, question, asker, context=context)
        elapsed = clock() - before
        timings.append(elapsed)
        by_kind[kind].append(elapsed)
        verdicts[assessment.verdict.value] += 1
    run_s = (clock() - run_started) / 1e9
    cpu_s = time.process_time() - cpu_started

    timings.sort()
    load_s = parse_s + index_s
    p99 = percentile(timings, 0.99)
    statuses = Counter(t.status for t in kb.tools).most_common()
    show("knowledge base", f"{len(kb.tools)} tools in {file_count} files (seed {args.seed})")
    show("", ", ".join(f"{status} {n}" for status, n in statuses))
    show("", f"{len(kb.data_classes)} data classes, {len(kb.use_cases)} use cases, {len(kb.rules)} rules")
    first_s = sum(timed["first"])
    show("parse + validate", f"{parse_s * 1000:8.1f} ms")
    show("indexes", f"{index_s * 1000:8.1f} ms")
    show("load", f"{load_s * 1000:8.1f} ms   {judge(load_s < LOAD_TARGET_S)} (target < {LOAD_TARGET_S:g} s)")
    show("", f"{first_s * 1000:8.1f} ms   on the first start, which builds the catalogs' cache file")
    show("questions", f"{len(timings)} answered in {run_s:.2f} s, {len(timings) / run_s:,.0f} per second")
    # On a shared machine wall time includes waiting for a CPU: say so rather than blame the code.
    busy = "  (machine busy: timings include waiting for a CPU)" if cpu_s < 0.9 * run_s else ""
    show("", f"{cpu_s:.2f} s of CPU time, {cpu_s / run_s:.0%} of wall time{busy}")
    show(
        "per question",
        f"p50 {percentile(timings, 0.5):.3f} ms   p90 {percentile(timings, 0.9):.3f} ms   "
        f"p99 {p99:.3f} ms   max {timings[-1] / 1e6:.3f} ms",
    )
    show("p99", f"{judge(p99 < P99_TARGET_MS)} (target < {P99_TARGET_MS:g} ms)")
    show("by kind", f"{'kind':<12} {'count':>7} {'p50 ms':>9} {'p99 ms':>9}")
    for kind, _ in KINDS:
        values = sorted(by_kind[kind])
        if values:
            p50_kind, p99_kind = percentile(values, 0.5), percentile(values, 0.99)
            show("", f"{kind:<12} {len(values):7d} {p50_kind:9.3f} {p99_kind:9.3f}")
    show("verdicts", ", ".join(f"{verdict} {n}" for verdict, n in verdicts.most_common()))
    show("memory", f"load peak {traced_peak / 2**20:.1f} MiB (tracemalloc, a later start)")
    show("", f"process peak RSS {peak_rss_mib():.1f} MiB")
    if args.cli_runs:
        cli_wall(args.cli_runs)
    if args.llm:
        import asyncio

        asyncio.run(llm_latency(args.llm, args.llm_model))
    return 0


async def llm_latency(url: str, model: str, questions: int = 60) -> None:
    """What the model adds to the time to an answer: the same questions answered through the path every
    surface uses, on the example knowledge base, without and with the reader (its timeout at 8 s)."""
    from dataclasses import replace

    from bot.llm.client import OpenAIChat
    from bot.llm.reader import ModelReader
    from handlers import ask
    from handlers.model import Actor, Address, Platform, Request
    from handlers.services import Services

    stand_in = None
    if url == "stand-in":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from fakes.openai_api import FakeOpenAI, reading

        stand_in = await FakeOpenAI(replies=[reading(data_class="confidential")] * (questions + 5)).start()
        url = stand_in.base_url
    services = Services(knowledge=load_knowledge())
    reader = ModelReader(OpenAIChat(url, model, os.environ.get("AIGUIDE_LLM_API_KEY"), 8.0), timeout=8.0)
    asked = [q for q in EXAMPLE_QUESTIONS for _ in range(questions // len(EXAMPLE_QUESTIONS) + 1)][:questions]
    timed: dict[str, list[float]] = {"without": [], "with": []}
    for label, where in (("without", services), ("with", replace(services, reader=reader))):
        for number, text in enumerate(asked):
            request = Request(platform=Platform.SLACK, actor=Actor(user_id="bench"), text=text, command="ask",
                              address=Address(platform=Platform.SLACK, channel="D1"), request_id=f"b{number}")  # fmt: skip
            started = time.perf_counter()
            await ask.answer(request, where)
            timed[label].append((time.perf_counter() - started) * 1000)
    without, with_model = sorted(timed["without"]), sorted(timed["with"])
    added = [b - a for a, b in zip(timed["without"], timed["with"], strict=True)]
    added.sort()
    show("language model", f"{url} ({model}), {questions} questions")
    show(
        "",
        f"answer without: p50 {without[len(without) // 2]:.1f} ms, p99 {without[int(len(without) * 0.99)]:.1f} ms",
    )
    show("", f"answer with:    p50 {with_model[len(with_model) // 2]:.1f} ms, "
         f"p99 {with_model[int(len(with_model) * 0.99)]:.1f} ms")  # fmt: skip
    show(
        "",
        f"added by the model: p50 {added[len(added) // 2]:.1f} ms, p99 {added[int(len(added) * 0.99)]:.1f} ms",
    )
    if stand_in is not None:
        await stand_in.close()


EXAMPLE_QUESTIONS = (
    "can I paste a client contract into ChatGPT?",
    "is Otter ok for meeting notes?",
    "can i use the new assistant for the board deck",
    "can I use Grammarly to tidy up my writeup of the offsite?",
    "what can I use to summarise a supplier call?",
)


def cli_wall(runs: int) -> None:
    """`aiguide ask` as a person runs it: a new process on the example knowledge base, the answer logged
    in a SQLite file (the first run creates and migrates it, and is not counted). What the person waits
    for is the answer on the screen (its box's last line); the process then logs the question and ends.
    `--json` prints one document at the end, so there the two are the same."""
    question = "can I paste a client contract into ChatGPT?"
    with tempfile.TemporaryDirectory(prefix="aiguide-cli-") as tmp:
        env = {**os.environ, "AIGUIDE_DATA_DIR": tmp, "AIGUIDE_CACHE_DIR": str(Path(tmp) / "cache")}
        env.pop("AIGUIDE_DATABASE_URL", None)
        # An installed aiguide has its bytecode compiled (pip does it; a source checkout writes it on the
        # first run, which is not counted): a machine-wide PYTHONDONTWRITEBYTECODE would time the compiler.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("AIGUIDE_KNOWLEDGE_DIR", None)
        for label, extra in (("aiguide ask", []), ("ask --json", ["--json"])):
            shown, ended = [], []
            for _ in range(runs + 1):
                started = time.perf_counter()
                process = subprocess.Popen(
                    [sys.executable, "-m", "bot", "ask", *extra, question],
                    env=env, cwd=tmp, stdout=subprocess.PIPE,
                )  # fmt: skip
                seen = None
                assert process.stdout is not None
                for line in process.stdout:
                    if seen is None and line.lstrip().startswith("╰".encode()):
                        seen = time.perf_counter() - started
                if process.wait() != 0:
                    raise SystemExit(f"{label} failed with exit code {process.returncode}")
                ended.append(time.perf_counter() - started)
                shown.append(seen if seen is not None else ended[-1])
            shown, ended = sorted(shown[1:]), sorted(ended[1:])
            median = shown[len(shown) // 2]
            show(label, f"answer shown: median {median:.2f} s, max {shown[-1]:.2f} s over {runs} runs   "
                 f"{judge(median < LOAD_TARGET_S)} (target < 1 s)")  # fmt: skip
            if not extra:
                show(
                    "",
                    f"process done (question logged): median {ended[len(ended) // 2]:.2f} s, max {ended[-1]:.2f} s",
                )


if __name__ == "__main__":
    sys.exit(main())
