"""The same flows over Socket Mode: envelopes in over a WebSocket, acknowledged, answered via the Web API."""

from __future__ import annotations

import json

from fakes.slack_client import payload
from sqlmodel import select

from storage.models import Win


async def test_slash_command_over_socket_mode(socket_slack):
    fields = payload("slack_slash_command")
    fields.update(text="is Otter ok for meeting notes?", response_url=socket_slack.response_url())
    ack = await socket_slack.envelope("slash_commands", fields)
    assert "envelope_id" in ack
    (answer,) = await socket_slack.wait_for("response_url")
    assert answer["text"] == "No, don't use Otter.ai for this."


async def test_dm_event_over_socket_mode(socket_slack):
    await socket_slack.envelope("events_api", payload("slack_event_message_im"))
    (posted,) = await socket_slack.wait_for("chat.postMessage")
    assert (posted["channel"], posted["text"]) == ("D0ANA", "No, don't use Otter.ai for this.")


async def test_win_modal_validation_over_socket_mode(socket_slack):
    body = payload("slack_view_submission")
    body["view"]["state"]["values"]["minutes"]["value"]["value"] = "41h"
    ack = await socket_slack.envelope("interactive", body)
    assert ack["payload"]["response_action"] == "errors"
    assert "40 hours at most" in ack["payload"]["errors"]["minutes"]
    with socket_slack.services.database.session() as session:
        assert session.exec(select(Win)).all() == []
    good = await socket_slack.envelope("interactive", payload("slack_view_submission"))
    assert good.get("payload") in (None, {}, "")
    (confirmation,) = await socket_slack.wait_for("chat.postEphemeral")
    assert json.dumps(confirmation).count("Logged win #1") >= 1
