"""The decision table over the bundled example knowledge base, one row per situation."""

from __future__ import annotations

import pytest

from knowledge import Asker, KnowledgeBase, assess

UNKNOWN = Asker()
ENGINEER = Asker(ids=frozenset({"dev@brightline.example"}), groups=frozenset({"engineering"}))
MARKETER = Asker(ids=frozenset({"mia@brightline.example"}), groups=frozenset({"marketing"}))
ANA = Asker(ids=frozenset({"Ana.Lima@brightline.example"}))  # listed in strategy-pilot (case differs)
OUTSIDER = Asker(ids=frozenset({"sam@brightline.example"}))  # has an identity, listed in no group

# (question, asker, overall verdict, {tool id: verdict}, data class, use case)
ROWS = [
    # status approved, data at and below max_data
    ("Can I use ChatGPT Enterprise for client financials?", UNKNOWN, "allowed",
     {"chatgpt-enterprise": "allowed"}, "confidential", None),
    ("Grammarly for an internal memo?", UNKNOWN, "allowed", {"grammarly": "allowed"}, "internal", None),
    ("Can I use Brightline Assistant with payroll data?", UNKNOWN, "allowed",
     {"brightline-assistant": "allowed"}, "restricted", None),
    # one class above max_data: with a condition, and without one
    ("Can I use Grammarly on our pricing sheet?", UNKNOWN, "conditional",
     {"grammarly": "conditional"}, "confidential", None),
    ("Can I put salary figures into ChatGPT Enterprise?", UNKNOWN, "conditional",
     {"chatgpt-enterprise": "conditional"}, "restricted", None),
    ("Can I summarize a client report with Perplexity?", UNKNOWN, "not_allowed",
     {"perplexity": "not_allowed"}, "confidential", "summarizing"),
    # shared alias: two editions, different verdicts
    ("can I paste a client contract into ChatGPT?", UNKNOWN, "conditional",
     {"chatgpt-enterprise": "allowed", "chatgpt-personal": "not_allowed"}, "confidential", None),
    ("Can I use Copilot for meeting notes?", UNKNOWN, "conditional",
     {"m365-copilot": "allowed", "copilot-consumer": "not_allowed"}, "internal", "meeting-notes"),
    # not_approved with a public ceiling: fine for public data, conditional when nothing is said
    ("Can I use my personal ChatGPT for a public press release?", UNKNOWN, "allowed",
     {"chatgpt-personal": "allowed"}, "public", None),
    ("Can I use chat gpt without any client data?", UNKNOWN, "conditional",
     {"chatgpt-enterprise": "allowed", "chatgpt-personal": "conditional"}, None, None),
    # prohibited (max_data none), under review, not_for
    ("Can I use Otter for meeting notes?", UNKNOWN, "not_allowed", {"otter": "not_allowed"}, "internal",
     "meeting-notes"),
    ("Is Gemini ok for brainstorming?", UNKNOWN, "not_allowed", {"gemini": "not_allowed"}, None, "brainstorming"),
    ("Can I use Perplexity to reply to the client?", UNKNOWN, "not_allowed", {"perplexity": "not_allowed"},
     None, "client-communication"),
    ("Can I use Midjourney for images in a client deliverable?", MARKETER, "not_allowed",
     {"midjourney": "not_allowed"}, None, "client-communication"),
    # least-sensitive ceiling and nothing said about data: only with public information
    ("Can I use Perplexity for market research?", UNKNOWN, "conditional", {"perplexity": "conditional"},
     None, "research"),
    # groups: member, known non-member, unknown asker
    ("Can I use GitHub Copilot to write code?", ENGINEER, "allowed", {"github-copilot": "allowed"}, None,
     "coding"),
    ("Can I use GitHub Copilot to write code?", MARKETER, "not_allowed", {"github-copilot": "not_allowed"},
     None, "coding"),
    ("Can I use GitHub Copilot to write code?", UNKNOWN, "conditional", {"github-copilot": "conditional"},
     None, "coding"),
    ("Can I use Claude to summarize a project plan?", ANA, "allowed", {"claude-team": "allowed"}, "internal",
     "summarizing"),
    # Listed nowhere, but nobody said which groups: the member list may be incomplete, so "only if".
    ("Can I use Claude to summarize a project plan?", OUTSIDER, "conditional", {"claude-team": "conditional"},
     "internal", "summarizing"),
    ("Can I use Claude to summarize a project plan?", UNKNOWN, "conditional", {"claude-team": "conditional"},
     "internal", "summarizing"),
    # forbid rules: by mention, by data with except_tools, by use case, by data and use case together
    ("Can I paste our API key into Brightline Assistant to debug it?", UNKNOWN, "not_allowed",
     {"brightline-assistant": "not_allowed"}, "restricted", "coding"),
    ("Can I paste employee data into Grammarly?", UNKNOWN, "not_allowed", {"grammarly": "not_allowed"},
     "restricted", None),
    ("Can ChatGPT Enterprise screen candidates for us?", UNKNOWN, "not_allowed",
     {"chatgpt-enterprise": "not_allowed"}, None, "hiring"),
    ("Can DeepL help me write code from our source code?", UNKNOWN, "not_allowed", {"deepl": "not_allowed"},
     "confidential", "coding"),
    ("Can GitHub Copilot refactor our source code?", ENGINEER, "allowed", {"github-copilot": "allowed"},
     "confidential", "coding"),
    # require rules add a condition
    ("Can I draft a client email with Microsoft 365 Copilot?", UNKNOWN, "conditional",
     {"m365-copilot": "conditional"}, "confidential", "client-communication"),
    # unknown tools
    ("Can I use DeepSeek?", UNKNOWN, "unknown_tool", {None: "unknown_tool"}, None, None),
    ("Can I paste a contract into DeepSeek or Otter?", UNKNOWN, "not_allowed",
     {None: "unknown_tool", "otter": "not_allowed"}, "confidential", None),
]  # fmt: skip


