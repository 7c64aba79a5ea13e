"""The one module that imports the openai package: chat completions against any OpenAI-compatible
endpoint, with structured outputs where the endpoint offers them."""

from __future__ import annotations

import asyncio
import logging

from openai import AsyncOpenAI, BadRequestError

from bot.llm.reader import Refused

log = logging.getLogger(__name__)


class OpenAIChat:
    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float):
        # One retry of the client's own (5xx, 429, a dropped connection); the reader bounds the total.
        self._options = {"base_url": base_url, "api_key": api_key or "not-needed", "timeout": timeout}
        self._options["max_retries"] = 1
        self._clients: dict[int, AsyncOpenAI] = {}
        self.model = model
        self._structured = True  # until the endpoint says it has no json_schema response format

    def _client(self) -> AsyncOpenAI:
        """A client per event loop: its connection pool belongs to the loop it was made in (the CLI runs
        one loop per answer, the server one for its life)."""
        loop = id(asyncio.get_running_loop())
        if loop not in self._clients:
            self._clients = {loop: AsyncOpenAI(**self._options)}
        return self._clients[loop]

    async def complete(self, system: str, question: str, schema: dict) -> tuple[str, int]:
        """The model's text and the tokens it used."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": question}]
        response = None
        if self._structured:
            try:
                response = await self._client().chat.completions.create(
                    model=self.model, messages=messages, temperature=0,  # type: ignore[arg-type]
                    response_format={"type": "json_schema",
                                     "json_schema": {"name": "reading", "strict": True, "schema": schema}},
                )  # fmt: skip
            except BadRequestError as error:
                if "response_format" not in str(error) and "json_schema" not in str(error):
                    raise  # refused for another reason (a content filter, the length): not a format matter
                log.warning(
                    "the model endpoint refused structured outputs (%s); asking for JSON instead", error
                )
                self._structured = False
        if response is None:
            response = await self._client().chat.completions.create(
                model=self.model, messages=messages, temperature=0,  # type: ignore[arg-type]
                response_format={"type": "json_object"},
            )  # fmt: skip
        message = response.choices[0].message
        if getattr(message, "refusal", None):
            raise Refused(message.refusal)
        tokens = response.usage.total_tokens if response.usage else 0
        return message.content or "", tokens

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
