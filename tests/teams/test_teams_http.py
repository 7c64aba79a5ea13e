"""Teams end to end: Bot Framework activities over HTTP in, Adaptive Cards out to the connector."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.teams.render import CARD_CONTENT_TYPE
from handlers.model import Reply, Status
from storage.models import Question, StoredAddress, ToolRequest, Win

from .conftest import activity, start_teams


def card_of(sent) -> dict:
    (attachment,) = sent.activity["attachments"]
    assert attachment["contentType"] == CARD_CONTENT_TYPE
    return attachment["content"]


def runs(card: dict) -> list[str]:
    """Every piece of text a person reads on the card, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextRun":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return found


async def rows(teams, model):
    await teams.services.questions_written()  # the server logs questions in batches
    with teams.services.database.session() as session:
        return list(session.exec(select(model)))


async def test_personal_question_gets_an_answer_card(teams):
    response = await teams.say("can I paste a client contract into ChatGPT?")
    assert response.status in (200, 201)
    (sent,) = await teams.connector.wait()
    assert sent.conversation == "a:1personal-ana" and sent.reply_to == "msg-1"
    card = card_of(sent)
    assert card["version"] == "1.5"
    assert runs(card)[0] == "⚠️ Only in ChatGPT Enterprise, not in ChatGPT (personal account)."
    assert "ChatGPT Enterprise: Allowed" in runs(card)
    assert [a["title"] for a in card["actions"]] == ["👍 Helpful", "👎 Not helpful", "Ask a human"]
    assert sent.activity["summary"] == "Only in ChatGPT Enterprise, not in ChatGPT (personal account)."
    (question,) = await rows(teams, Question)
    assert (question.platform, question.verdict) == ("teams", "conditional")


async def test_channel_mention_is_stripped_and_answered_in_the_thread(teams):
    await teams.send(activity("teams_message_channel_mention", teams.connector.url))
    (sent,) = await teams.connector.wait()
    assert sent.conversation.startswith("19:project-apollo@thread.tacv2")
    assert runs(card_of(sent))[0] == "❓ DeepSeek is not on the approved list, so not for company work yet."
    (question,) = await rows(teams, Question)
    assert question.text == "can we use DeepSeek for the market scan?"


async def test_card_button_files_a_review_request(teams):
    await teams.send(activity("teams_card_submit", teams.connector.url))
    (sent,) = await teams.connector.wait()
    assert runs(card_of(sent))[0] == "✅ Thanks: IT will review DeepSeek. You are the first to ask."
    assert [r.tool_name for r in await rows(teams, ToolRequest)] == ["DeepSeek"]


async def test_win_form_card_validates_and_saves(teams):
    await teams.say("win")
    (form,) = await teams.connector.wait()
    card = card_of(form)
    ids = [e["id"] for e in card["body"] if "id" in e]
    assert ids[:5] == ["minutes", "tool", "tool_other", "use_case", "task"]
    submit = card["actions"][0]["data"]

    await teams.submit({**submit, "minutes": "ages", "task": ""}, reply_to="form-1")
    sent = await teams.connector.wait(2)
    again = card_of(sent[1])
    assert "Write the time saved, e.g. 45m, 1h30 or 1.5h." in runs(again)
    assert next(e for e in again["body"] if e.get("id") == "minutes")["value"] == "ages"
    assert await rows(teams, Win) == []

    values = {**submit, "minutes": "1h30", "tool": "m365-copilot", "task": "minutes of the steering call",
              "outcome_category": "speed", "share": "true", "department": "Strategy"}  # fmt: skip
    await teams.submit(values, reply_to="form-2")
    await teams.submit(values, reply_to="form-2")  # a double click
    sent = await teams.connector.wait(4)
    assert runs(card_of(sent[2]))[0] == "✅ Logged win #1: 1 h 30 min saved with Microsoft 365 Copilot."
    assert runs(card_of(sent[3]))[0].startswith("✅ Already logged as win #1")
    (win,) = await rows(teams, Win)
    assert (win.minutes, win.share, win.department) == (90, True, "Strategy")


