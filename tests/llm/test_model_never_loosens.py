"""Property: whatever a language model answers, the verdict with it is never more permissive than
without it. Natural questions from the knowledge bases' tables meet adversarial readings (any tools, the
least sensitive class, unrelated use cases, invented names), through the same path every surface uses."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from handlers import ask
from handlers.model import Actor, Address, Platform, Request
from handlers.services import Services
from knowledge import Verdict, load_knowledge
from knowledge.model_reading import ModelReading

KBS = Path(__file__).resolve().parents[1] / "knowledge" / "kbs"
NAMES = ("lawfirm", "hospital", "telecom", "university", "bank")
PERMITTED = {"allowed", "conditional"}
RANK = {Verdict.NOT_ALLOWED: 0, Verdict.UNKNOWN_TOOL: 1, Verdict.CONDITIONAL: 2, Verdict.ALLOWED: 3}


@cache
def _setup(name: str):
    kb = load_knowledge(KBS / name / "kb")
    table = next(p for p in (KBS / name / t for t in ("blind.yaml", "questions.yaml")) if p.exists())
    questions = [q["q"] for q in yaml.safe_load(table.read_text(encoding="utf-8"))["questions"]]
    return kb, questions


class Says:
    """A model that answers what the test says, whatever the question."""

    def __init__(self, reading: ModelReading):
        self.reading = reading

    async def read(self, question, kb, use=None):
        return self.reading

    def fell_back(self, reason, use=None):
        pass


@st.composite
def cases(draw):
    name = draw(st.sampled_from(NAMES))
    kb, questions = _setup(name)
    question = draw(st.sampled_from(questions))
    tools = draw(st.lists(st.sampled_from([t.id for t in kb.tools]), max_size=3, unique=True))
    reading = ModelReading(
        tool_ids=tuple(tools),
        unknown_tools=tuple(draw(st.lists(st.sampled_from(["Claude", "Jasper", "NotebookLM"]), max_size=1))),
        data_class=draw(st.one_of(st.none(), st.sampled_from([c.id for c in kb.data_classes]))),
        use_case=draw(st.one_of(st.none(), st.sampled_from([u.id for u in kb.use_cases]))),
    )
    return kb, question, reading


def _request(text: str) -> Request:
    return Request(platform=Platform.SLACK, actor=Actor(user_id="U1"), text=text, command="ask",
                   address=Address(platform=Platform.SLACK, channel="D1"), request_id="p")  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
async def test_a_model_never_makes_a_verdict_more_permissive(case):
    kb, question, reading = case
    services = Services(knowledge=kb)
    plain = ask.assess_request(_request(question), services)
    final = await ask.read_request(_request(question), replace(services, reader=Says(reading)))
    note(f"{question!r} with {reading}: {plain.verdict} -> {final.verdict}")
    after = {v.tool_id or v.name: v.verdict for v in final.tools}
    for before in plain.tools:
        key = before.tool_id or before.name
        assert key in after and RANK[after[key]] <= RANK[before.verdict]
    # Whatever was not a yes (a no, a question back, "which tool?", a list of what may be used) stays so:
    # a tool only the model read is a guess.
    if str(plain.verdict) not in PERMITTED:
        assert str(final.verdict) not in PERMITTED
    offered = {v.tool_id: RANK[v.verdict] for v in (*plain.recommended, *plain.alternatives)}
    for v in (*final.recommended, *final.alternatives):
        assert v.tool_id in offered and RANK[v.verdict] <= offered[v.tool_id]
    assert (
        final.understanding.data_classes[: len(plain.understanding.data_classes)]
        == plain.understanding.data_classes
    )


@st.composite
def conversations(draw):
    kb, first, reading = draw(cases())
    follow = draw(st.sampled_from(FOLLOW_UPS))
    second = ModelReading(
        tool_ids=tuple(draw(st.lists(st.sampled_from([t.id for t in kb.tools]), max_size=2, unique=True))),
        data_class=draw(st.one_of(st.none(), st.sampled_from([c.id for c in kb.data_classes]))),
    )
    return kb, first, reading, follow, second


FOLLOW_UPS = (
    "what about ChatGPT?",
    "and with public data?",
    "and copilot?",
    "what if I remove the names?",
    "y con Copilot?",
    "und mit DeepL?",
    "et avec des données internes ?",
    "ok and for a summary?",
)


class Turns:
    def __init__(self, *readings):
        self.readings = list(readings)

    async def read(self, question, kb, use=None):
        return self.readings.pop(0)

    def fell_back(self, reason, use=None):
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
async def test_a_model_never_loosens_a_follow_up(case):
    """Two turns of one conversation: the model's first reading cannot make the follow-up looser."""
    kb, first, reading, follow, second = case
    plain_services = Services(knowledge=kb)
    model_services = replace(Services(knowledge=kb), reader=Turns(reading, second))
    results = []
    for services in (plain_services, model_services):
        request = replace(_request(first), conversation="c")
        ask.remember(request, services, await ask.read_request(request, services))
        results.append(await ask.read_request(replace(_request(follow), conversation="c"), services))
    plain, final = results
    note(f"{first!r} / {follow!r}: {plain.verdict} -> {final.verdict}")
    if str(plain.verdict) not in PERMITTED:
        assert str(final.verdict) not in PERMITTED
    after = {v.tool_id or v.name: v.verdict for v in final.tools}
    for before in plain.tools:
        assert RANK[after.get(before.tool_id or before.name, Verdict.NOT_ALLOWED)] <= RANK[before.verdict]
