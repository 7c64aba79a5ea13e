"""A local stand-in for the Bot Framework connector (the serviceUrl Teams gives a bot): records activities."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer

MEMBERS = {
    "29:1ana": {"id": "29:1ana", "name": "Ana Lima", "email": "ana.lima@brightline.example",
                "userPrincipalName": "ana.lima@brightline.example", "aadObjectId": "aad-ana"},
}  # fmt: skip


@dataclass
class Sent:
    conversation: str
    reply_to: str | None
    activity: dict
    authorization: str | None
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic())


@dataclass
class FakeConnector:
    sent: list[Sent] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    threads: dict[str, dict] = field(default_factory=dict)  # each new channel thread's id → its first post
    server: TestServer | None = None
    # Answers to give first to sends and conversation creations: an HTTP status (500, 429 comes with
    # Retry-After: 0), then the connector works again.
    failing: list[int] = field(default_factory=list)
    refused: list[tuple[int, dict]] = field(default_factory=list)  # (status, body) of refused calls
    # Typing indicators, kept apart from messages: (conversation, how many messages had been sent before it)
    typing: list[tuple[str, int]] = field(default_factory=list)
    updated: list[Sent] = field(default_factory=list)  # cards replaced in place (PUT on an activity)
    _ids = itertools.count(1)

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        self._changed = asyncio.Condition()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[Sent]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), timeout)
        return self.sent

    async def _fail(self, request: web.Request) -> web.Response | None:
        if not self.failing:
            return None
        status = self.failing.pop(0)
        self.refused.append((status, await request.json()))
        headers = {"Retry-After": "0"} if status == 429 else {}
        return web.json_response({"error": {"code": "ServiceError", "message": "try later"}}, status=status,
                                 headers=headers)  # fmt: skip

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("type") == "typing":
            self.typing.append((request.match_info["cid"], len(self.sent)))
            return web.json_response({"id": f"typing-{next(self._ids)}"})
        if (failed := await self._fail(request)) is not None:
            return failed
        async with self._changed:
            self.sent.append(
                Sent(
                    request.match_info["cid"],
                    request.match_info.get("aid"),
                    await request.json(),
                    request.headers.get("Authorization"),
                )
            )
            self._changed.notify_all()
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _update(self, request: web.Request) -> web.Response:
        if (failed := await self._fail(request)) is not None:
            return failed
        async with self._changed:
            self.updated.append(Sent(request.match_info["cid"], request.match_info["aid"], await request.json(),
                                     request.headers.get("Authorization")))  # fmt: skip
            self._changed.notify_all()
        return web.json_response({"id": request.match_info["aid"]})

    async def _create(self, request: web.Request) -> web.Response:
        if (failed := await self._fail(request)) is not None:
            return failed
        body = await request.json()
        self.created.append(body)
        activity = body.get("activity") or {}
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id", "19:new@thread.tacv2")
        message_id = f"{next(self._ids)}000"
        self.threads[f"{channel};messageid={message_id}"] = activity
        async with self._changed:
            self.sent.append(Sent(channel, None, activity, request.headers.get("Authorization")))
            self._changed.notify_all()
        return web.json_response({"id": f"{channel};messageid={message_id}", "activityId": message_id})

    async def _member(self, request: web.Request) -> web.Response:
        member = MEMBERS.get(request.match_info["uid"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)
