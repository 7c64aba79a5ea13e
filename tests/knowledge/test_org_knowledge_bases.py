"""Natural questions (ordinary words, nicknames, Spanish, French, German, follow-ups) over knowledge
bases modelled on real organisations' AI policies: never a yes where the policy says no, and at
least 90% of the verdicts right."""

from __future__ import annotations

import pytest

from tests.knowledge.org_tables import (
    conversations,
    org_kb,
    org_names,
    questions,
    run_conversation,
    run_single,
    unsafe,
)

ORGS = org_names()
TARGET = 0.9


@pytest.mark.parametrize("name", ORGS)
def test_the_knowledge_base_is_valid_and_varied(name):
    kb = org_kb(name)
    assert len(kb.tools) >= 5 and len(kb.rules) >= 3
    assert len(questions(name)) >= 50 and len(conversations(name)) >= 5


def test_the_knowledge_bases_differ_from_each_other_and_from_the_example():
    class_names = {name: tuple(c.name for c in org_kb(name).data_classes) for name in ORGS}
    assert len(set(class_names.values())) == len(ORGS) >= 3
    assert len({len(names) for names in class_names.values()}) >= 2


@pytest.mark.parametrize("name", ORGS)
def test_never_a_yes_where_the_policy_says_no(name):
    wrong = []
    for case in questions(name):
        verdict, _ = run_single(case)
        if unsafe(case, verdict):
            wrong.append(f"{case.question!r}: {verdict}, policy: {case.expect} ({case.why})")
    for turns in conversations(name):
        for case, verdict in run_conversation(turns):
            if unsafe(case, verdict):
                wrong.append(
                    f"turn {case.turn} {case.question!r}: {verdict}, policy: {case.expect} ({case.why})"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ORGS)
def test_at_least_nine_in_ten_verdicts_are_right(name):
    cases = [(c, run_single(c)[0]) for c in questions(name)]
    for turns in conversations(name):
        cases += run_conversation(turns)
    misses = [f"{c.question!r}: got {v}, policy: {c.expect} ({c.why})" for c, v in cases if v != c.expect]
    right = 1 - len(misses) / len(cases)
    assert right >= TARGET, f"{right:.0%} right on {len(cases)} questions; misses:\n" + "\n".join(misses)
