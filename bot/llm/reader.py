"""The model's reading of a question, bounded: a timeout for the whole call (its retry included), a circuit
breaker for a failing endpoint, and None, never an exception, whenever anything goes wrong."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from bot import metrics
from knowledge.base import KnowledgeBase
from knowledge.model_reading import ModelReading, ModelUse, instructions, parse, schema

log = logging.getLogger(__name__)

FAILURES_TO_OPEN = 3
MIN_PHRASING_SECONDS = 0.5  # less left of the timeout than this: the engine's words go out at once
PHRASING = (
    "You summarise, for an employee, the answer an IT policy bot gives about using an AI tool. The JSON "
    "holds the verdict and everything that may be said. Write two or three short sentences in {language} "
    "(an ISO code): first whether they may do it (a refusal starts with the no), then the conditions or "
    "what to use instead. Never change the verdict, never name a tool the JSON does not name, add no "
    'advice of your own. Answer with JSON: {{"text": "..."}}.'
)
PHRASING_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {"text": {"type": "string"}},
}
OPEN_SECONDS = 60.0


class Refused(Exception):
    """The model declined to answer (the API's `refusal` field)."""


class Breaker:
    """After FAILURES_TO_OPEN failures in a row the endpoint is left alone for OPEN_SECONDS; then calls
    go to it again, and the count starts over."""

    def __init__(self, failures: int = FAILURES_TO_OPEN, seconds: float = OPEN_SECONDS):
        self.failures, self.seconds = failures, seconds
        self._in_a_row = 0
        self._until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._until

    def failed(self) -> None:
        self._in_a_row += 1
        if self._in_a_row >= self.failures:
            self._until = time.monotonic() + self.seconds
            self._in_a_row = 0
            log.warning("the language model failed %d times in a row: not called for %.0f s", self.failures,
                        self.seconds)  # fmt: skip

    def succeeded(self) -> None:
        self._in_a_row = 0


class ModelReader:
    def __init__(
        self,
        chat,
        *,
        timeout: float,
        breaker: Breaker | None = None,
        described: dict | None = None,
        phrasing: bool = False,
    ):
        self.chat = chat
        self.timeout = timeout
        self.phrasing = phrasing  # the model also words answers (handlers.phrasing)
        self.breaker = breaker or Breaker()
        self.described = described or {"enabled": True}

    def health(self) -> dict:
        return {**self.described, "state": "paused after failures" if self.breaker.is_open() else "ok"}

    async def read(
        self, question: str, kb: KnowledgeBase, use: ModelUse | None = None
    ) -> ModelReading | None:
        """`question` is already redacted; nothing about the person is sent."""
        use = use if use is not None else ModelUse()
        text = await self._complete(instructions(kb), question, schema(kb), self.timeout, use)
        if text is None:
            return None
        reading = parse(text, kb)
        if reading is None:
            return self._failed("unreadable", use)
        self.breaker.succeeded()
        return reading

    async def phrase(
        self, facts: dict, language: str, *, budget: float, use: ModelUse | None = None
    ) -> str | None:
        """The engine's answer (`facts`) in words, in `language`; None when there is no time left or the
        model fails. The caller checks the wording against the answer."""
        use = use if use is not None else ModelUse()
        if budget < MIN_PHRASING_SECONDS:
            self.fell_back("timeout", use)
            return None
        facts_text = json.dumps(facts, ensure_ascii=False)
        text = await self._complete(
            PHRASING.format(language=language), facts_text, PHRASING_SCHEMA, budget, use
        )
        if text is None:
            return None
        try:
            worded = json.loads(text.strip().strip("`").removeprefix("json")).get("text")
        except (ValueError, AttributeError):
            worded = None
        if not isinstance(worded, str):
            return self._failed("unreadable", use)
        self.breaker.succeeded()
        return worded

    def fell_back(self, reason: str, use: ModelUse | None = None) -> None:
        """The answer goes out without the model's part (`reason`: see metrics.llm_fallback)."""
        metrics.llm_fallback(reason)
        if use is not None:
            use.fell_back(reason)

    def rejected(self, use: ModelUse | None = None) -> None:
        self.fell_back("contradicted", use)

    async def _complete(
        self, system: str, user: str, answer_schema: dict, seconds: float, use: ModelUse
    ) -> str | None:
        if self.breaker.is_open():
            self.fell_back("circuit_open", use)
            return None
        try:
            text, tokens = await asyncio.wait_for(self.chat.complete(system, user, answer_schema), seconds)
        except TimeoutError:
            return self._failed("timeout", use)
        except Refused:
            return self._failed("refused", use)
        except Exception as error:  # any error of the endpoint or the client: answer without the model
            log.warning("the language model failed: %s: %s", type(error).__name__, error)
            return self._failed("error", use)
        metrics.llm_tokens(tokens)
        use.tokens += max(tokens, 0)
        return text

    def _failed(self, reason: str, use: ModelUse) -> None:
        log.info("answering without the language model: %s", reason)
        self.fell_back(reason, use)
        self.breaker.failed()
        return None
