"""The command registry every surface shares; help text is generated from it."""

from __future__ import annotations

import importlib

from handlers import ask, command_words, policy_news, tools
from handlers.model import Reply, Request, Section, Status
from handlers.registry import CommandSpec, Handler, Menu, Registry, Shortcut
from handlers.router import Router
from handlers.services import Services

_LATER: set[str] = set()


def _later(module: str, name: str) -> Handler:
    """A handler whose module (and the database layer it uses) is loaded when it first runs: a question
    is routed and answered without them. A server loads them all at start-up (`load_handlers`)."""
    _LATER.add(module)

    async def run(request: Request, services: Services) -> Reply:
        handler = getattr(importlib.import_module(f"handlers.{module}"), name)
        return await handler(request, services)

    run.__qualname__ = f"{module}.{name}"
    return run


def load_handlers() -> None:
    """Loads every handler module now, so that no first request waits on an import."""
    build_registry()
    for module in sorted(_LATER):
        importlib.import_module(f"handlers.{module}")


def build_registry() -> Registry:
    registry = Registry()
    registry.register(
        CommandSpec(
            name="ask",
            handler=ask.handle,
            summary="Ask whether you may use an AI tool, for what, and with which data.",
            usage="ask QUESTION (or just type the question)",
            examples=ask.EXAMPLE_QUESTIONS,
            menu=Menu(
                "Ask whether you may use an AI tool, for what, with which data",
                hint="can I paste a contract into ChatGPT?",
                slash="/aiguide",
                teams=False,
                reads_any_command=True,
            ),
            shortcuts=(
                Shortcut(
                    "message",
                    "ask_about_message",
                    "Ask aiguide about this",
                    "May this be used with AI? Only you see the answer.",
                ),
            ),
        )
    )
    registry.register(
        CommandSpec(
            name="clarify",
            handler=ask.clarified,
            summary="Answer a question again for the kind of information you choose (the clarify buttons).",
            usage="clarify CLASS QUESTION",
            hidden=True,
        )
    )
    registry.register(
        CommandSpec(
            name="question",
            handler=ask.question_form,
            form_title=command_words.QUESTION_FORM_TITLE,
            summary="A form to ask in (the App Home's “Ask about a tool”).",
            usage="question",
            hidden=True,
            accepts=lambda rest: not rest,
        )
    )
    registry.register(
        CommandSpec(
            name="tools",
            handler=tools.handle,
            summary="List the approved AI tools, or show everything about one.",
            usage="tools [NAME]",
            examples=("tools", "tools copilot"),
            menu=Menu("The approved AI tools, or one tool in detail", hint="[tool name]", slash="/aitools"),
        )
    )

    registry.register(
        CommandSpec(
            name="win",
            handler=_later("win", "handle"),
            form_title=command_words.WIN_FORM_TITLE,
            summary="Log time AI saved you, and what the time went to. No text opens a form.",
            usage=command_words.WIN_USAGE,
            examples=(
                "win 45m drafted the RFP response with Copilot -> sent to the client two days early",
                "win list · win undo · win edit 12 -> the client signed · win delete 12",
            ),
            aliases=("wins",),
            menu=Menu(
                "Log time AI saved you, and what it led to",
                hint="45m drafted the RFP with Copilot -> sent early",
                slash="/aiwin",
            ),
            shortcuts=(
                Shortcut(
                    "global",
                    "log_a_win",
                    command_words.WIN_FORM_TITLE,
                    "Log time AI saved you, and what it led to",
                ),
            ),
        )
    )
    registry.register(
        CommandSpec(
            name="me",
            handler=_later("me", "handle"),
            summary="Your time saved this week and quarter, and your top outcomes.",
            usage="me [department NAME | reminders on|off | days off fri]",
            examples=("me", "me department Finance"),
            accepts=lambda rest: (
                not rest or rest.split(" ")[0].lower() in ("department", "reminders", "reminder", "days")
            ),
            menu=Menu("Your time saved this week and quarter"),
        )
    )
    registry.register(
        CommandSpec(
            name="request",
            handler=_later("review_request", "handle"),
            summary="Ask IT to review a tool that is not approved yet.",
            usage="request TOOL because REASON",
            examples=(command_words.REQUEST_EXAMPLE,),
            menu=Menu(
                "Ask IT to review a tool that is not approved yet",
                hint="TOOL because REASON",
                slash="/airequest",
            ),
        )
    )
    registry.register(
        CommandSpec(
            name="requests",
            handler=_later("review_request", "list_open"),
            summary="The tools people have asked IT to review, most wanted first.",
            usage="requests",
            accepts=lambda rest: not rest,
        )
    )

    registry.register(
        CommandSpec(
            name="withdraw",
            handler=_later("review_request", "withdraw"),
            summary="Take back your request for a tool review.",
            usage="withdraw TOOL",
            examples=("withdraw DeepSeek",),
            accepts=lambda rest: bool(rest) and len(rest.split()) <= 4,
        )
    )
    registry.register(
        CommandSpec(
            name="decide",
            handler=_later("reviews", "decide"),
            summary="Decide a tool review; every requester is told in a direct message (admins).",
            usage=command_words.DECIDE_USAGE,
            examples=(
                command_words.DECIDE_EXAMPLE,
                "decide Otter approve up to internal because the EU tenant is signed",
            ),
            admin_only=True,
            # "decide between ChatGPT and Claude for client notes?" is a question.
            accepts=command_words.is_decision,
        )
    )

    registry.register(
        CommandSpec(
            name="feedback",
            handler=_later("feedback", "vote"),
            summary="Rate an answer (the 👍 / 👎 buttons).",
            usage="feedback up|down ANSWER",
            hidden=True,
        )
    )
    registry.register(
        CommandSpec(
            name="escalate",
            handler=_later("feedback", "escalate"),
            summary="Pass a question to a human in IT (the “Ask a human” button).",
            usage="escalate ANSWER",
            hidden=True,
        )
    )

    registry.register(
        CommandSpec(
            name="relay",
            handler=_later("feedback", "relay"),
            summary="IT's answer in the thread of a question passed to them, sent on to the asker.",
            usage="@aiguide ANSWER (in the question's thread, in IT's channel)",
            hidden=True,
        )
    )

    registry.register(
        CommandSpec(
            name="home",
            handler=_later("home", "handle"),
            summary="Your start page.",
            usage="home",
            hidden=True,
            accepts=lambda rest: not rest,
        )
    )

    registry.register(
        CommandSpec(
            name="digest",
            handler=_later("digest", "handle"),
            summary="Preview the weekly digest (admins).",
            usage="digest [it] [2026-W47]",
            admin_only=True,
        )
    )

    registry.register(
        CommandSpec(
            name="reload",
            handler=policy_news.handle,
            summary="Read the knowledge-base files again now; a change with problems is not loaded (admins).",
            usage="reload",
            admin_only=True,
            accepts=lambda rest: rest.lower() in ("", "policy", "knowledge", "kb", "knowledge base"),
        )
    )

    registry.register(
        CommandSpec(
            name="stop",
            handler=_later("me", "stop"),
            summary="Stop the weekly reminders.",
            usage="stop reminders",
            hidden=True,
            accepts=lambda rest: rest.lower() in ("reminders", "reminder", "nudges"),
        )
    )

    async def help_handler(request: Request, services: Services) -> Reply:
        return help_reply(registry, services, admin=services.is_admin(request.actor))

    registry.register(
        CommandSpec(
            name="help",
            handler=help_handler,
            summary="Show what I can do.",
            usage="help",
            aliases=("?",),
            accepts=lambda rest: not rest,
            menu=Menu("What I can do"),
        )
    )
    return registry


def build_router() -> Router:
    return Router(build_registry())


def help_reply(registry: Registry, services: Services, *, admin: bool = False) -> Reply:
    kb = services.knowledge
    sections = tuple(
        Section(
            title=spec.usage,
            text=spec.summary,
            bullets=tuple(f"Example: {e}" for e in spec.examples[:2]),
        )
        for spec in registry
        if not spec.hidden and (admin or not spec.admin_only)
    )
    return Reply(
        status=Status.INFO,
        headline=f"I answer questions about AI tools at {kb.policy.organization}.",
        sections=sections,
        footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
    )
