"""Tool reviews end to end, as the people involved see them: requests → IT's card → IT's decision →
every requester told once → `kb propose` → the policy lists the tool → requesters told it is in."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.review_notices import overdue_reply
from handlers import digest, reviews
from handlers.commands import build_router
from handlers.kb_proposal import propose
from handlers.model import Actor, Address, Platform, Request, Status
from knowledge import load_knowledge, validate_knowledge
from storage import tool_requests
from storage.models import ToolRequest
from tests.conftest import FIXED_NOW

ANA = Actor(user_id="U_ANA", display_name="Ana")
BEN = Actor(user_id="U_BEN", display_name="Ben")
ADMIN = Actor(user_id="U_ADMIN", display_name="Ida from IT")
EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "example"
_ids = itertools.count(1)


def said(text: str, actor: Actor = ANA, *, command: str | None = None, form: dict | None = None) -> Request:
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=Address(platform=Platform.SLACK, channel=f"D{actor.user_id}"),
        text=text,
        command=command,
        form=form or {},
        request_id=f"r-{next(_ids)}",
    )


async def say(services, text: str, actor: Actor = ANA, **kw):
    return await build_router().dispatch(said(text, actor, **kw), services)


def texts(reply) -> str:
    parts = [reply.headline, reply.footer]
    for section in reply.sections:
        parts += [
            section.title,
            section.text,
            *section.bullets,
            *(f"{f.label}: {f.value}" for f in section.facts),
        ]
    return "\n".join(p for p in parts if p)


def the_request(services) -> ToolRequest:
    with services.database.session() as session:
        return session.exec(select(ToolRequest)).one()


async def test_a_review_from_request_to_published(db_services, tmp_path):
    services = db_services
    await say(services, "can I use DeepSeek to translate scanned PDFs?")
    first = await say(services, "request DeepSeek because it reads scanned PDFs in Chinese")
    card = first.escalation
    assert card is not None and card.headline == "Tool review requested: DeepSeek"
    assert "1 person: Ana" in texts(card) and "“it reads scanned PDFs in Chinese”" in texts(card)
    assert "can I use DeepSeek to translate scanned PDFs?" in texts(card)  # the question that led to it
    assert [a.label for a in card.actions] == ["Approve…", "Pilot…", "Reject…", "Need more info…"]

    joined = await say(services, "request deepseek because our Shanghai office works in it", BEN)
    assert "Ben asked too" in texts(joined.escalation) and "2 people" in texts(joined.escalation)

    # Only admins decide; the card's button opens the decision form, which says which request it is.
    refused = await say(services, card.actions[0].text, ANA, command="decide")
    assert refused.status == Status.ERROR and "admins only" in refused.headline
    opened = await say(services, card.actions[0].text, ADMIN, command="decide")
    form = opened.form
    assert form is not None and dict(form.hidden) == {"ref": the_request(services).ref}
    assert next(f for f in form.fields if f.name == "decision").value == "approved"

    # A ceiling is needed to approve; the form comes back with the mistake shown, nothing recorded.
    missing = await say(
        services,
        "",
        ADMIN,
        command="decide",
        form={**dict(form.hidden), "decision": "approved", "note": "ok"},
    )
    assert missing.form is not None and "most sensitive data" in next(
        f.error for f in missing.form.fields if f.name == "ceiling"
    )
    assert the_request(services).status == "open"

    done = await say(
        services, "", ADMIN, command="decide",
        form={"ref": the_request(services).ref, "decision": "approved", "ceiling": "internal",
              "note": "The EU-hosted tenant passed the security review."},
    )  # fmt: skip
    assert done.status == Status.SUCCESS and "2 people will be told" in done.headline
    assert "Ida from IT decided: DeepSeek approved (up to Internal)" in texts(done.escalation)
    decided = the_request(services)
    assert (decided.status, decided.decision, decided.ceiling, decided.decided_by) == (
        "decided", "approved", "internal", "Ida from IT"
    )  # fmt: skip
    # A second click on the old card cannot decide it again.
    again = await say(
        services, "", ADMIN, command="decide", form={"ref": decided.ref, "decision": "rejected", "note": "x"}
    )
    assert again.status == Status.ERROR and "already decided" in again.headline

    # Each requester is told once, with the note and what to use until the policy lists it.
    for person in (ANA, BEN):
        (told,) = await reviews.due_for(services, said("", person))
        assert told.headline == "IT approved DeepSeek"
        body = texts(told)
        assert "The EU-hosted tenant passed the security review." in body and "up to Internal" in body
        assert "not in the approved-tools list yet" in body and "Use meanwhile" in body
        assert await reviews.due_for(services, said("", person)) == []

    # `kb propose` drafts an entry that validates once added to the knowledge base.
    proposal = await propose(services)
    assert (
        proposal.drafted == ("DeepSeek",) and "# DeepSeek: requested 2026-11-26 by 2 people" in proposal.text
    )
    copy = tmp_path / "kb"
    shutil.copytree(EXAMPLE, copy)
    (copy / "reviews.yaml").write_text(proposal.text, encoding="utf-8")
    assert validate_knowledge(copy) == []
    updated = load_knowledge(copy)
    assert (updated.tool["deepseek"].status, updated.tool["deepseek"].max_data) == ("approved", "internal")

    # Once the policy in use lists it, the request is published and the requesters hear it is in.
    services.knowledge = updated
    (told,) = await reviews.due_for(services, said("", ANA))
    assert told.headline.startswith("DeepSeek is now in the AI-tools policy") and "up to Internal" in texts(
        told
    )
    assert the_request(services).status == "published"
    assert (await propose(services)).text == ""
    # And the bot's answer now comes from the policy: DeepSeek with internal data is allowed.
    answer = await say(services, "can I use deepseek with internal meeting notes?", BEN)
    assert answer.status in (Status.ALLOWED, Status.CONDITIONAL) and "DeepSeek" in answer.headline


async def test_a_typed_rejection_with_an_alternative_and_a_question_first(db_services):
    services = db_services
    await say(services, "request Perplexity because it cites its sources")
    asked = await say(services, "decide Perplexity info because which data would you search with?", ADMIN)
    assert asked.status == Status.SUCCESS and the_request(services).status == "in_review"
    (question,) = await reviews.due_for(services, said("", ANA))
    assert "has a question for you" in question.headline and "which data would you search with?" in texts(
        question
    )

    # In review, a new request for the same tool joins it rather than opening another.
    await say(services, "request perplexity because I research competitors", BEN)
    with services.database.session() as session:
        assert len(list(session.exec(select(ToolRequest)))) == 1

    for alternative in ("grammarly-free", "chatgpt personal"):  # not in the policy; listed but not approved
        wrong = await say(services, f"decide Perplexity reject use {alternative} because no", ADMIN)
        assert wrong.status == Status.ERROR and "not an approved tool in the policy" in wrong.headline
    typed = await say(
        services, "decide Perplexity reject use chatgpt enterprise because its retention is 1 year", ADMIN
    )
    assert typed.status == Status.SUCCESS, typed.headline
    (told,) = await reviews.due_for(services, said("", BEN))
    assert told.status == Status.NOT_ALLOWED and told.headline == "IT decided not to approve Perplexity"
    assert "its retention is 1 year" in texts(told) and "ChatGPT Enterprise" in texts(told)
    assert the_request(services).alternative == "chatgpt-enterprise"

    proposal = await propose(services)
    assert "status: not_approved" in proposal.text and "max_data: none" in proposal.text
    assert "- chatgpt-enterprise" in proposal.text


async def test_typed_decisions_say_what_is_missing(db_services):
    for text, expected in (
        ("decide", "Which tool"),
        ("decide DeepSeek approve because fine", "most sensitive data"),
        ("decide DeepSeek approve up to secret because fine", "not a data class here"),
        ("decide DeepSeek pilot up to internal because fine", "who is in the pilot"),
        ("decide DeepSeek approve up to internal", "Add a reason"),
    ):
        reply = await say(db_services, text, ADMIN)
        assert reply.status == Status.ERROR and expected in texts(reply), (text, texts(reply))


async def test_decide_and_withdraw_in_ordinary_questions_are_questions(db_services):
    for text in ("decide between chatgpt and claude for client notes", "withdraw consent in chatgpt"):
        reply = await say(db_services, text)
        assert reply.status not in (Status.ERROR, Status.INFO) and "admins only" not in reply.headline, text


async def test_a_pilot_declares_its_group_in_the_draft(db_services, tmp_path):
    await say(db_services, "request Cursor because it refactors whole repositories")
    await say(
        db_services, "decide Cursor pilot up to internal for platform-team because a 6-week trial", ADMIN
    )
    proposal = await propose(db_services)
    assert "platform-team: []" in proposal.text and "available_to:\n    - platform-team" in proposal.text
    copy = tmp_path / "kb"
    shutil.copytree(EXAMPLE, copy)
    (copy / "reviews.yaml").write_text(proposal.text, encoding="utf-8")
    assert validate_knowledge(copy) == []


async def test_withdrawing_the_last_voice_withdraws_the_request(db_services):
    await say(db_services, "request DeepSeek because translations")
    await say(db_services, "request DeepSeek", BEN)
    left = await say(db_services, "withdraw DeepSeek")
    assert "1 person still asks" in left.headline
    gone = await say(db_services, "withdraw deepseek", BEN)
    assert gone.headline.startswith("Withdrawn") and the_request(db_services).status == "withdrawn"
    # With no request left, "withdraw ..." is read as a question about the tool.
    assert (await say(db_services, "withdraw deepseek", BEN)).status == Status.UNKNOWN_TOOL


async def test_the_it_digest_shows_time_to_decision_and_the_oldest_waiting(db_services):
    services = db_services
    await say(services, "request DeepSeek because translations")
    await say(services, "request Perplexity because research")
    with services.database.session() as session:
        for found in session.exec(select(ToolRequest)):
            found.created_at = FIXED_NOW - timedelta(days=4 if found.tool_name == "DeepSeek" else 10)
            session.add(found)
    await say(services, "decide DeepSeek approve up to internal because fine", ADMIN)
    start = FIXED_NOW.date() - timedelta(days=FIXED_NOW.weekday())
    reply = await digest.it_digest(services, start, start + timedelta(days=7))
    section = next(s for s in reply.sections if s.title == "Tool reviews")
    facts = {f.label: f.value for f in section.facts}
    assert facts == {
        "Decided this week": "1, median 4.0 days from the first request",
        "Oldest waiting": "Perplexity, 13 days",  # at the end of the week
    }
    assert section.bullets == ("DeepSeek: approved",)
    with services.database.session() as session:
        waiting = tool_requests.overdue(session, opened_before=FIXED_NOW - timedelta(days=7))
    reply = overdue_reply(waiting, FIXED_NOW, 7)
    assert [f.label for f in reply.sections[0].facts] == ["Perplexity"]
    assert "1 person waiting for 10 days" in reply.sections[0].facts[0].value


async def test_a_listed_tool_is_published_only_once_its_entry_says_the_decision(db_services, kb):
    """Perplexity is listed as limited, public data only; a pilot with internal data is not what the
    policy says yet, so nobody hears "it is in the policy" until the entry changes."""
    services = db_services
    await say(services, "request Perplexity because I research competitors")
    await say(
        services, "decide Perplexity pilot up to internal for research because a four-week trial", ADMIN
    )
    (decided,) = await reviews.due_for(services, said("", ANA))
    assert decided.headline == "IT will pilot Perplexity with research"
    assert await reviews.due_for(services, said("", ANA)) == []
    proposal = await propose(services)
    assert proposal.drafted == () and proposal.changed == ("Perplexity",)
    assert "# Perplexity is listed already as `perplexity`: change that entry to" in proposal.text
    assert the_request(services).status == "decided"

    entry = kb.tool["perplexity"]
    services.knowledge = replace(
        kb, tools=tuple(entry.model_copy(update={"status": "pilot", "max_data": "internal", "available_to": ("research",)})
                        if t.id == "perplexity" else t for t in kb.tools),
    )  # fmt: skip
    (published,) = await reviews.due_for(services, said("", ANA))
    assert published.headline.startswith("Perplexity is now in the AI-tools policy")
    assert the_request(services).status == "published"


async def test_a_second_decision_on_a_decided_tool_is_refused(db_services):
    await say(db_services, "request DeepSeek because translations")
    await say(db_services, "decide DeepSeek approve up to internal because fine", ADMIN)
    again = await say(db_services, "decide DeepSeek reject because changed my mind", ADMIN)
    assert again.status == Status.ERROR and "already decided (approved" in again.headline
    assert (await propose(db_services)).drafted == ("DeepSeek",)


async def test_an_answer_to_its_question_reaches_it(db_services):
    await say(db_services, "request DeepSeek because translations")
    await say(db_services, "decide DeepSeek info because which documents would you translate?", ADMIN)
    answer = await say(
        db_services, "request DeepSeek because supplier contracts in Mandarin, nothing personal"
    )
    assert answer.headline == "Thanks: your answer about DeepSeek is with IT."
    assert "“supplier contracts in Mandarin, nothing personal”" in texts(answer.escalation)


async def test_two_replicas_send_each_notice_once_and_unreachable_people_block_nobody(db_services):
    from bot.review_notices import ReviewNotices
    from storage.models import Person

    services = db_services
    console = Actor(user_id="console:ana", display_name="ana")
    await build_router().dispatch(replace(said("request DeepSeek because translations", console),
                                          platform=Platform.CONSOLE), services)  # fmt: skip
    await say(services, "request DeepSeek because contracts", BEN)
    await say(services, "decide DeepSeek reject because no EU hosting", ADMIN)
    sent: list[tuple[str, str]] = []

    async def messenger(person: Person, reply) -> str:
        sent.append((person.user_id, reply.headline))
        return "ts"

    replicas = [ReviewNotices(services, {"slack": messenger}) for _ in range(2)]
    await asyncio.gather(*(r.send_due() for r in replicas))
    await asyncio.gather(*(r.send_due() for r in replicas))
    assert sent == [("U_BEN", "IT decided not to approve DeepSeek")]
    # The console person is told in the console, before the next prompt.
    (told,) = await reviews.due_for(services, replace(said("", console), platform=Platform.CONSOLE))
    assert told.headline == "IT decided not to approve DeepSeek"


async def test_a_failing_messenger_is_tried_again_then_given_up(db_services):
    from bot.review_notices import ReviewNotices

    services = db_services
    await say(services, "request DeepSeek because translations")
    await say(services, "decide DeepSeek reject because no", ADMIN)
    now = [FIXED_NOW]
    services.clock = lambda: now[0]
    calls = 0

    async def broken(person, reply) -> str:
        nonlocal calls
        calls += 1
        raise LookupError("no 1:1 chat with this person yet")

    notices = ReviewNotices(services, {"slack": broken})
    for _ in range(8):
        await notices.send_due()
        now[0] += timedelta(minutes=3)  # past the lease: the next round may try again
    assert calls == 5  # digest_runs' attempts, then it is settled and no longer due
    with services.database.session() as session:
        assert tool_requests.notices_due(session) == []
