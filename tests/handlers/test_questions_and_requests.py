"""The questions log (redacted) and tool-review requests, as IT will read them."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from sqlmodel import select

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from storage.models import Question, QuestionVote, ToolRequest, ToolRequester
from tests.conftest import FIXED_NOW

ANA = Actor(user_id="U_ANA", display_name="Ana", email="ana@brightline.example")
BEN = Actor(user_id="U_BEN", display_name="Ben")
CARA = Actor(user_id="U_CARA", display_name="Cara")
_ids = itertools.count(1)


async def say(services, text: str, actor: Actor = ANA, request_id: str | None = None):
    request = Request(
        platform=Platform.TEAMS,
        actor=actor,
        address=Address(platform=Platform.TEAMS, channel="19:abc"),
        text=text,
        request_id=request_id or f"q-{next(_ids)}",
    )
    return await build_router().dispatch(request, services)


def stored(services, model):
    with services.database.session() as session:
        return list(session.exec(select(model)))


async def test_every_question_is_logged_with_its_verdict(db_services):
    await say(db_services, "can I paste a client contract into ChatGPT?")
    await say(db_services, "Can I use DeepSeek for research? my email is ana@brightline.example")
    await say(db_services, "what can I use to summarize meeting notes?")
    contract, deepseek, recommend = stored(db_services, Question)
    assert (contract.verdict, contract.tool_ids, contract.data_class) == (
        "conditional", ["chatgpt-enterprise", "chatgpt-personal"], "confidential",
    )  # fmt: skip
    assert (deepseek.verdict, deepseek.unknown_tools, deepseek.use_case) == (
        "unknown_tool",
        ["DeepSeek"],
        "research",
    )
    assert deepseek.text == "Can I use DeepSeek for research? my email is [email]"
    assert (recommend.verdict, recommend.tool_ids) == ("recommendation", [])
    assert contract.platform == "teams" and contract.asked_at.tzinfo is not None


async def test_question_text_is_not_kept_when_switched_off(db_services):
    db_services.store_question_text = False
    await say(db_services, "is Otter ok?")
    (question,) = stored(db_services, Question)
    assert question.text is None and question.verdict == "not_allowed"


async def test_a_retried_question_is_logged_once(db_services):
    await say(db_services, "is Otter ok?", request_id="evt-9")
    await say(db_services, "is Otter ok?", request_id="evt-9")
    assert len(stored(db_services, Question)) == 1


async def test_review_requests_gather_people_not_rows(db_services):
    first = await say(db_services, "request DeepSeek because it reads scanned PDFs", actor=ANA)
    assert first.headline == "Thanks: IT will review DeepSeek. You are the first to ask."
    second = await say(db_services, "request deepseek", actor=BEN)
    assert (
        second.headline
        == "Thanks: added your voice to the review of DeepSeek. You are the 2nd person to ask."
    )
    assert any("request DeepSeek because" in s.text for s in second.sections)  # nudged for a reason
    again = await say(db_services, "request DeepSeek because still need it", actor=ANA)
    assert again.headline == "You have already asked for a review of DeepSeek; 2 people have asked so far."
    await say(db_services, "request Otter because the sales team records calls", actor=CARA)
    assert len(stored(db_services, ToolRequest)) == 2
    assert len(stored(db_services, ToolRequester)) == 3

    listing = await say(db_services, "requests")
    assert listing.headline == "2 open tool-review requests, most wanted first"
    facts = [(f.label, f.value) for s in listing.sections for f in s.facts]
    assert facts[0][0] == "DeepSeek" and facts[0][1].startswith(f"2 people · open since {FIXED_NOW:%Y-%m-%d}")
    assert "“it reads scanned PDFs”" in facts[0][1]
    assert facts[1][0] == "Otter.ai"


async def test_request_for_an_approved_tool_points_to_access(db_services, kb):
    reply = await say(db_services, "request Grammarly because I want it")
    assert reply.headline == "Grammarly Business is already approved; no review needed."
    assert kb.tool["grammarly"].access in reply.sections[0].facts[0].value
    assert stored(db_services, ToolRequest) == []


async def test_request_without_a_tool_explains(db_services):
    reply = await say(db_services, "request")
    assert reply.status == Status.INFO and reply.headline == "Which tool should IT review?"


async def test_the_review_button_on_an_answer_files_a_request(db_services):
    answer = await say(db_services, "Can I use DeepSeek?")
    (button,) = [a for a in answer.actions if a.command == "request"]
    pressed = Request(
        platform=Platform.TEAMS, actor=ANA, address=Address(platform=Platform.TEAMS, channel="19:abc"),
        text=button.text, command=button.command, request_id="btn-1",
    )  # fmt: skip
    reply = await build_router().dispatch(pressed, db_services)
    assert reply.headline == "Thanks: IT will review DeepSeek. You are the first to ask."


@pytest.mark.parametrize("empty", ["requests"])
async def test_no_open_requests(db_services, empty):
    assert (await say(db_services, empty)).headline == "No open tool-review requests."


async def press(services, action, actor=ANA, request_id=None):
    request = Request(
        platform=Platform.TEAMS, actor=actor, address=Address(platform=Platform.TEAMS, channel="19:abc"),
        text=action.text, command=action.command, request_id=request_id or f"btn-{next(_ids)}",
    )  # fmt: skip
    return await build_router().dispatch(request, services)


async def test_helpful_votes_latest_per_person_counts(db_services):
    answer = await say(db_services, "is Otter ok for meeting notes?", request_id="ask-1")
    buttons = {a.label: a for a in answer.actions}
    assert set(buttons) >= {"👍 Helpful", "👎 Not helpful", "Ask a human"}
    assert (await press(db_services, buttons["👍 Helpful"])).headline == "Thanks, glad it helped."
    await press(db_services, buttons["👎 Not helpful"])
    await press(db_services, buttons["👍 Helpful"], actor=BEN)
    votes = sorted((v.person_id, v.helpful) for v in stored(db_services, QuestionVote))
    assert [helpful for _, helpful in votes] == [False, True]  # Ana changed her mind; Ben's counts too


async def test_a_thumbs_down_can_say_what_was_wrong_and_it_reaches_the_it_digest(db_services):
    from datetime import timedelta

    from handlers import digest

    answer = await say(db_services, "is Otter ok for meeting notes?", request_id="ask-why")
    down = await press(db_services, next(a for a in answer.actions if a.label == "👎 Not helpful"))
    why = next(a for a in down.actions if a.label == "Say what was wrong")
    opened = await press(db_services, why)
    assert opened.form is not None and dict(opened.form.hidden) == {"ref": "ask-why"}
    submit = Request(
        platform=Platform.TEAMS, actor=ANA, address=Address(platform=Platform.TEAMS, channel="19:abc"),
        command="feedback", form={**dict(opened.form.hidden), "reason": ""}, request_id="form-1",
    )  # fmt: skip
    empty = await build_router().dispatch(submit, db_services)
    assert empty.form is not None and empty.form.fields[0].error == "Say in a sentence what was wrong."
    reason = "our client meetings are recorded in Otter by contract; mail me at ana@brightline.example"
    done = await build_router().dispatch(
        replace(submit, form={"ref": "ask-why", "reason": reason}), db_services
    )
    assert done.status == Status.SUCCESS
    (vote,) = stored(db_services, QuestionVote)
    assert vote.reason == "our client meetings are recorded in Otter by contract; mail me at [email]"
    start = FIXED_NOW.date() - timedelta(days=FIXED_NOW.weekday())
    reply = await digest.it_digest(db_services, start, start + timedelta(days=7))
    (gap,) = next(s for s in reply.sections if s.title == "Where the knowledge base fell short").facts
    assert (
        gap.label.startswith("Otter.ai") and "1 👎" in gap.value and "(said: our client meetings" in gap.value
    )


async def test_ask_a_human_passes_the_question_to_it_once(db_services):
    db_services.escalation_target = "#it-ai-help"
    answer = await say(db_services, "can I use DeepSeek for client data? call me on +44 20 7946 0958")
    human = next(a for a in answer.actions if a.label == "Ask a human")
    first = await press(db_services, human)
    assert (
        first.headline
        == "I've passed your question to #it-ai-help. Someone from IT will answer you directly."
    )
    assert first.escalation is not None
    facts = {f.label: f.value for s in first.escalation.sections for f in s.facts}
    assert facts["Question"] == "can I use DeepSeek for client data? call me on [phone]"
    assert facts["aiguide said"] == "unknown tool"
    again = await press(db_services, human)
    assert again.escalation is None and again.headline.startswith("Already passed to #it-ai-help")
    (question,) = stored(db_services, Question)
    assert question.escalated_at is not None


async def test_ask_a_human_without_a_channel_points_to_the_contact(db_services, kb):
    answer = await say(db_services, "can I use DeepSeek?")
    human = next(a for a in answer.actions if a.label == "Ask a human")
    reply = await press(db_services, human)
    assert reply.headline == f"Please ask {kb.policy.contact}; they can answer what I can't."
    assert reply.escalation is None


async def test_its_answer_is_relayed_once_and_drafted_as_a_rule(db_services):
    from handlers import feedback, reviews
    from handlers.kb_proposal import propose

    db_services.escalation_target = "#it-ai-help"
    answer = await say(db_services, "can I use Otter for a client call?")
    passed = await press(db_services, next(a for a in answer.actions if a.label == "Ask a human"))
    await feedback.escalation_posted(db_services, passed, "slack:C0IT:1764170000.000100")
    it = Request(
        platform=Platform.SLACK, actor=Actor(user_id="U_IDA", display_name="Ida"),
        address=Address(platform=Platform.SLACK, channel="C0IT"), text="Yes, if the client agreed in writing.",
        command="relay", form={"thread": "slack:C0IT:1764170000.000100"}, request_id="it-1",
    )  # fmt: skip
    relayed = await build_router().dispatch(it, db_services)
    assert relayed.headline == "I'll send your answer to the person who asked."
    asker = Request(
        platform=Platform.TEAMS, actor=ANA, address=Address(platform=Platform.TEAMS, channel="19:abc")
    )
    (told,) = await reviews.due_for(db_services, asker)
    assert told.headline == "IT answered your question" and "Yes, if the client agreed in writing." in str(
        told
    )
    assert await reviews.due_for(db_services, asker) == []
    # In any other thread, a mention is an ordinary question.
    other = await build_router().dispatch(
        replace(it, form={"thread": "slack:C0IT:1.2"}, text="is Otter ok?"), db_services
    )
    assert "Otter" in other.headline and other.status != Status.SUCCESS
    # ...and a command typed there is that command, not a question about its words.
    listed = await build_router().dispatch(
        replace(it, form={"thread": "slack:C0IT:1.2"}, text="requests"), db_services
    )
    assert listed.headline == "No open tool-review requests."
    # A typed "relay" is never routed back to the relay.
    typed = await build_router().dispatch(
        replace(it, command="", form={}, text="relay this please"), db_services
    )
    assert typed.headline != "I'll send your answer to the person who asked."
    drafted = (await propose(db_services)).text
    assert (
        "# rules:" in drafted and "#   - id: it-answer-" in drafted and "Yes, if the client agreed" in drafted
    )
