"""A question to log, as plain data: building one needs no database layer, so `aiguide ask` can show
its answer before it loads one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AskedBy:
    platform: str
    user_id: str
    display_name: str = ""
    email: str | None = None
    directory_department: str | None = None


@dataclass(frozen=True)
class Asked:
    """One question to log: who asked, what aiguide answered, and when."""

    request_id: str
    by: AskedBy
    verdict: str
    asked_at: datetime
    tool_ids: list[str] = field(default_factory=list)
    unknown_tools: list[str] = field(default_factory=list)
    data_class: str | None = None
    use_case: str | None = None
    text: str | None = None
    rule_ids: list[str] = field(default_factory=list)
    alternative_ids: list[str] = field(default_factory=list)
    # With a language model configured: the tokens the answer cost, and why it went out without the
    # model's part (None when it did not). Both None when no model is configured.
    model_tokens: int | None = None
    model_fallback: str | None = None
