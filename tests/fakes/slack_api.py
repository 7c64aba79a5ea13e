"""A local HTTP stand-in for the Slack Web API (and response_url hooks) that records every call."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_USER = "UBOT0001"


@dataclass
class Call:
    method: str
    params: dict
    peer: tuple | None = None  # the caller's address and port: which connection the call came over
    hook: str | None = None  # for response_url posts: which hook (the last part of the URL) was posted to
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic())


@dataclass
class FakeSlackAPI:
    users: dict[str, dict] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    rate_limited: dict[str, int] = field(
        default_factory=lambda: defaultdict(int)
    )  # method → 429s to send first
    # method (or "response_url") → answers to give first: an HTTP status (500, 404) or a Slack error
    # string ("not_in_channel"), then the method works again
    failing: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    slow: float = 0.0  # seconds every response_url post takes: answers still in flight when it matters
    delays: dict[str, float] = field(default_factory=dict)  # method → seconds it takes to answer
    # method (or "response_url") → (until, status): set by outage(); every call is refused with the status
    # until time.monotonic() passes `until` (a 429 with Retry-After: the seconds left, as Slack says)
    outages: dict[str, tuple[float, int]] = field(default_factory=dict)
    history: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))  # channel → messages
    tokens: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # method → tokens used
    server: TestServer | None = None
    sockets: list = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    _envelopes: int = 0
    _changed: asyncio.Condition | None = None

    async def start(self) -> FakeSlackAPI:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{hook}", self._response_url)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        self._changed = asyncio.Condition()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def api_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/api/"))

    def response_url(self, hook: str = "hook") -> str:
        assert self.server is not None
        return str(self.server.make_url(f"/response/{hook}"))

    def add_user(self, user_id: str, name: str, email: str | None = None) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower().replace(" ", "."),
            "profile": {"real_name": name, "display_name": name, **({"email": email} if email else {})},
        }

    def outage(self, method: str, status: int, seconds: float) -> None:
        """For the next `seconds`, `method` (or "response_url") answers `status` (429, 500, 503): a burst
        of Slack's rate limits or errors, by time rather than by count."""
        self.outages[method] = (time.monotonic() + seconds, status)

    async def _in_outage(self, method: str) -> web.Response | None:
        until, status = self.outages.get(method, (0.0, 0))
        left = until - time.monotonic()
        if left <= 0:
            return None
        await self._record(f"failed:{method}", {"failure": status})
        headers = {"Retry-After": str(max(1, math.ceil(left)))} if status == 429 else {}
        error = "ratelimited" if status == 429 else "fatal_error"
        return web.json_response({"ok": False, "error": error}, status=status, headers=headers)

    def of(self, method: str) -> list[dict]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        """Bolt answers after the ack, in the background: wait until the calls have arrived."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.of(method)) >= count), timeout)
        return self.of(method)

    async def _record(
        self, method: str, params: dict, request: web.Request | None = None, hook: str | None = None
    ) -> None:
        assert self._changed is not None
        peer = request.transport.get_extra_info("peername") if request and request.transport else None
        async with self._changed:
            self.calls.append(Call(method, params, peer, hook))
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = request.headers.get("Authorization", "")
        if method == "oauth.v2.access":
            form = dict(parse_qsl(await request.text()))
            await self._record(method, form)
            return web.json_response(self._installation(form))
        if method == "apps.connections.open":
            if not token.startswith("Bearer xapp-"):
                return web.json_response({"ok": False, "error": "invalid_auth"})
            await self._record(method, {})
            return web.json_response(
                {"ok": True, "url": str(self.server.make_url("/link")).replace("http", "ws", 1)}
            )
        # xwfp-: the token Slack gives with a workflow step's function_executed event, for that step
        if not token.startswith(("Bearer xoxb-", "Bearer xwfp-")):
            return web.json_response({"ok": False, "error": "not_authed"})
        self.tokens[method].append(token.removeprefix("Bearer "))
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
            if _caller_gone(request):
                return web.Response(status=499)  # the caller died meanwhile: Slack never got the call
        if (refused := await self._in_outage(method)) is not None:
            return refused
        if self.failing[method]:
            failure = self.failing[method].pop(0)
            await self._record(f"failed:{method}", {"failure": failure})
            if isinstance(failure, int):
                return web.json_response({"ok": False, "error": "fatal_error"}, status=failure)
            return web.json_response({"ok": False, "error": failure})
        if self.rate_limited[method] > 0:
            self.rate_limited[method] -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"}
            )
        raw = await request.text()
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
            for key in ("blocks", "view", "metadata"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        params = {**dict(request.query), **params}  # some methods send their arguments in the query string
        await self._record(method, params, request)
        return web.json_response(self._answer(method, params))

    # --- Socket Mode: Slack's side of the WebSocket -------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0AIGUIDE"}}
        )
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                data = json.loads(message.data)
                await self._record("socket_ack", data)
        return socket

    async def connected(self, timeout: float = 5.0) -> None:
        await self.wait_for("apps.connections.open", timeout=timeout)
        for _ in range(int(timeout * 20)):
            if self.sockets:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("aiguide never opened the Socket Mode connection")

    async def envelope(self, kind: str, payload: dict) -> dict:
        """Deliver one envelope the way Slack does, and return aiguide's acknowledgement."""
        self._envelopes += 1
        envelope_id = f"env-{self._envelopes}"
        await self.sockets[-1].send_json(
            {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": kind != "events_api",
             "retry_attempt": 0, "retry_reason": ""}
        )  # fmt: skip
        acks = await self.wait_for("socket_ack", self._envelopes)
        return next(a for a in acks if a.get("envelope_id") == envelope_id)

    async def _upload(self, request: web.Request) -> web.Response:
        """files_upload_v2's second step: the bytes go to the URL that getUploadURLExternal gave."""
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - 1")

    async def _response_url(self, request: web.Request) -> web.Response:
        if self.slow:
            await asyncio.sleep(self.slow)
            if _caller_gone(request):
                return web.Response(status=499)
        if (refused := await self._in_outage("response_url")) is not None:
            return refused
        if self.failing["response_url"]:
            failure = self.failing["response_url"].pop(0)
            await self._record("failed:response_url", {"failure": failure})
            return web.Response(status=failure if isinstance(failure, int) else 404, text="expired_url")
        await self._record("response_url", await request.json(), request, request.match_info["hook"])
        return web.Response(text="ok")

    def _installation(self, form: dict) -> dict:
        """What Slack answers when a workspace admin approves the install (code → bot token)."""
        team = form.get("code", "").removeprefix("code-") or "T222"
        return {
            "ok": True, "app_id": "A0AIGUIDE", "authed_user": {"id": "U0ADMIN"}, "scope": "commands,chat:write",
            "token_type": "bot", "access_token": f"xoxb-{team.lower()}-bot-token", "bot_user_id": f"UBOT{team}",
            "team": {"id": team, "name": f"Workspace {team}"}, "enterprise": None, "is_enterprise_install": False,
        }  # fmt: skip

    def _answer(self, method: str, params: dict) -> dict:
        ts = f"{time.time():.6f}"
        if method == "auth.test":
            return {"ok": True, "url": "https://brightline.slack.com/", "team": "Brightline", "user": "aiguide",
                    "team_id": "T111", "user_id": BOT_USER, "bot_id": "B111", "is_enterprise_install": False}  # fmt: skip
        if method == "users.info":
            user = self.users.get(params.get("user", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.history":
            return {"ok": True, "messages": list(reversed(self.history[params.get("channel", "")])),
                    "has_more": False, "response_metadata": {"next_cursor": ""}}  # fmt: skip
        if method == "chat.postMessage":
            self.history[params.get("channel", "")].append(
                {"type": "message", "ts": ts, "text": params.get("text"), "metadata": params.get("metadata")}
            )
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text")},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "files.getUploadURLExternal":
            return {
                "ok": True,
                "upload_url": str(self.server.make_url("/upload/F0DIGEST")),
                "file_id": "F0DIGEST",
            }
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0DIGEST", "title": params.get("files", "")}]}
        if method in ("views.open", "views.publish", "views.update"):
            view = params.get("view") or {}
            return {"ok": True, "view": {"id": "V0001", "hash": "h1", **view}}
        return {"ok": True}


def _caller_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()
