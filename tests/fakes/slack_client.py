"""Sends Slack's requests to aiguide's real HTTP endpoint, signed the way Slack signs them."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientResponse, ClientSession
from slack_sdk.signature import SignatureVerifier

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


class SlackDriver:
    def __init__(self, base_url: str, secret: str, response_url: str):
        self.base_url = base_url
        self.verifier = SignatureVerifier(secret)
        self.response_url = response_url
        self.session = ClientSession()
        self._n = 0

    async def close(self) -> None:
        await self.session.close()

    def _next(self) -> int:
        self._n += 1
        return self._n

    async def post(
        self,
        raw: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers=None,
    ) -> ClientResponse:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signed = signature or self.verifier.generate_signature(timestamp=ts, body=raw)
        response = await self.session.post(
            f"{self.base_url}/slack/events",
            data=raw.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signed,
                **(headers or {}),
            },
        )
        await response.read()
        return response

    async def command(
        self, text: str, command: str = "/aiguide", user: str = "U0ANA", **fields
    ) -> ClientResponse:
        body = payload("slack_slash_command")
        n = self._next()
        body.update(
            text=text, command=command, user_id=user, trigger_id=f"1334.{n}.trigger",
            response_url=self.response_url, **fields,
        )  # fmt: skip
        return await self.post(urlencode(body), "application/x-www-form-urlencoded")

    async def event(
        self, name: str, *, retry: int | None = None, event_id: str | None = None, **event
    ) -> ClientResponse:
        body = payload(name)
        body["event"].update(event)
        body["event_id"] = event_id or f"Ev{self._next():08d}"
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(json.dumps(body), "application/json", headers=headers)

    async def interact(self, body: dict) -> ClientResponse:
        return await self.post(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")

    async def shortcut(self, name: str, *, message_text: str | None = None, **fields) -> ClientResponse:
        """A message shortcut (`slack_message_shortcut`) or a global one (`slack_global_shortcut`), in the
        shape of Slack's reference for shortcut payloads; `message_text` replaces the message's text."""
        body = copy.deepcopy(payload(name))
        body["trigger_id"] = f"{body['trigger_id']}.{self._next()}"
        if "response_url" in body:
            body["response_url"] = self.response_url
        if message_text is not None:
            body["message"]["text"] = message_text
        body.update(fields)
        return await self.interact(body)

    async def press(
        self, command: str, text: str, *, user: str = "U0ANA", response_url: bool = True
    ) -> ClientResponse:
        body = payload("slack_block_actions")
        body["user"]["id"] = user
        body["actions"][0]["value"] = json.dumps({"c": command, "t": text})
        body["actions"][0]["action_ts"] = f"1764170200.{self._next():06d}"
        if response_url:
            body["response_url"] = self.response_url
        else:
            body.pop("response_url")
        return await self.interact(body)

    async def submit(
        self,
        values: dict[str, object],
        *,
        metadata: dict | None = None,
        view_id: str = "V0WINFORM1",
        user: str | None = None,
    ):
        """A view_submission with the given inputs: strings for text, ('select', value), ('check', bool)."""
        body = copy.deepcopy(payload("slack_view_submission"))
        state = {}
        for name, value in values.items():
            if isinstance(value, tuple) and value[0] == "select":
                element = {
                    "type": "static_select",
                    "selected_option": {"value": value[1]} if value[1] else None,
                }
            elif isinstance(value, tuple) and value[0] == "check":
                element = {"type": "checkboxes", "selected_options": [{"value": "true"}] if value[1] else []}
            else:
                element = {"type": "plain_text_input", "value": value}
            state[name] = {"value": element}
        body["view"]["state"]["values"] = state
        body["view"]["id"] = view_id
        if user is not None:
            body["user"]["id"] = user
        if metadata is not None:
            body["view"]["private_metadata"] = json.dumps(metadata)
        return await self.interact(body)
