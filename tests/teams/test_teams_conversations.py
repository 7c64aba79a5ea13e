"""Follow-ups and clarifying questions over Bot Framework activities: 1:1 chats and channel threads."""

from __future__ import annotations

from .conftest import activity
from .test_teams_http import card_of, runs


async def ask(teams, text: str, **changes) -> dict:
    before = len(teams.connector.sent)
    await teams.say(text, **changes)
    sent = await teams.connector.wait(before + 1)
    return card_of(sent[-1])


async def test_a_personal_chat_follow_up_continues(teams):
    first = await ask(teams, "can I paste a client contract into ChatGPT Enterprise?")
    assert runs(first)[0].startswith("✅ Yes, you can use ChatGPT Enterprise")
    follow = await ask(teams, "and claude?")
    assert "Claude (Team plan pilot): Allowed" in runs(follow)  # Ana is in the strategy pilot
    assert any("from your previous question" in text for text in runs(follow))


async def test_each_channel_thread_is_its_own_conversation(teams):
    def in_thread(root: str, text: str, message_id: str) -> dict:
        body = activity("teams_message_channel_mention", teams.connector.url, id=message_id)
        body["conversation"] = {
            **body["conversation"],
            "id": f"19:project-apollo@thread.tacv2;messageid={root}",
        }
        body["text"] = f"<at>aiguide</at> {text}"
        return body

    async def send(body) -> dict:
        before = len(teams.connector.sent)
        await teams.send(body)
        return card_of((await teams.connector.wait(before + 1))[-1])

    await send(in_thread("1001", "can I paste a client contract into ChatGPT Enterprise?", "1001"))
    other_thread = await send(in_thread("2002", "and claude?", "2002"))
    assert not any("from your previous question" in text for text in runs(other_thread))
    same_thread = await send(in_thread("1001", "and claude?", "1003"))
    assert any(
        "Confidential data" in text and "from your previous question" in text for text in runs(same_thread)
    )


async def test_a_clarify_card_offers_the_classes_and_a_choice_answers(teams):
    card = await ask(teams, "can I upload the export to ChatGPT Enterprise?")
    assert runs(card)[0] == "💡 It depends on what is in “the export”: which kind of information is it?"
    titles = [a["title"] for a in card["actions"]]
    assert titles[:4] == ["Public", "Internal", "Confidential", "Restricted"]
    restricted = next(a for a in card["actions"] if a["title"] == "Restricted")
    before = len(teams.connector.sent)
    await teams.submit(restricted["data"])
    answered = card_of((await teams.connector.wait(before + 1))[-1])
    assert runs(answered)[0] == "⚠️ Yes, you can use ChatGPT Enterprise, with conditions."
