"""Slack's AI-app view through signed event requests: a thread starts with a greeting and prompts from
the knowledge base; a question gets a status while the policy is checked, the thread a title, and the
answer lands in the thread. The thread-started payload follows Slack's `assistant_thread_started`
reference; the question is the recorded DM message with the thread's `thread_ts`."""

from __future__ import annotations

from bot.slack.render import suggested_prompts


async def test_a_new_thread_greets_and_suggests_prompts_from_the_policy(slack, kb):
    response = await slack.event("slack_event_assistant_thread_started")
    assert response.status == 200
    (greeting,) = await slack.fake.wait_for("chat.postMessage")
    assert greeting["channel"] == "D0ANA" and greeting["thread_ts"] == "1764170400.000100"
    assert kb.policy.organization in greeting["text"]
    (prompts,) = await slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    sent = (
        prompts["prompts"]
        if isinstance(prompts["prompts"], list)
        else __import__("json").loads(prompts["prompts"])
    )
    assert sent == suggested_prompts(kb) and 1 <= len(sent) <= 4
    first_approved = next(t.name for t in kb.tools if t.status == "approved")
    assert sent[0]["message"] == f"Can I use {first_approved} with client data?"


async def test_a_question_in_the_thread_shows_a_status_gets_a_title_and_is_answered_there(slack):
    await slack.event("slack_event_message_im", text="can I paste a client contract into ChatGPT?",
                      thread_ts="1764170400.000100", ts="1764170410.000100")  # fmt: skip
    (status,) = await slack.fake.wait_for("assistant.threads.setStatus")
    assert status["status"] == "is checking the policy…" and status["thread_ts"] == "1764170400.000100"
    (title,) = await slack.fake.wait_for("assistant.threads.setTitle")
    assert title["title"] == "can I paste a client contract into ChatGPT?"
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert answer["thread_ts"] == "1764170400.000100" and "ChatGPT Enterprise" in answer["text"]
    # A follow-up in the same thread keeps the title and reads the context: "what about Copilot?"
    await slack.event("slack_event_message_im", text="and with public data?",
                      thread_ts="1764170400.000100", ts="1764170420.000100", event_id="Ev0FOLLOW1")  # fmt: skip
    answers = await slack.fake.wait_for("chat.postMessage", 2)
    assert "ChatGPT" in answers[1]["text"]
    assert len(slack.fake.of("assistant.threads.setTitle")) == 1


async def test_a_failing_status_never_holds_up_the_answer(slack):
    slack.fake.failing["assistant.threads.setStatus"] = ["not_allowed_token_type"]
    await slack.event("slack_event_message_im", text="is Otter ok?", thread_ts="1764170500.000100",
                      ts="1764170510.000100")  # fmt: skip
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert answer["thread_ts"] == "1764170500.000100" and "Otter" in answer["text"]
