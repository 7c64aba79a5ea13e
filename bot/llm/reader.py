"""The model's reading of a question, bounded: a timeout for the whole call (its retry included), a circuit
breaker for a failing endpoint, and None, never an exception, whenever anything goes wrong."""

from __future__ import annotations

import asyncio
import logging
import time

from bot import metrics
from knowledge.base import KnowledgeBase
from knowledge.model_reading import ModelReading, instructions, parse, schema

log = logging.getLogger(__name__)

FAILURES_TO_OPEN = 3
OPEN_SECONDS = 60.0


class Refused(Exception):
    """The model declined to answer (the API's `refusal` field)."""


class Breaker:
    """After FAILURES_TO_OPEN failures in a row the endpoint is left alone for OPEN_SECONDS; then one call
    is tried again."""

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
        self, chat, *, timeout: float, breaker: Breaker | None = None, described: dict | None = None
    ):
        self.chat = chat
        self.timeout = timeout
        self.breaker = breaker or Breaker()
        self.described = described or {"enabled": True}

    def health(self) -> dict:
        return {**self.described, "state": "paused after failures" if self.breaker.is_open() else "ok"}

    async def read(self, question: str, kb: KnowledgeBase) -> ModelReading | None:
        """`question` is already redacted; nothing about the person is sent."""
        if self.breaker.is_open():
            metrics.llm_fallback("circuit_open")
            return None
        try:
            text, tokens = await asyncio.wait_for(
                self.chat.complete(instructions(kb), question, schema(kb)), self.timeout
            )
        except TimeoutError:
            return self._failed("timeout")
        except Refused:
            return self._failed("refused")
        except Exception as error:  # any error of the endpoint or the client: answer without the model
            log.warning("the language model could not read the question: %s: %s", type(error).__name__, error)
            return self._failed("error")
        metrics.llm_tokens(tokens)
        reading = parse(text, kb)
        if reading is None:
            return self._failed("unreadable")
        self.breaker.succeeded()
        return reading

    def _failed(self, reason: str) -> None:
        metrics.llm_fallback(reason)
        self.breaker.failed()
        return None
