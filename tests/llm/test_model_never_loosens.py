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
REFUSING = {"not_allowed", "clarify", "unknown_tool"}
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

    async def read(self, question, kb):
        return self.reading


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
    # A "no", a question back or an unknown tool never becomes a yes; a recommendation or a "which
    # tool?" may become the engine's verdict on a tool the model named, on data at least as sensitive.
    if str(plain.verdict) in REFUSING:
        assert str(final.verdict) not in PERMITTED
    assert (
        final.understanding.data_classes[: len(plain.understanding.data_classes)]
        == plain.understanding.data_classes
    )
