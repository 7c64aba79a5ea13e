"""Conversations at the handler level: what a person asks and what they are told."""

from __future__ import annotations

import pytest

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status

SOMEONE = Actor(user_id="U123", display_name="Sam", email="sam@brightline.example")
ENGINEER = Actor(user_id="U200", display_name="Dev", groups=frozenset({"engineering"}))


async def say(services, text: str, actor: Actor = SOMEONE):
    request = Request(
        platform=Platform.CONSOLE,
        actor=actor,
        address=Address(platform=Platform.CONSOLE, channel="test"),
        text=text,
        request_id="req-1",
    )
    return await build_router().dispatch(request, services)


def all_text(reply) -> str:
    parts = [reply.headline, reply.footer]
    for section in reply.sections:
        parts += [section.title, section.text, *section.bullets]
        parts += [f"{f.label}: {f.value}" for f in section.facts]
    return "\n".join(parts)


async def test_contract_into_chatgpt_names_the_edition_that_is_fine(services):
    reply = await say(services, "can I paste a client contract into ChatGPT?")
    assert reply.status == Status.CONDITIONAL
    assert reply.headline == "Only in ChatGPT Enterprise, not in ChatGPT (personal account)."
    titles = [s.title for s in reply.sections]
    assert titles == ["ChatGPT Enterprise: Allowed", "ChatGPT (personal account): Not allowed"]
    assert "How to get it: Open chatgpt.com" in all_text(reply)
    assert "Policy 2026.11" in reply.footer and "Read as: Confidential data" in reply.footer


async def test_prohibited_tool_gets_alternative_with_access(services, kb):
    reply = await say(services, "is Otter ok for meeting notes?")
    assert reply.status == Status.NOT_ALLOWED
    assert reply.headline == "No, don't use Otter.ai for this."
    use_instead = next(s for s in reply.sections if s.title == "Use instead")
    assert use_instead.facts[0].label == "Microsoft 365 Copilot"
    assert use_instead.facts[0].value.startswith(kb.tool["m365-copilot"].access)


async def test_unknown_tool(services, kb):
    reply = await say(services, "Can I use DeepSeek to summarize a report?")
    assert reply.status == Status.UNKNOWN_TOOL
    assert reply.headline == "DeepSeek is not on the approved list, so not for company work yet."
    assert kb.policy.unknown_tools.guidance in all_text(reply)
    assert any(s.title == "Use instead" and s.facts for s in reply.sections)


async def test_allowed_answer_states_the_ceiling(services):
    reply = await say(services, "Can I use GitHub Copilot to write code?", ENGINEER)
    assert reply.status == Status.ALLOWED
    assert reply.headline == "Yes, you can use GitHub Copilot Business for up to Confidential information."
    assert "approved for up to Confidential information" in all_text(reply)
    assert not reply.actions


async def test_conditions_are_spelled_out(services):
    reply = await say(services, "Can I draft a client email with Microsoft 365 Copilot?")
    assert reply.status == Status.CONDITIONAL
    assert any(b.startswith("Condition: A person must read") for s in reply.sections for b in s.bullets)


async def test_recommendation_when_no_tool_is_named(services):
    reply = await say(services, "what can I use to summarize client meeting notes?")
    assert reply.status == Status.INFO
    assert reply.headline == "For meeting notes with confidential information, use Microsoft 365 Copilot."
    (recommended,) = [s for s in reply.sections if s.title == "Recommended"]
    assert [f.label for f in recommended.facts][:3] == [
        "Microsoft 365 Copilot",
        "Brightline Assistant",
        "ChatGPT Enterprise",
    ]


async def test_forbidden_task_says_no_tool_and_why(services):
    reply = await say(services, "can AI screen CVs for me?")
    assert reply.status == Status.NOT_ALLOWED
    assert reply.headline.startswith("No approved AI tool may be used for hiring and people decisions")
    assert "hiring and performance decisions are made by people" in all_text(reply)


async def test_gibberish_gets_help_not_silence(services):
    reply = await say(services, "what's for lunch?")
    assert reply.status == Status.INFO
    assert reply.headline == "I could not tell which AI tool or task you mean."
    assert "can I paste a client contract into ChatGPT?" in reply.sections[0].bullets


async def test_refusals_offer_a_review_request_and_mixed_answers_do_not(services):
    unknown = await say(services, "Can I use DeepSeek?")
    assert [(a.command, a.text) for a in unknown.actions] == [("request", "DeepSeek")]
    refused = await say(services, "is Otter ok for meeting notes?")
    assert [(a.command, a.text) for a in refused.actions] == [("request", "Otter.ai")]
    mixed = await say(services, "can I paste a client contract into ChatGPT?")
    assert mixed.actions == ()


@pytest.mark.parametrize("text", ["", "   "])
async def test_empty_question(services, text):
    reply = await say(services, text)
    assert reply.headline == "Ask me whether you may use an AI tool, and for what."
    assert reply.sections[0].bullets  # with examples of what to ask


async def test_the_footer_shows_what_was_read(services):
    reply = await say(services, "is copliot ok without any client data?")
    assert reply.footer.startswith(
        "Read as: “copliot” as Microsoft 365 Copilot or Microsoft Copilot (personal account), no Confidential data"
    )