async def test_one_line_win_and_rejection(teams):
    await teams.say("win 45m drafted the RFP response with Copilot -> sent to the client two days early")
    await teams.say("win 41h everything")
    first, second = await teams.connector.wait(2)
    assert runs(card_of(first))[0] == "✅ Logged win #1: 45 min saved with Microsoft 365 Copilot."
    assert runs(card_of(second))[0] == "❗ That win was not saved."
    assert len(await rows(teams, Win)) == 1


async def test_ask_a_human_posts_to_the_it_conversation(teams):
    await teams.send(activity("teams_installation_update_add", teams.connector.url,
                              conversation={"isGroup": True, "id": "19:it-help@thread.tacv2", "name": "IT help",
                                            "conversationType": "channel", "tenantId": "tenant-brightline"}))  # fmt: skip
    await teams.connector.wait()
    await teams.say("can I use DeepSeek?")
    sent = await teams.connector.wait(2)
    human = next(a for a in card_of(sent[1])["actions"] if a["title"] == "Ask a human")
    await teams.submit(human["data"])
    sent = await teams.connector.wait(4)
    to_it = next(s for s in sent[2:] if s.conversation.startswith("19:it-help"))
    assert runs(card_of(to_it))[0] == "💡 Ana Lima would like a human answer"


async def test_installation_saves_the_conversation_and_a_restart_can_still_post(teams, kb, connector):
    await teams.send(activity("teams_installation_update_add", connector.url))
    (welcome,) = await connector.wait()
    assert runs(card_of(welcome))[0].startswith("💡 Hi, I'm aiguide")
    (stored,) = await rows(teams, StoredAddress)
    assert (stored.key, stored.kind, stored.name) == ("19:leadership@thread.tacv2", "channel", "Leadership")

    # A new process: nothing in memory, only the database.
    server, restarted = await start_teams(kb, teams.services.database, connector)
    try:
        reply = Reply(status=Status.INFO, headline="Weekly AI digest: 42 hours saved")
        posted = await restarted.bot.send_to("19:leadership@thread.tacv2", reply)
        assert posted is not None and posted.startswith("19:leadership@thread.tacv2;messageid=")  # its thread
        sent = await connector.wait(2)
        assert runs(card_of(sent[1]))[0] == "💡 Weekly AI digest: 42 hours saved"
        assert (
            sent[1].conversation == "19:leadership@thread.tacv2" and sent[1].reply_to is None
        )  # a new thread
        assert await restarted.bot.send_to("19:unknown@thread.tacv2", reply) is None
    finally:
        await restarted.session.close()
        await server.close()


async def test_personal_conversation_proactive_message(teams):
    await teams.say("hello")
    await teams.connector.wait()
    assert await teams.bot.send_to(
        "a:1personal-ana", Reply(status=Status.INFO, headline="What did AI help you with?")
    )
    sent = await teams.connector.wait(2)
    assert sent[1].conversation == "a:1personal-ana"
    assert runs(card_of(sent[1]))[0] == "💡 What did AI help you with?"


async def test_not_json_is_refused(teams):
    response = await teams.session.post(
        f"{teams.base_url}/api/messages", data="hi", headers={"Content-Type": "text/plain"}
    )
    assert response.status == 415


