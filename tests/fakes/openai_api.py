"""A local stand-in for an OpenAI-compatible endpoint: POST /v1/chat/completions in the real wire format
(the shape OpenAI, vLLM, Ollama and llama.cpp servers answer in). Tests queue what the model says, make it
slow or failing, and read the request bodies it received."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class FakeOpenAI:
    replies: list = field(
        default_factory=list
    )  # dicts (the model's JSON), strings (raw text), or ints (HTTP status)
    delay: float = 0.0
    structured: bool = True  # False: answers 400 to a json_schema response format, as some servers do
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    server: TestServer | None = None

    async def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/v1"))

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self.structured and (body.get("response_format") or {}).get("type") == "json_schema":
            return web.json_response(
                {"error": {"message": "response_format json_schema is not supported", "type": "invalid_request_error",
                           "param": "response_format", "code": None}}, status=400)  # fmt: skip
        reply = self.replies.pop(0) if self.replies else {}
        if isinstance(reply, int):
            return web.json_response(
                {"error": {"message": "upstream failed", "type": "server_error"}}, status=reply
            )
        content = reply if isinstance(reply, str) else json.dumps(reply)
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": 1764170000,
            "model": body.get("model", "local"),
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None}}],
            "usage": {"prompt_tokens": 400, "completion_tokens": 30, "total_tokens": 430},
        })  # fmt: skip


def reading(**fields) -> dict:
    """A model answer in the reading schema, with the fields not given empty."""
    return {
        "tool_ids": [],
        "unknown_tools": [],
        "data_class": None,
        "use_case": None,
        "language": "en",
        **fields,
    }
