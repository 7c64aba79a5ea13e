"""Conversations as people have them: follow-ups that inherit, context that expires, clarifying
questions answered with a choice, greetings and help."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from handlers.services import Services

ANA = Actor(user_id="U_ANA", display_name="Ana")
BEN = Actor(user_id="U_BEN", display_name="Ben")
_ids = itertools.count(1)


class Chat:
    """One person in one conversation, on a clock the test moves."""

    def __init__(self, services: Services, actor: Actor = ANA, conversation: str = "D1"):
        self.services, self.actor, self.conversation = services, actor, conversation
        self.router = build_router()

    async def say(self, text: str, *, command: str | None = None):
        request = Request(
            platform=Platform.SLACK,
            actor=self.actor,
            address=Address(platform=Platform.SLACK, channel=self.conversation),
            text=text,
            command=command,
            request_id=f"r-{next(_ids)}",
            conversation=self.conversation,
        )
        return await self.router.dispatch(request, self.services)


@pytest.fixture
def clock():
    now = [datetime(2026, 11, 26, 10, 0, tzinfo=UTC)]
    return now


@pytest.fixture
def services(kb, clock) -> Services:
    return Services(knowledge=kb, clock=lambda: clock[0])


def section_titles(reply) -> list[str]:
    return [s.title for s in reply.sections if s.title]


async def test_a_follow_up_keeps_the_tool_and_replaces_the_data(services):
    chat = Chat(services)
    first = await chat.say("can I give copilot my AWS access key so it can fix my deploy script?")
    assert first.status == Status.NOT_ALLOWED
    again = await chat.say("what about with public data?")
    assert again.status == Status.ALLOWED
    assert again.headline.startswith("Yes, you can use Microsoft 365 Copilot and Microsoft Copilot")
    assert "Public data" in again.footer and "tool and use case from your previous question" in again.footer


async def test_and_another_tool_keeps_the_data(services):
    chat = Chat(services)
    await chat.say("can I paste a client contract into ChatGPT Enterprise?")
    other = await chat.say("and claude?")
    assert section_titles(other)[0] == "Claude (Team plan pilot): Allowed with conditions"
    assert "Confidential data" in other.footer and "data from your previous question" in other.footer


async def test_same_for_another_language_follow_up(services):
    chat = Chat(services)
    await chat.say("¿puedo pegar las nóminas del equipo en Grammarly?")
    follow = await chat.say("¿y con ChatGPT Enterprise?")
    assert follow.status == Status.CONDITIONAL  # payroll is Restricted: allowed there only with its condition
    assert "Restricted data" in follow.footer


async def test_removing_the_sensitive_words_is_read_again(services):
    chat = Chat(services)
    first = await chat.say("can I paste the customer feedback with their home addresses into Grammarly?")
    assert first.status == Status.NOT_ALLOWED
    removed = await chat.say("what if I remove the home addresses?")
    assert removed.status != Status.NOT_ALLOWED
    assert "Restricted" not in removed.footer


async def test_context_expires_after_half_an_hour(services, clock):
    chat = Chat(services)
    await chat.say("can I paste a client contract into ChatGPT Enterprise?")
    clock[0] += timedelta(minutes=31)
    later = await chat.say("and claude?")
    assert "from your previous question" not in (later.footer or "")
    assert "Confidential" not in (later.footer or "")


async def test_conversations_do_not_leak_between_people_or_threads(services):
    await Chat(services, ANA, "D1").say("can I paste a client contract into ChatGPT Enterprise?")
    ben = await Chat(services, BEN, "D1").say("and claude?")
    elsewhere = await Chat(services, ANA, "C1:thread-2").say("and claude?")
    for reply in (ben, elsewhere):
        assert "from your previous question" not in (reply.footer or "")


async def test_a_clarifying_question_offers_each_class_and_a_choice_answers(services):
    chat = Chat(services)
    asked = await chat.say("can I upload the export to ChatGPT Enterprise?")
    assert asked.headline == "It depends on what is in “the export”: which kind of information is it?"
    assert not asked.headline.lower().startswith("yes")
    labels = [a.label for a in asked.actions]
    assert labels == ["Public", "Internal", "Confidential", "Restricted"]
    (restricted,) = [a for a in asked.actions if a.label == "Restricted"]
    answered = await chat.say(restricted.text, command=restricted.command)
    assert answered.status == Status.CONDITIONAL
    assert "Restricted data as you said" in answered.footer


async def test_a_stale_or_forged_choice_explains(services):
    reply = await Chat(services).say("top-secret can I?", command="clarify")
    assert (
        reply.status == Status.ERROR
        and "public, internal, confidential, restricted" in reply.sections[0].text
    )


async def test_no_data_named_is_not_a_clarifying_question(services):
    reply = await Chat(services).say("can I use ChatGPT Enterprise to brainstorm names?")
    assert reply.status == Status.ALLOWED


@pytest.mark.parametrize("text", ["hi", "Hola!", "bonjour", "hey there"])
async def test_greetings_get_a_useful_answer(services, text):
    reply = await Chat(services).say(text)
    assert reply.headline == "Hi! Ask me before you use an AI tool for work."
    assert any("ChatGPT Enterprise" in s.text for s in reply.sections)


async def test_thanks_and_help_seeking(services):
    chat = Chat(services)
    assert (await chat.say("thanks!")).headline == "You're welcome."
    listing = await chat.say("what tools are approved?")
    assert listing.headline == "AI tools at Brightline Partners"
    assert "Approved" in section_titles(listing)
    by_data = await chat.say("which tools take confidential data?")
    assert by_data.status == Status.INFO and by_data.headline.startswith(
        "For this with confidential information"
    )


async def test_i_mean_corrects_the_edition_and_keeps_the_rest(services):
    chat = Chat(services)
    first = await chat.say("can copilot help with the client contract")
    assert first.status == Status.CONDITIONAL  # Microsoft 365 Copilot yes, the personal one no
    personal = await chat.say("i mean the personal one")
    assert personal.status == Status.NOT_ALLOWED
    assert personal.headline.startswith("No, don't use Microsoft Copilot (personal account)")
    work = await chat.say("and the work one?")
    assert work.status == Status.ALLOWED and "Confidential data" in work.footer