async def test_connector_errors_are_retried_and_a_failed_proactive_send_is_reported(teams, connector):
    import json

    import pytest

    from bot.teams.delivery import DeliveryFailed

    # 429 with Retry-After, then 500: the answer still arrives, on the third try.
    connector.failing = [429, 500]
    await teams.say("can I paste a client contract into ChatGPT Enterprise?")
    (answer,) = await connector.wait(1, timeout=15)
    assert [status for status, _ in connector.refused] == [429, 500]
    assert "ChatGPT Enterprise" in json.dumps(answer.activity)

    # A proactive post the connector keeps refusing: the caller hears of it, and no apology is posted.
    connector.failing = [500, 500, 500]
    reply = Reply(status=Status.INFO, headline="Weekly AI digest: 42 hours saved")
    with pytest.raises(DeliveryFailed, match="HTTP 500"):
        await teams.bot.send_to("a:1personal-ana", reply)
    assert len(connector.sent) == 1 and "Sorry" not in json.dumps([s.activity for s in connector.sent])

    # 4xx is not retried.
    connector.failing = [403]
    with pytest.raises(DeliveryFailed, match="HTTP 403"):
        await teams.bot.send_to("a:1personal-ana", reply)
    assert [status for status, _ in connector.refused][-2:] == [500, 403]


async def test_one_welcome_per_install(teams, connector):
    # Teams sends an installation update and a members-added event for the same install.
    await teams.send(activity("teams_installation_update_add", connector.url))
    await connector.wait(1)
    added = activity("teams_installation_update_add", connector.url)
    added.update(type="conversationUpdate", membersAdded=[{"id": added["recipient"]["id"]}], id="added-1")
    added.pop("action", None)
    await teams.send(added)
    await asyncio.sleep(0.3)
    assert len(connector.sent) == 1


async def test_a_form_shared_in_a_channel_stores_one_win_for_each_person(teams):
    await teams.say("win")
    (form,) = await teams.connector.wait(1)
    submit = card_of(form)["actions"][0]["data"]
    values = {**submit, "minutes": "30m", "tool": "m365-copilot", "task": "summarised the board pack",
              "department": "Strategy"}  # fmt: skip
    await teams.submit(values, reply_to="shared-form")
    await teams.submit(values, reply_to="shared-form", sender={"id": "29:2ben", "name": "Ben Okafor"})
    sent = await teams.connector.wait(3)
    assert runs(card_of(sent[1]))[0].startswith("✅ Logged win #1")
    assert runs(card_of(sent[2]))[0].startswith("✅ Logged win #2")  # not "Already logged" with Ana's win
    assert len(await rows(teams, Win)) == 2


async def test_typing_shows_before_the_answer(teams):
    await teams.say("is Otter ok for meeting notes?")
    (sent,) = await teams.connector.wait()
    assert teams.connector.typing == [(sent.conversation, 0)]  # sent when no message had gone out yet
    assert runs(card_of(sent))[0].startswith("⛔")


async def test_a_database_that_is_down_does_not_hold_back_the_answer(teams, monkeypatch):
    async def down(_work):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(teams.services.database, "run", down)
    await teams.say("is Otter ok for meeting notes?")
    (sent,) = await teams.connector.wait()
    assert runs(card_of(sent))[0].startswith("⛔")


async def test_an_old_undo_card_after_a_new_win_replaces_itself_and_acts_once(teams):
    await teams.say("win 45m drafted the RFP response with Copilot -> sent to the client two days early")
    await teams.say("win 30m summarized the board pack with Copilot -> decided in one meeting")
    first, _ = await teams.connector.wait(2)
    (undo,) = [a["data"] for a in card_of(first)["actions"] if a["title"] == "Undo"]

    await teams.submit(undo, reply_to="card-of-win-1")  # the older card, pressed after the new win
    (updated,) = teams.connector.updated or [None]
    assert updated is not None and updated.reply_to == "card-of-win-1"
    assert runs(card_of(updated))[0].startswith("✅ Removed win #1")
    assert "actions" not in card_of(updated) or not card_of(updated)["actions"]
    assert [w.id for w in await rows(teams, Win)] == [2]

    await teams.submit(undo, reply_to="card-of-win-1")  # a second device still showing the old card
    (_, _, error) = await teams.connector.wait(3)
    assert not runs(card_of(error))[0].startswith("✅ Removed")  # told, as a message of its own
    assert len(teams.connector.updated) == 1 and [w.id for w in await rows(teams, Win)] == [2]
