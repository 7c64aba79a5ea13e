"""Picks the command for a request: the one the platform named, a leading command word, or `ask`."""

from __future__ import annotations

import logging
from dataclasses import replace

from handlers.model import Reply, Request, Status
from handlers.registry import CommandSpec, NotMine, Registry
from handlers.services import Services

log = logging.getLogger(__name__)


class Router:
    def __init__(self, registry: Registry, *, fallback: str = "ask"):
        if fallback not in registry:
            raise ValueError(f"fallback command {fallback!r} is not registered")
        self.registry = registry
        self.fallback = fallback

    def resolve(self, request: Request) -> tuple[CommandSpec, Request]:
        """The spec to run and the request with the command word taken off its text."""
        if request.command:
            spec = self.registry.get(request.command)
            if spec is not None:
                return spec, replace(request, command=spec.name)
        text = request.text.strip()
        word, _, rest = text.partition(" ")
        spec = self.registry.get(word.rstrip(":?!").lower()) if word else None
        # "me and my team want to use Otter, ok?" and "help! can I paste..." are questions.
        if spec is not None and (word[-1:] in "!?" and rest.strip()):
            spec = None
        if spec is not None and spec.accepts is not None and not spec.accepts(rest.strip()):
            spec = None
        if spec is not None:
            return spec, replace(request, command=spec.name, text=rest.strip())
        fallback = self.registry.get(self.fallback)
        assert fallback is not None
        return fallback, replace(request, command=fallback.name, text=text)

    async def dispatch(self, request: Request, services: Services) -> Reply:
        spec, routed = self.resolve(request)
        if spec.admin_only and not services.is_admin(routed.actor):
            return Reply(
                status=Status.ERROR,
                headline=f"Sorry, `{spec.name}` is for aiguide admins only.",
                footer=f"Ask {services.knowledge.policy.contact} if you need it.",
            )
        try:
            reply = await spec.handler(routed, services)
        except NotMine:
            # e.g. a mention in a thread of IT's channel that is no escalation: route its text as typed,
            # and never back to the handler that declined it.
            again = replace(request, command="", form={})
            if self.resolve(again)[0].name == spec.name:
                again = replace(again, command=self.fallback)
            return await self.dispatch(again, services)
        except Exception:
            # A person who addressed the bot always gets an answer; the details go to the log.
            log.exception("command %s failed (request %s)", spec.name, routed.request_id)
            return Reply(
                status=Status.ERROR,
                headline="Sorry, something went wrong while answering that.",
                footer=f"Please try again in a minute; if it keeps failing, ask {services.knowledge.policy.contact}.",
            )
        # Handlers may offer buttons for commands a deployment has not enabled; a dead button is worse than none.
        actions = tuple(a for a in reply.actions if a.command in self.registry)
        return reply if actions == reply.actions else replace(reply, actions=actions)
