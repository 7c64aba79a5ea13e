"""The command registry every surface shares; help text is generated from it."""

from __future__ import annotations

from handlers import ask, tools
from handlers.model import Reply, Request, Section, Status
from handlers.registry import CommandSpec, Registry
from handlers.router import Router
from handlers.services import Services


def build_registry() -> Registry:
    registry = Registry()
    registry.register(
        CommandSpec(
            name="ask",
            handler=ask.handle,
            summary="Ask whether you may use an AI tool, for what, and with which data.",
            usage="ask QUESTION (or just type the question)",
            examples=ask.EXAMPLE_QUESTIONS,
        )
    )
    registry.register(
        CommandSpec(
            name="tools",
            handler=tools.handle,
            summary="List the approved AI tools, or show everything about one.",
            usage="tools [NAME]",
            examples=("tools", "tools copilot"),
        )
    )

    async def help_handler(request: Request, services: Services) -> Reply:
        return help_reply(registry, services)

    registry.register(
        CommandSpec(
            name="help",
            handler=help_handler,
            summary="Show what I can do.",
            usage="help",
            aliases=("?",),
        )
    )
    return registry


def build_router() -> Router:
    return Router(build_registry())


def help_reply(registry: Registry, services: Services) -> Reply:
    kb = services.knowledge
    sections = tuple(
        Section(
            title=spec.usage,
            text=spec.summary,
            bullets=tuple(f"Example: {e}" for e in spec.examples[:2]),
        )
        for spec in registry
        if not spec.admin_only or spec.name == "help"
    )
    return Reply(
        status=Status.INFO,
        headline=f"I answer questions about AI tools at {kb.policy.organization}.",
        sections=sections,
        footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
    )