@pytest.mark.parametrize(("question", "asker", "overall", "tools", "data", "use"), ROWS)
def test_decision_table(kb: KnowledgeBase, question, asker, overall, tools, data, use):
    result = assess(kb, question, asker)
    assert {v.tool_id: str(v.verdict) for v in result.tools} == tools
    assert result.verdict == overall
    assert result.understanding.data_class == data
    assert result.understanding.use_case == use


def test_condition_text_comes_from_the_knowledge_base(kb):
    result = assess(kb, "Can I use Grammarly on our pricing sheet?")
    (verdict,) = result.tools
    assert [c.text for c in verdict.conditions] == [kb.tool["grammarly"].conditions[0].text]
    assert "tool:grammarly" in verdict.sources and "data:confidential" in verdict.sources


def test_require_rule_is_listed_as_condition_and_rule(kb):
    result = assess(kb, "Can I draft a client email with Microsoft 365 Copilot?")
    (verdict,) = result.tools
    assert "client-text-review" in result.rules
    assert any("A person must read" in c.text for c in verdict.conditions)


def test_forbid_rules_all_reported(kb):
    result = assess(kb, "Can I paste the payroll password into Grammarly?")
    (verdict,) = result.tools
    assert verdict.verdict == "not_allowed"
    assert set(verdict.rules) == {"no-credentials", "personal-data-dpa"}


def test_unknown_asker_group_condition_names_the_group(kb):
    (verdict,) = assess(kb, "Can I use GitHub Copilot to write code?").tools
    assert any("engineering" in c.text for c in verdict.conditions)


def test_unknown_tool_carries_guidance_and_general_red_lines(kb):
    result = assess(kb, "can I paste my password into DeepSeek")
    (verdict,) = result.tools
    assert verdict.name == "DeepSeek"
    assert kb.policy.unknown_tools.guidance in verdict.reasons[0].text
    assert "no-credentials" in verdict.rules


def test_refused_tool_offers_the_suggested_alternative_first(kb):
    result = assess(kb, "Can I use Otter for meeting notes?")
    assert result.alternatives[0].tool_id == "m365-copilot"
    assert all(v.verdict in ("allowed", "conditional") for v in result.alternatives)


def test_recommendations_fit_data_and_use_case_best_first(kb):
    result = assess(kb, "What can I use to summarize client meeting notes?")
    ids = [v.tool_id for v in result.recommended]
    assert result.verdict == "recommendation"
    # Tools good for the main use case (meeting notes) first, then those good for another one asked.
    assert ids[:3] == ["m365-copilot", "brightline-assistant", "chatgpt-enterprise"]
    assert "perplexity" not in ids  # public-only ceiling
    assert "otter" not in ids and "chatgpt-personal" not in ids  # not usable statuses
    verdicts = [str(v.verdict) for v in result.recommended]
    assert verdicts == sorted(verdicts, key=lambda v: v != "allowed")  # allowed before conditional


def test_a_forbidden_task_without_a_tool_is_a_no_with_nothing_recommended(kb):
    result = assess(kb, "Can AI help me screen CVs?")
    assert result.verdict == "not_allowed"
    assert result.recommended == ()
    assert [r.id for r in result.red_lines] == ["personal-data-dpa", "no-hiring-decisions"]


def test_nothing_understood_is_no_match(kb):
    result = assess(kb, "what's for lunch today?")
    assert result.verdict == "no_match"
    assert result.tools == () and result.recommended == ()


def test_every_answer_is_stamped_with_the_policy_version(kb):
    assert assess(kb, "Can I use DeepSeek?").policy_version == "2026.11"


def test_the_recommendation_prefilter_never_drops_a_permitted_tool(kb):
    """`could_permit` only saves time: whenever `decide` permits a tool, the pre-filter lets it through."""
    from itertools import product

    from knowledge.policy import Situation, could_permit, decide, situation_rules

    datas = [(), *((c.id,) for c in kb.data_classes)]
    uses = [(), *((u.id,) for u in kb.use_cases)]
    mentions = [frozenset(), frozenset({"no-credentials"})]
    askers = [UNKNOWN, ENGINEER, MARKETER, ANA, OUTSIDER]
    for data, use, mention, asker in product(datas, uses, mentions, askers):
        situation = Situation(data_classes=data, use_cases=use, mentions=mention, asker=asker)
        rules = situation_rules(kb, situation)
        for tool in kb.tools:
            if decide(kb, tool, situation).verdict in ("allowed", "conditional"):
                assert could_permit(kb, tool, situation, rules), (tool.id, situation)


def test_the_ranking_shortcut_agrees_with_decide(kb):
    """`plainly_allowed` orders recommendations; it must say allowed exactly when `decide` does."""
    from itertools import product

    from knowledge.policy import Situation, could_permit, decide, plainly_allowed, situation_rules

    datas = [(), *((c.id,) for c in kb.data_classes)]
    uses = [(), *((u.id,) for u in kb.use_cases)]
    for data, use, asker in product(datas, uses, [UNKNOWN, ENGINEER, MARKETER, ANA, OUTSIDER]):
        situation = Situation(data_classes=data, use_cases=use, asker=asker)
        rules = situation_rules(kb, situation)
        for tool in kb.tools:
            if could_permit(kb, tool, situation, rules):
                expected = decide(kb, tool, situation).verdict == "allowed"
                assert plainly_allowed(kb, tool, situation, rules) == expected, (tool.id, situation)
