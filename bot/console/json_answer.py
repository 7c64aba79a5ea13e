"""One answer as the JSON object of `aiguide ask --json` and `aiguide chat --json`."""

from __future__ import annotations

from typing import Any

from bot.console import render
from handlers import ask
from handlers.model import Request
from handlers.services import Services
from handlers.tool_list import overview
from knowledge.assess import Assessment


def json_answer(
    request: Request, services: Services, *, data_class: str | None = None
) -> tuple[dict[str, Any], Assessment]:
    """The answer and the assessment behind it; the conversation's context moves on as in a chat."""
    assessment = ask.assess_request(request, services, data_class=data_class)
    kb = services.knowledge
    talk = ask.talk_kind(assessment)
    if talk == "help":
        reply = overview(kb)
    elif talk is not None:
        reply = ask.small_talk(talk, kb)
    else:
        ask.remember(request, services, assessment)
        reply = ask.reply_for(assessment, kb)
    payload = ask.answer_json(assessment, render.to_plain(reply))
    if talk is not None:
        payload["verdict"] = "info"
    return payload, assessment
