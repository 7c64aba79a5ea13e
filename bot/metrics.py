"""What the server counts, for `GET /metrics` (Prometheus text format, through prometheus-client).

Every final delivery failure is logged once where it happens and counted here with its surface and
reason, so an operator sees failures as a rate, not by reading logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot import logs

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "aiguide_requests",
    "Requests answered, by surface, command and outcome (the answer's verdict or status).",
    ["surface", "command", "outcome"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "aiguide_answer_seconds",
    "From a request's arrival to its answer being delivered (or given up on).",
    ["surface"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0),
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "aiguide_deliveries",
    "Posts to a chat platform by surface and outcome: ok, or failed after retries and fallbacks.",
    ["surface", "outcome"],
    registry=REGISTRY,
)
DELIVERY_FAILURES = Counter(
    "aiguide_delivery_failures",
    "Posts that finally failed, by surface and reason (an HTTP status or the platform's error code).",
    ["surface", "reason"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "aiguide_delivery_retries",
    "Posts tried again after a 429, a 5xx or a broken connection.",
    ["surface"],
    registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "aiguide_llm_tokens",
    "Tokens the language model used reading questions (rate: per day).",
    registry=REGISTRY,
)
LLM_FALLBACKS = Counter(
    "aiguide_llm_fallbacks",
    "Answers that went out without the language model's reading, by why.",
    ["reason"],
    registry=REGISTRY,
)
WINS = Counter("aiguide_wins_logged", "Wins stored.", ["surface"], registry=REGISTRY)
DIGESTS = Counter("aiguide_digest_sends", "Scheduled digest runs by outcome.", ["outcome"], registry=REGISTRY)
DATABASE_ERRORS = Counter(
    "aiguide_database_errors",
    "Database work that failed or timed out while answers went ahead, by what it was.",
    ["what"],
    registry=REGISTRY,
)
QUESTIONS_WAITING = Gauge(
    "aiguide_question_log_waiting", "Asked questions queued for the questions log.", registry=REGISTRY
)
KNOWLEDGE_RELOADS = Counter(
    "aiguide_knowledge_reloads",
    "Knowledge-base reloads by outcome: changed (swapped in), unchanged, rejected (problems; the old one serves).",
    ["outcome"],
    registry=REGISTRY,
)
KNOWLEDGE_PROBLEMS = Gauge(
    "aiguide_knowledge_problems",
    "Problems in the last knowledge-base change that was not loaded; 0 once a change loads.",
    registry=REGISTRY,
)
KNOWLEDGE_VERSION = Gauge(
    "aiguide_knowledge_policy", "The policy version serving (value 1).", ["version"], registry=REGISTRY
)
PENDING_TAKEN_OVER = Counter(
    "aiguide_pending_taken_over",
    "Acknowledged requests a stopped replica left unanswered, taken over here: answered, or dropped.",
    ["surface", "outcome"],
    registry=REGISTRY,
)


def reason_label(reason: str) -> str:
    """A bounded label: the first word of a reason ("HTTP 500 ..." -> "HTTP 500", "not_in_channel")."""
    words = reason.replace(":", " ").split()
    if not words:
        return "unknown"
    head = " ".join(words[:2]) if words[0] == "HTTP" else words[0]
    return head[:40]


def failed(surface: str, reason: str) -> None:
    DELIVERIES.labels(surface, "failed").inc()
    DELIVERY_FAILURES.labels(surface, reason_label(reason)).inc()


def delivered(surface: str) -> None:
    DELIVERIES.labels(surface, "ok").inc()


def answered(surface: str, command: str, reply, started: float, request_id: str = "") -> None:
    """`command` is the router's name for what ran (a bounded set), never a word from the request."""
    seconds = max(time.monotonic() - started, 0.0)
    REQUESTS.labels(surface, command, str(reply.status)).inc()
    logs.answered(request_id=request_id, surface=surface, command=command, outcome=str(reply.status),
                  latency_ms=round(seconds * 1000, 1))  # fmt: skip
    if reply.stored == "win_logged":
        WINS.labels(surface).inc()
    ANSWER_SECONDS.labels(surface).observe(seconds)


def watch_question_log(pending: Callable[[], int]) -> None:
    QUESTIONS_WAITING.set_function(pending)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def llm_tokens(count: int) -> None:
    LLM_TOKENS.inc(max(count, 0))


def llm_fallback(reason: str) -> None:
    """`reason`: timeout, error, refused, unreadable, circuit_open, contradicted (a wording dropped) or
    loosened (a reading set aside because it would have made the answer more permissive)."""
    LLM_FALLBACKS.labels(reason).inc()
