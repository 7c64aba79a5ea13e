"""The optional language model: off unless AIGUIDE_LLM_BASE_URL and AIGUIDE_LLM_MODEL are set (docs/llm.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.settings import Settings

SENT = (
    "the question with personal details redacted, and the knowledge base's tool, data-class and use-case ids; "
    "with AIGUIDE_LLM_PHRASING, also the engine's answer to word"
)


def enabled(settings: Settings) -> bool:
    return bool(settings.llm_base_url and settings.llm_model)


def describe(settings: Settings) -> dict:
    """What /healthz and the start-up lines say: where questions go and what is sent (no key)."""
    if not enabled(settings):
        return {"enabled": False}
    assert settings.llm_base_url is not None
    parts = urlsplit(settings.llm_base_url)
    return {
        "enabled": True,
        # Host and path only: a key in the address's user part or query is never shown.
        "endpoint": f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}",
        "model": settings.llm_model,
        "timeout_seconds": settings.llm_timeout,
        "words_answers": settings.llm_phrasing,
        "sent": SENT,
    }


def build_reader(settings: Settings):
    """The reader Services use, or None when no model is configured (then nothing is ever sent)."""
    if not enabled(settings):
        return None
    from bot.llm.client import OpenAIChat
    from bot.llm.reader import ModelReader

    assert settings.llm_base_url is not None and settings.llm_model is not None
    chat = OpenAIChat(settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout)
    return ModelReader(
        chat, timeout=settings.llm_timeout, described=describe(settings), phrasing=settings.llm_phrasing
    )
