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


async def test_an_answer_in_the_thread_has_slacks_own_feedback_buttons_and_a_click_is_counted(slack):
    import copy
    import json

    from fakes.slack_client import payload
    from slack_sdk.models.blocks import Block
    from sqlmodel import select

    from storage.models import QuestionVote

    await slack.event("slack_event_message_im", text="is Otter ok for meeting notes?",
                      thread_ts="1764170600.000100", ts="1764170610.000100")  # fmt: skip
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    blocks = answer["blocks"] if isinstance(answer["blocks"], list) else json.loads(answer["blocks"])
    (native,) = [b for b in blocks if b["type"] == "context_actions"]
    Block.parse(native).validate_json()  # slack_sdk's model of the block accepts it
    thumbs = native["elements"][0]
    assert thumbs["type"] == "feedback_buttons"
    # The thumbs are not also buttons in the row beside "Ask a human".
    rows = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert not any("feedback" in (e.get("value") or "") for e in rows)

    # Slack sends a click on them as a block action of type feedback_buttons with the chosen value.
    for number, block in enumerate(blocks):
        block["block_id"] = f"b{number}"  # Slack gives every block of a posted message an id
    click = copy.deepcopy(payload("slack_block_actions"))
    click["container"] = {"type": "message", "message_ts": "1764170611.000100", "channel_id": "D0ANA",
                          "is_ephemeral": False, "thread_ts": "1764170600.000100"}  # fmt: skip
    click["channel"] = {"id": "D0ANA", "name": "directmessage"}
    click["message"] = {
        "type": "message",
        "ts": "1764170611.000100",
        "text": answer["text"],
        "blocks": blocks,
    }
    click["response_url"] = slack.response_url
    click["actions"] = [{"type": "feedback_buttons", "action_id": thumbs["action_id"],
                         "block_id": native["block_id"], "value": thumbs["positive_button"]["value"],
                         "action_ts": "1764170620.000100"}]  # fmt: skip
    response = await slack.interact(click)
    assert response.status == 200
    (update,) = await slack.fake.wait_for("response_url")
    assert update["replace_original"] is True  # the answer stays; its thumbs give way to the thanks
    assert not any(b["type"] == "context_actions" for b in update["blocks"])
    assert blocks[0] in update["blocks"]
    with slack.services.database.session() as session:
        (vote,) = session.exec(select(QuestionVote)).all()
    assert vote.helpful is True
