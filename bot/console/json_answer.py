"""One answer as the JSON object of `aiguide ask --json` and `aiguide chat --json`."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.console import render
from handlers import ask
from handlers.model import Request
from handlers.services import Services
from knowledge.assess import Assessment


def json_answer(
    request: Request, services: Services, *, data_class: str | None = None
) -> tuple[dict[str, Any], Assessment]:
    """The answer and the assessment behind it; the conversation's context moves on as in a chat."""
    if services.reader is not None:  # the model reads it too: one short event loop for this answer
        assessment = asyncio.run(ask.read_request(request, services, data_class=data_class))
    else:
        assessment = ask.assess_request(request, services, data_class=data_class)
    reply = ask.talk_reply(assessment, services.knowledge)
    talk = reply is not None
    if reply is None:
        ask.remember(request, services, assessment)
        reply = ask.reply_for(assessment, services.knowledge)
    payload = ask.answer_json(assessment, render.to_plain(reply))
    if talk:
        payload["verdict"] = "info"
    return payload, assessment
