"""How `aiguide serve` logs: JSON lines (one object per line, for a log pipeline) or plain text for
development, chosen by AIGUIDE_LOG_FORMAT. Every library's records go through the same renderer."""

from __future__ import annotations

import logging
import sys

import structlog
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    structlog.stdlib.PositionalArgumentsFormatter(),
    structlog.processors.format_exc_info,
]


def configure(log_format: str = "json", level: str = "INFO") -> None:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiguide's own structured lines (one per request) are rendered and written directly: through the
    # standard library's records and formatter they cost twice the CPU, on every answer.
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
            structlog.processors.format_exc_info,
            renderer,
        ],
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )


def answered(**fields) -> None:
    """One line per request answered: request id, surface, command, outcome and latency; never its text."""
    structlog.get_logger().info("answered", **fields, logger="aiguide.requests")


class RefusedRequests(AbstractAccessLogger):
    """aiohttp's access log, kept to what an operator acts on: every request refused or failed (status 400
    and up) at info; every request only at debug. An answered request already has its `answered` line,
    and health probes every few seconds would bury the rest."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        if response.status < 400 and not self.logger.isEnabledFor(logging.DEBUG):
            return
        structlog.get_logger().info(
            "http", logger="aiguide.http", method=request.method, path=request.path, status=response.status,
            ms=round(time * 1000, 1), remote=request.remote,
        )  # fmt: skip

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
