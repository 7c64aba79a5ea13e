"""Pressed buttons, as a person would press them: an old button, the same button twice, a vote in a DM."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fakes.slack_client import payload
from sqlmodel import select

from storage.models import QuestionVote, Win

from .test_slack_http import buttons, rows, texts


async def log_win(slack, line: str) -> dict:
    count = len(slack.fake.of("response_url"))
    await slack.command(line, command="/aiwin")
    return (await slack.fake.wait_for("response_url", count + 1))[-1]


async def press_button(slack, label: str, message: dict) -> dict:
    """Presses the button labelled `label` of an ephemeral message, as Slack sends it (no message content)."""
    (value,) = [v for text, v in buttons(message["blocks"]) if text == label]
    count = len(slack.fake.of("response_url"))
    await slack.press(value["c"], value["t"])
    return (await slack.fake.wait_for("response_url", count + 1))[-1]


def wins_counted() -> float:
    from bot.metrics import REGISTRY

    return REGISTRY.get_sample_value("aiguide_wins_logged_total", {"surface": "slack"}) or 0.0


async def test_an_old_undo_after_a_new_win_takes_back_its_own_win_and_only_once(slack):
    counted = wins_counted()
    first = await log_win(slack, "45m drafted the RFP response with Copilot -> sent to the client early")
    second = await log_win(slack, "30m summarized the board pack with Copilot -> decided in one meeting")
    assert first["text"].startswith("Logged win #1") and second["text"].startswith("Logged win #2")
    assert wins_counted() == counted + 2  # /metrics counts what was stored

    undone = await press_button(slack, "Undo", first)  # the older message's button, pressed after the new win
    assert undone["replace_original"] is True  # the confirmation becomes the result: no Undo left on it
    assert "Removed win #1" in undone["text"] and buttons(undone["blocks"]) == []
    assert [w.id for w in await rows(slack, Win)] == [2]

    again = await press_button(slack, "Undo", first)  # a second client still showing the old message
    assert again["replace_original"] is False  # an error is a reply of its own; win #2 is untouched
    assert "Removed" not in again["text"]
    assert [w.id for w in await rows(slack, Win)] == [2]


async def test_a_vote_on_an_answer_in_a_dm_replaces_its_buttons_with_the_thanks(slack):
    await slack.event("slack_event_message_im", text="can I paste a client contract into ChatGPT?")
    (posted,) = await slack.fake.wait_for("chat.postMessage")
    # What Slack sends back when the DM's 👍 is pressed: the message, its blocks with Slack's block ids.
    blocks = [{**block, "block_id": f"b{i}"} for i, block in enumerate(posted["blocks"])]
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    (up,) = [e for e in actions["elements"] if e["text"]["text"] == "👍 Helpful"]
    body = payload("slack_block_actions")
    body["container"] = {"type": "message", "message_ts": "1764170000.000400", "channel_id": posted["channel"],
                         "is_ephemeral": False}  # fmt: skip
    body["channel"] = {"id": posted["channel"], "name": "directmessage"}
    body["message"] = {"type": "message", "ts": "1764170000.000400", "text": posted["text"], "blocks": blocks}
    body["response_url"] = slack.response_url
    body["actions"] = [{**up, "block_id": actions["block_id"], "action_ts": "1764170300.000001"}]
    await slack.post(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")

    (updated,) = await slack.fake.wait_for("response_url")
    assert updated["replace_original"] is True
    assert buttons(updated["blocks"]) == []  # no second vote from an old button
    assert texts(updated["blocks"]).startswith(texts(blocks[:1]))  # the answer itself stays
    assert "Thanks, glad it helped." in texts(updated["blocks"])
    with slack.services.database.session() as session:
        assert [v.helpful for v in session.exec(select(QuestionVote))] == [True]


async def test_choosing_an_outcome_leaves_the_confirmation_and_its_undo(slack):
    logged = await log_win(slack, "45m drafted the RFP response with Copilot")
    labels = [text for text, _ in buttons(logged["blocks"])]
    assert "Undo" in labels and len(labels) > 1  # Undo and the outcomes to pick from
    outcome = next(text for text in labels if text != "Undo")
    chosen = await press_button(slack, outcome, logged)
    assert chosen["replace_original"] is False and chosen["text"].startswith("Updated win #1")
    undone = await press_button(slack, "Undo", logged)  # still there, still works
    assert undone["replace_original"] is True and "Removed win #1" in undone["text"]
    assert await rows(slack, Win) == []


async def test_a_win_confirmation_has_three_buttons_and_the_rest_in_a_menu_that_works(slack):
    logged = await log_win(slack, "45m drafted the RFP response with Copilot")
    (row,) = [b for b in logged["blocks"] if b["type"] == "actions"]
    kinds = [e["type"] for e in row["elements"]]
    assert kinds == ["button", "button", "button", "static_select"]
    assert row["elements"][0]["text"]["text"] != "Undo"  # never first
    menu = row["elements"][-1]
    assert "Undo" in [o["text"]["text"] for o in menu["options"]]
    learning = next(o for o in menu["options"] if o["text"]["text"] == "Learning")
    body = payload("slack_block_actions")
    body["response_url"] = slack.response_url
    body["actions"] = [{"action_id": menu["action_id"], "block_id": "b1", "type": "static_select",
                        "selected_option": learning, "action_ts": "1764170299.000001"}]  # fmt: skip
    count = len(slack.fake.of("response_url"))
    await slack.post(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")
    chosen = (await slack.fake.wait_for("response_url", count + 1))[-1]
    assert chosen["text"].startswith("Updated win #1")
    (win,) = await rows(slack, Win)
    assert win.outcome_category == "learning"
